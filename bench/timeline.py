"""Contact timeline, "Mes tâches" and the home page at scale: 100,000 contacts and
1,000,000 interactions, SQLite and PostgreSQL.

Run from the repository root: ``python -m bench.timeline [--interactions N] [--only sqlite]``.
Everything goes through the WSGI app in-process (Flask test client, signed-in officer).
Baseline, measured in the same run with the same app and user: a trivial page (a 404).
Goal: the p95 of each case under 10x the baseline p95.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select, text

from bench.contacts import make_app, p95, postgres_schema
from crm.auth.models import Role, User
from crm.contacts import demo
from crm.contacts.models import Contact, Visibility
from crm.extensions import db
from crm.interactions.models import InteractionKind, InteractionVisibility
from crm.orgs.models import Organisation
from crm.orgs.services import init_organisations
from crm.tasks.models import Priority
from crm.users.services import create_user

PASSWORD = "bench password of sufficient length"  # noqa: S105 - throwaway database
BENCH_EMAIL = "bench@aer-bfc.test"
TIMELINE_ITEMS, MY_TASKS, OTHER_TASKS = 500, 5_000, 20_000
BATCH = 20_000
GOAL_RATIO = 10.0
EXTRA = "Équipe, every status (extra: not in the goal)"


def populate(app: Flask, args: argparse.Namespace) -> dict[str, str]:
    """Fill the database; return the measured cases (name → URL)."""
    with app.app_context():
        upgrade()
        init_organisations()
        orgs = list(db.session.scalars(select(Organisation).order_by(Organisation.id)))
        users = [create_user(None, email=BENCH_EMAIL if i == 0 else f"u{i}@bench.test",
                             full_name=f"Bench {i}", role=Role.OFFICER, organisation=org,
                             password=PASSWORD) for i, org in enumerate(orgs)]
        db.session.commit()
        started = time.perf_counter()
        demo.generate(args.contacts, args.outlets)
        db.session.commit()
        print(f"  {args.contacts} contacts in {time.perf_counter() - started:.1f} s")
        target = db.session.scalar(select(Contact.id).where(
            Contact.visibility == Visibility.SHARED).order_by(Contact.id))
        started = time.perf_counter()
        _interactions(args.interactions, target, users)
        _tasks(users, target)
        db.session.commit()
        _vacuum()
        print(f"  {args.interactions} interactions ({TIMELINE_ITEMS} about contact {target}), "
              f"{MY_TASKS + OTHER_TASKS} tasks in {time.perf_counter() - started:.1f} s")
    return {
        "trivial page (baseline)": "/no-such-page",
        f"contact page, {TIMELINE_ITEMS}-item timeline": f"/contacts/{target}",
        "contact page, timeline page 10": f"/contacts/{target}?page=10",
        "contact page, timeline filtered (calls)": f"/contacts/{target}?kind=call",
        f"Mes tâches ({MY_TASKS} tasks)": "/tasks/",
        EXTRA: "/tasks/team?status=",
        "home dashboard": "/",
    }


def _vacuum() -> None:
    """Fresh statistics, and on PostgreSQL the visibility map that autovacuum would build
    after such a load (index-only scans need it)."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def _interactions(count: int, target: int, users: list[User]) -> None:
    rng = random.Random(2026)
    max_contact = db.session.scalar(select(Contact.id).order_by(Contact.id.desc()).limit(1))
    now = dt.datetime.now(dt.UTC)
    stamp, created = _stamper(), _stamper()(now)
    kinds, vis = [k.value for k in InteractionKind], [v.value for v in InteractionVisibility]
    authors = [(u.organisation_id, u.id) for u in users]
    rows, links = [], []
    if stamp is not _as_is:  # SQLite: a large page cache keeps the random index inserts fast
        db.session.execute(text("PRAGMA cache_size = -400000"))
    for n in range(1, count + 1):
        org_id, author_id = rng.choice(authors)
        when = now - dt.timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
        rows.append((n, rng.choice(kinds), f"Échange n° {n}", stamp(when), org_id, author_id,
                     "shared" if n <= TIMELINE_ITEMS else rng.choice(vis), created, created))
        links.append((n, target if n <= TIMELINE_ITEMS else rng.randint(1, max_contact)))
        if len(rows) >= BATCH:
            _copy("interaction", INTERACTION_COLUMNS, rows)
            _copy("interaction_contact", ("interaction_id", "contact_id"), links)
    _copy("interaction", INTERACTION_COLUMNS, rows)
    _copy("interaction_contact", ("interaction_id", "contact_id"), links)


