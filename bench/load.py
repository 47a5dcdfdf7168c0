"""Relais under load: gunicorn with the shipped configuration over 100,000 contacts and
1,000,000 interactions, PostgreSQL then SQLite.

Run from the repository root: ``python -m bench.load [--contacts N] [--interactions N]
[--seconds S] [--clients C] [--only sqlite|postgresql]`` (``make bench`` runs it with the
defaults). For each page, ``--clients`` keep-alive clients send requests for ``--seconds``;
the table gives requests per second, latency percentiles, errors and the server's CPU
milliseconds per request: gunicorn's workers plus, on PostgreSQL, the backends serving them
(read from /proc). Baselines in the same run: a bare Flask endpoint under the same gunicorn
configuration, and the sign-in page, to which each page's CPU per request is compared.
Then a mixed run: 8 writers log interactions while 32 readers browse; every acknowledged
write must be stored. The generated SQLite file is kept under ``instance/bench/``.
"""

from __future__ import annotations

import argparse
import hashlib
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from sqlalchemy import create_engine, select, text

from bench import timeline
from bench._load_client import Result, Session, Step, drive, get, sign_in
from bench._load_server import ROOT, CpuMeter, Server
from bench.contacts import make_app, postgres_schema
from crm.auth.models import User
from crm.contacts.models import Contact, Visibility
from crm.dedupe.models import ScanRun
from crm.dedupe.services import scan
from crm.extensions import db
from crm.imports.models import BatchStatus, ImportBatch, ImportMode, SourceKind
from crm.interactions.models import Interaction

HOST = "relais.bench.test"
WRITE_PREFIX = "Load write"
SIGN_IN, BARE = "sign-in page", "bare Flask endpoint"
# page name -> (path, goal: CPU per request at most this many times the sign-in page's)
PAGES: dict[str, tuple[str, float | None]] = {
    "contact list": ("/contacts/", 2.0),
    "search q=martin": ("/contacts/?q=martin", 2.0),
    "contact page, 500-item timeline": ("/contacts/{target}", 3.0),
    "dashboard": ("/", 2.0),
    "my tasks": ("/tasks/", None),
    "duplicates review": ("/duplicates/", None),
    "imports list": ("/imports/", None),
}
WRITERS, READERS = 8, 32


def build(app: Flask, args: argparse.Namespace) -> None:
    """The generated file (bench.timeline's: contacts, interactions, tasks), a duplicate scan
    and a page of imports."""
    timeline.populate(app, args)
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == timeline.BENCH_EMAIL)).one()
        started = time.perf_counter()
        run = ScanRun(organisation_id=user.organisation_id)
        db.session.add(run)
        pairs = scan(user, run)
        for n in range(60):
            db.session.add(ImportBatch(
                organisation_id=user.organisation_id, created_by_id=user.id,
                source_kind=SourceKind.CSV, filename=f"journalistes-{n}.csv",
                status=BatchStatus.COMMITTED, mode=ImportMode.SKIP))
        db.session.commit()
        print(f"  duplicate scan ({pairs} pairs) and 60 imports in "
              f"{time.perf_counter() - started:.1f} s")
        db.engine.dispose()


def shared_contacts(app: Flask, count: int) -> list[int]:
    """The first shared contacts: the first has the 500-item timeline (bench.timeline)."""
    with app.app_context():
        return list(db.session.scalars(select(Contact.id).where(
            Contact.visibility == Visibility.SHARED).order_by(Contact.id).limit(count)))


def server_env(url: str) -> dict[str, str]:
    return {"CRM_MODE": "production", "CRM_SQLALCHEMY_DATABASE_URI": url,
            "CRM_SECRET_KEY": "bench-" + secrets.token_hex(32),
            "CRM_SUPPRESSION_KEY": "bench-" + secrets.token_hex(32),
            "CRM_BASE_URL": f"https://{HOST}", "CRM_JOBS_BACKEND": "memory"}


