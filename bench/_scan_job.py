"""The whole-file scan as the worker runs it, on SQLite and PostgreSQL: contacts read from the
database, the engine, the proposed pairs stored, the transaction committed.

Baseline, in the same run: the engine alone (``find_duplicates``) on the same records already
in memory. The ratio shows what the database adds around the engine.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from bench._scale import cold_caches
from bench.contacts import make_app, populate, postgres_schema
from crm.auth.models import User
from crm.dedupe.engine import find_duplicates
from crm.dedupe.engine.spec import contact_spec
from crm.dedupe.jobs import run_scan
from crm.dedupe.models import DuplicatePair, ScanRun
from crm.dedupe.services import outlet_shared_values, scan_records
from crm.extensions import db


def run(contacts: int = 100_000, outlets: int = 2_000) -> list[str]:
    lines = [f"Scan job: {contacts} contacts in the database, as the worker runs it"]
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(f"sqlite:///{Path(folder) / 'scan.db'}")
        lines += measure(app, "SQLite", contacts, outlets)
    with postgres_schema("bench_scan") as url:
        if url is None:
            lines.append("  PostgreSQL: unreachable, skipped")
        else:
            lines += measure(make_app(url), "PostgreSQL", contacts, outlets)
    return lines


def measure(app: Flask, label: str, contacts: int, outlets: int) -> list[str]:
    print(f"{label}: generating the contacts", flush=True)
    populate(app, contacts, outlets)
    with app.app_context():
        user = db.session.scalars(select(User)).one()
        first, reading = _timed_job(user)
        again, _ = _timed_job(user)
        pairs = db.session.scalar(select(func.count()).select_from(DuplicatePair))
        records = scan_records(user)
        cold_caches()
        started = time.perf_counter()
        find_duplicates(records, contact_spec(shared_values=outlet_shared_values()))
        engine = time.perf_counter() - started
        db.engine.dispose()
    return [f"  {label}: whole job {first:.2f} s ({pairs} pairs stored), again with the pairs "
            f"already stored {again:.2f} s; reading the contacts {reading:.2f} s",
            f"    baseline, the engine alone on the same records: {engine:.2f} s "
            f"-> job / engine = {first / engine:.2f}x"]


def _timed_job(user: User) -> tuple[float, float]:
    """Seconds of a whole scan job (empty caches, as in a new worker), and of its reading."""
    scan = ScanRun(organisation_id=user.organisation_id)
    db.session.add(scan)
    db.session.commit()
    cold_caches()
    started = time.perf_counter()
    run_scan(scan.id, user.id)
    total = time.perf_counter() - started
    started = time.perf_counter()
    scan_records(user)
    return total, time.perf_counter() - started