INTERACTION_COLUMNS = ("id", "kind", "subject", "happened_at", "organisation_id", "author_id",
                       "visibility", "created_at", "updated_at")
TASK_COLUMNS = ("title", "assignee_id", "created_by_id", "organisation_id", "due_on", "status",
                "priority", "created_at", "updated_at", "contact_id")


def _as_is(value: dt.datetime) -> object:
    return value


def _sqlite_text(value: dt.datetime) -> object:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _stamper():  # type: ignore[no-untyped-def]
    """How each database takes a UTC datetime (SQLite: naive ISO text, as UTCDateTime stores)."""
    return _sqlite_text if db.session.get_bind().dialect.name == "sqlite" else _as_is


def _copy(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:  # type: ignore[type-arg]
    """Fast bulk insert below the ORM: executemany on SQLite, COPY on PostgreSQL."""
    if not rows:
        return
    cursor = db.session.connection().connection.cursor()
    if db.session.get_bind().dialect.name == "sqlite":
        marks = ", ".join("?" for _ in columns)
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 - our names
        cursor.executemany(sql, rows)
    else:
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    rows.clear()


def _tasks(users: list[User], target: int) -> None:
    rng = random.Random(5)
    today = dt.date.today()  # noqa: DTZ011 - bench dates only
    created = _stamper()(dt.datetime.now(dt.UTC))
    rows = []
    for n in range(MY_TASKS + OTHER_TASKS):
        creator, assignee = rng.choice(users), users[0] if n < MY_TASKS else rng.choice(users)
        rows.append((f"Relancer n° {n}", assignee.id, creator.id, creator.organisation_id,
                     (today + dt.timedelta(days=rng.randint(-60, 60))).isoformat(),
                     rng.choice(["open"] * 4 + ["done"]), rng.choice([p.value for p in Priority]),
                     created, created, target if n % 250 == 0 else None))
    _copy("task", TASK_COLUMNS, rows)
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT setval(pg_get_serial_sequence('interaction', 'id'), "
                                "(SELECT max(id) FROM interaction))"))


def measure(app: Flask, cases: dict[str, str], runs: int) -> dict[str, list[float]]:
    client = app.test_client()
    response = client.post("/auth/login", data={"email": BENCH_EMAIL, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    timings: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(3):  # warm-up: caches, prepared statements, page cache
        for url in cases.values():
            client.get(url)
    for _ in range(runs):  # interleaved, so that drifts hit every case alike
        for name, url in cases.items():
            started = time.perf_counter()
            response = client.get(url)
            timings[name].append((time.perf_counter() - started) * 1000)
            expected = 404 if name.startswith("trivial") else 200
            assert response.status_code == expected, (url, response.status_code)
    return timings


def report(label: str, timings: dict[str, list[float]]) -> bool:
    base_p95 = p95(timings["trivial page (baseline)"])
    ok = True
    print(f"\n{label}")
    print(f"  {'case':<46} {'median ms':>10} {'p95 ms':>8} {'p95 / baseline':>15}  goal")
    for name, values in timings.items():
        ratio = p95(values) / base_p95
        good = name.startswith("trivial") or name == EXTRA or ratio < GOAL_RATIO
        ok &= good
        print(f"  {name:<46} {statistics.median(values):>10.1f} {p95(values):>8.1f} "
              f"{ratio:>14.1f}x  {'—' if name == EXTRA else 'ok' if good else 'MISSED'}")
    return ok


def run(label: str, url: str, args: argparse.Namespace) -> bool:
    app = make_app(url)
    print(label)
    cases = populate(app, args)
    ok = report(label, measure(app, cases, args.runs))
    with app.app_context():
        db.engine.dispose()
    return ok


def run_sqlite(args: argparse.Namespace) -> bool:
    with tempfile.TemporaryDirectory() as folder:
        return run("SQLite", f"sqlite:///{Path(folder) / 'bench.db'}", args)


def run_postgres(args: argparse.Namespace) -> bool | None:
    with postgres_schema("bench_timeline") as url:
        return None if url is None else run("\nPostgreSQL", url, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--outlets", type=int, default=2_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    results = []
    if args.only != "postgresql":
        results.append(run_sqlite(args))
    if args.only != "sqlite":
        results.append(run_postgres(args))
    print(f"\nGoal (p95 < {GOAL_RATIO:.0f}x the trivial page):",
          "met" if all(r is not False for r in results) else "NOT met")


if __name__ == "__main__":
    main()