class Measure:
    """Drives pages one after the other against one server, keeping a line per page."""

    def __init__(self, server: Server, backends: Callable[[], list[int]] | None,
                 args: argparse.Namespace) -> None:
        self.server, self.meter, self.args = server, CpuMeter(server, backends), args
        self.lines: dict[str, tuple[Result, float, float]] = {}
        self.rss: list[list[float]] = [server.worker_rss()]

    def page(self, name: str, steps: list[Step], cookies: dict[str, str],
             clients: int | None = None) -> Result:
        clients = clients or self.args.clients
        drive(self.server.port, HOST, cookies, steps, clients, 1.0)  # warm-up
        self.meter.start()
        result = drive(self.server.port, HOST, cookies, steps, clients, self.args.seconds)
        workers, backends = self.meter.stop()
        self.lines[name] = (result, workers, backends)
        self.rss.append(self.server.worker_rss())
        return result


def print_table(label: str, lines: dict[str, tuple[Result, float, float]]) -> bool:
    base = _cpu_per_request(lines[SIGN_IN])
    print(f"\n{label}")
    print(f"  {'page':<34} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6}"
          f" {'CPU ms/req':>10} {'(db)':>6} {'÷ sign-in':>9}  goal")
    ok = True
    for name, line in lines.items():
        result, _, backends = line
        cpu = _cpu_per_request(line)
        ratio = cpu / base
        goal = PAGES.get(name, ("", None))[1]
        met = goal is None or ratio <= goal
        ok &= met and result.errors == 0
        verdict = "—" if goal is None else f"≤ {goal:.0f}x {'ok' if met else 'MISSED'}"
        print(f"  {name:<34} {len(result.latencies) / result.seconds:>7.1f}"
              f" {result.percentile(.5):>7.1f} {result.percentile(.95):>7.1f}"
              f" {result.percentile(.99):>7.1f} {result.errors:>6} {cpu:>10.2f}"
              f" {backends / max(1, result.requests):>6.2f} {ratio:>8.2f}x  {verdict}")
    return ok


def _mb(values: list[float]) -> str:
    return ", ".join(f"{m:.0f}" for m in values)


def _cpu_per_request(line: tuple[Result, float, float]) -> float:
    result, workers, backends = line
    return (workers + backends) / max(1, result.requests)


def writer_step(contact_id: int, acknowledged: list[str]) -> Step:
    def step(session: Session) -> bool:
        if "csrf" not in session.state:
            session.state["csrf"] = session.csrf_token(f"/contacts/{contact_id}")
        subject = f"{WRITE_PREFIX} {secrets.token_hex(8)}"
        status, _ = session.request("POST", f"/interactions/contact/{contact_id}", {
            "csrf_token": session.state["csrf"], "kind": "call", "subject": subject,
            "happened_at": time.strftime("%Y-%m-%dT%H:%M"), "contact_ids": str(contact_id),
            "outlet_id": "", "visibility": "org", "coverage_medium": "",
            "form_token": secrets.token_hex(16)})
        if status == 302:
            acknowledged.append(subject)
        return status == 302
    return step


def mixed(measure: Measure, cookies: dict[str, str], reads: list[Step], contacts: list[int],
          app: Flask) -> list[str]:
    """8 writers and 32 readers at once; then compare the acknowledged writes with the rows."""
    acknowledged: list[str] = []
    writers: Result = Result()
    thread = threading.Thread(target=lambda: drive(
        measure.server.port, HOST, cookies,
        [writer_step(c, acknowledged) for c in contacts[1:WRITERS + 1]], WRITERS,
        measure.args.seconds, writers))
    thread.start()
    readers = drive(measure.server.port, HOST, cookies, reads, READERS, measure.args.seconds)
    thread.join()
    with app.app_context():
        stored = set(db.session.scalars(select(Interaction.subject).where(
            Interaction.subject.startswith(WRITE_PREFIX))))
        db.engine.dispose()
    lost = len(set(acknowledged) - stored)
    return [f"  mixed run ({WRITERS} writers, {READERS} readers, {measure.args.seconds:.0f} s):"
            f" {len(writers.latencies)} writes acknowledged ({writers.errors} errors,"
            f" p95 {writers.percentile(.95):.0f} ms), {readers.requests} reads"
            f" ({readers.errors} errors, p95 {readers.percentile(.95):.0f} ms),"
            f" {lost} acknowledged writes missing",
            "ok" if lost == 0 and writers.errors == 0 and readers.errors == 0 else "MISSED"]


