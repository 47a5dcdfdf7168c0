"""The duplicate review queue at scale: 100,000 contacts scanned, SQLite then PostgreSQL.

Run from the repository root: ``python -m bench.review [--contacts N] [--runs R]``.
For each database: generate the contacts (``crm.contacts.demo``), run the whole-file scan as
the worker does while another thread keeps committing contact edits (each must succeed: no
"database is locked"), then time, through the WSGI app in-process (Flask test client,
signed-in officer), the review queue and the page of its first pair.
Baseline, measured in the same run with the same app and user: a trivial page (a 404).
Goal: p95 of each page under 10x the baseline p95, and no failed write during the scan.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

from flask import Flask
from sqlalchemy import select, update

from bench.contacts import PASSWORD, make_app, p95, populate, postgres_schema
from crm.auth.models import User
from crm.contacts.models import Contact
from crm.dedupe.jobs import run_scan
from crm.dedupe.models import ScanRun
from crm.dedupe.services import review_queue
from crm.extensions import db

GOAL_RATIO = 10.0
TRIVIAL = "trivial page (baseline)"


def scan_with_writer(app: Flask) -> tuple[float, list[str]]:
    """Seconds of a scan job, and the lines on the writes another thread made meanwhile."""
    with app.app_context():
        user = db.session.scalars(select(User)).one()
        run = ScanRun(organisation_id=user.organisation_id)
        db.session.add(run)
        db.session.commit()
        run_id, user_id = run.id, user.id
        contact_ids = list(db.session.scalars(select(Contact.id).order_by(Contact.id).limit(200)))
    done, waits, errors = threading.Event(), [], []

    def writer() -> None:
        with app.app_context():
            n = 0
            while not done.is_set():
                started = time.perf_counter()
                try:
                    db.session.execute(update(Contact).where(
                        Contact.id == contact_ids[n % len(contact_ids)])
                        .values(job_title=f"Journaliste {n}"))
                    db.session.commit()
                except Exception as exc:  # counted and reported: the figure this bench is for
                    db.session.rollback()
                    errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
                waits.append(time.perf_counter() - started)
                n += 1
                time.sleep(0.05)

    thread = threading.Thread(target=writer)
    thread.start()
    started = time.perf_counter()
    try:
        with app.app_context():
            run_scan(run_id, user_id)
    finally:
        elapsed = time.perf_counter() - started
        done.set()
        thread.join()
    lines = [f"  scan job: {elapsed:.1f} s; meanwhile another user committed {len(waits)} "
             f"contact edits: {len(errors)} failed, longest {max(waits, default=0) * 1000:.0f} ms"]
    lines += [f"    failed: {e}" for e in sorted(set(errors))[:3]]
    return elapsed, lines


def measure(app: Flask, runs: int) -> dict[str, list[float]]:
    with app.app_context():
        user = db.session.scalars(select(User)).one()
        first = db.session.scalars(review_queue(user).limit(1)).first()
        assert first is not None, "the scan proposed no pair"
        cases = {TRIVIAL: "/no-such-page", "review queue (GET /duplicates/)": "/duplicates/",
                 "review queue, page 10": "/duplicates/?page=10",
                 "first pair (GET /duplicates/<id>)": f"/duplicates/{first.id}"}
    client = app.test_client()
    response = client.post("/auth/login", data={"email": "bench@aer-bfc.test",
                                                "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    for _ in range(3):  # warm-up: caches, prepared statements, page cache
        for url in cases.values():
            client.get(url)
    timings: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):  # interleaved, so that drifts hit every case alike
        for name, url in cases.items():
            started = time.perf_counter()
            response = client.get(url)
            timings[name].append((time.perf_counter() - started) * 1000)
            assert response.status_code == (404 if name == TRIVIAL else 200), (url, response)
    return timings


def report(label: str, timings: dict[str, list[float]]) -> bool:
    base = p95(timings[TRIVIAL])
    ok = True
    print(f"  {'case':<36} {'p50 ms':>8} {'p95 ms':>8} {'p95 / baseline':>15}  goal")
    for name, values in timings.items():
        ratio = p95(values) / base
        good = name == TRIVIAL or ratio <= GOAL_RATIO
        ok &= good
        print(f"  {name:<36} {statistics.median(values):>8.1f} {p95(values):>8.1f} "
              f"{ratio:>14.1f}x  {'ok' if good else 'MISSED'}")
    print(f"  {label}: goal (p95 <= {GOAL_RATIO:.0f}x the trivial page)",
          "met" if ok else "NOT met", flush=True)
    return ok


def run_one(label: str, app: Flask, args: argparse.Namespace) -> bool:
    print(label, flush=True)
    populate(app, args.contacts, args.outlets)
    _elapsed, lines = scan_with_writer(app)
    print("\n".join(lines), flush=True)
    writes_ok = "0 failed" in lines[0]
    ok = report(label, measure(app, args.runs))
    with app.app_context():
        db.engine.dispose()
    return ok and writes_ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--outlets", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    results = []
    if args.only != "postgresql":
        with tempfile.TemporaryDirectory() as folder:
            results.append(run_one("SQLite", make_app(f"sqlite:///{Path(folder) / 'review.db'}"),
                                   args))
    if args.only != "sqlite":
        with postgres_schema("bench_review") as url:
            if url is not None:
                print()
                results.append(run_one("PostgreSQL", make_app(url), args))
    print("\nGoal (pages p95 <= 10x the trivial page, no failed write during the scan):",
          "met" if all(results) else "NOT met")


if __name__ == "__main__":
    main()