def run(label: str, url: str, server_url: str, args: argparse.Namespace,
        backends: Callable[[], list[int]] | None = None) -> bool:
    app = make_app(url)
    contacts = shared_contacts(app, WRITERS + 1)
    env = server_env(server_url)
    bare = Server.start("bench._hello:app", env)
    measure = Measure(bare, None, args)
    measure.page(BARE, [get("/")], {})
    bare.stop()
    lines = measure.lines
    server = Server.start("wsgi:app", env)
    try:
        measure = Measure(server, backends, args)
        cookies = sign_in(server.port, HOST, timeline.BENCH_EMAIL, timeline.PASSWORD)
        measure.page(SIGN_IN, [get("/auth/login")], {})
        measure.rss = [server.worker_rss()]  # every worker has served a few requests
        reads = []
        for name, (path, _) in PAGES.items():
            if args.only_pages and name not in args.only_pages:
                continue
            steps = [get(path.format(target=contacts[0]))]
            reads += steps
            measure.page(name, steps, cookies)
        mixed_lines = mixed(measure, cookies, reads, contacts, app)
        measure.rss.append(server.worker_rss())
    finally:
        server.stop()
    ok = print_table(label, {**lines, **measure.lines})
    rss = measure.rss
    print(f"  memory per worker (RSS MB): after sign-in page {_mb(rss[0])}; after the pages"
          f" {_mb(rss[-2])}; after the mixed run {_mb(rss[-1])}")
    print(mixed_lines[0], mixed_lines[1])
    return ok and mixed_lines[1] == "ok"


def cached_sqlite(args: argparse.Namespace) -> Path:
    """The generated SQLite file for these sizes and this schema, built once."""
    versions = sorted(p.name for p in (ROOT / "migrations" / "versions").glob("*.py"))
    key = hashlib.sha256(repr((versions, args.contacts, args.outlets, args.interactions))
                         .encode()).hexdigest()[:12]
    folder = ROOT / "instance" / "bench"
    path = folder / f"load-{args.contacts}-{args.interactions}-{key}.db"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        building = path.with_suffix(".building")
        building.unlink(missing_ok=True)
        build(make_app(f"sqlite:///{building}"), args)
        building.rename(path)
    return path


def run_sqlite(args: argparse.Namespace) -> bool:
    print("\nSQLite")
    source = cached_sqlite(args)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "load.db"
        shutil.copyfile(source, path)
        url = f"sqlite:///{path}"
        return run("SQLite", url, url, args)


def run_postgres(args: argparse.Namespace) -> bool | None:
    with postgres_schema("bench_load") as url:
        if url is None:
            return None
        print("\nPostgreSQL")
        build(make_app(url), args)
        name = f"relais-load-{secrets.token_hex(4)}"
        admin = create_engine(url, isolation_level="AUTOCOMMIT")

        def backends() -> list[int]:
            with admin.connect() as conn:
                return list(conn.scalars(text(
                    "SELECT pid FROM pg_stat_activity WHERE application_name = :name"),
                    {"name": name}))
        try:
            return run("PostgreSQL", url, f"{url}&application_name={name}", args, backends)
        finally:
            admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--outlets", type=int, default=2_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=10.0, help="per page")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--page", dest="only_pages", action="append",
                        help="measure only this page (repeatable)")
    args = parser.parse_args()
    results = []
    if args.only != "sqlite":
        results.append(run_postgres(args))
    if args.only != "postgresql":
        results.append(run_sqlite(args))
    print("\nGoals (CPU per request ÷ sign-in page's; no error; no lost write):",
          "met" if all(r is not False for r in results) else "NOT met")


if __name__ == "__main__":
    main()
