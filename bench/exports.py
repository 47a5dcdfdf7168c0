"""Exports at scale: 100,000 generated contacts as CSV for Excel, XLSX and vCard (SQLite).

Run from the repository root: ``python -m bench.exports [--contacts N] [--outlets M]``.
Each export goes through ``crm.exports.services.export_contacts`` (the contact-list search with
no filter: every contact the manager sees), into a temporary file, as the download view does.
Baseline, measured in the same run: the same contacts' rows (names, civility, job title, area,
primary email and phone) fetched by one query and written by a bare ``csv.writer``. Then
openpyxl's write-only mode over the rows the XLSX export wrote, for comparison.
Goals: CSV within 2x the baseline; XLSX within 10 s; memory bounded (the peak of Python
allocations, tracemalloc, in a second pass, grows far less than the file).
"""

from __future__ import annotations

import argparse
import csv
import io
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import and_, select

from crm.app import create_app
from crm.auth.models import Role, User
from crm.contacts import demo
from crm.contacts.models import Contact, ContactEmail, ContactPhone
from crm.contacts.services import visible_contacts
from crm.exports.models import ExportFormat, ExportSource
from crm.exports.services import ExportRequest, export_contacts
from crm.extensions import db
from crm.orgs.models import Organisation
from crm.orgs.services import init_organisations
from crm.users.services import create_user

PASSWORD = "bench password of sufficient length"  # noqa: S105 - throwaway database
XLSX_GOAL_S, CSV_GOAL_RATIO = 10.0, 2.0


def make_app(url: str) -> Flask:
    return create_app({
        "MODE": "testing", "SECRET_KEY": "bench", "JOBS_BACKEND": "memory",
        "SQLALCHEMY_DATABASE_URI": url, "EXPORTS_PER_HOUR": 1000,
        "PASSWORD_HASH_PARAMETERS": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
    })


def populate(contacts: int, outlets: int) -> User:
    upgrade()
    init_organisations()
    org = db.session.scalars(select(Organisation).order_by(Organisation.id)).first()
    manager = create_user(None, email="bench@aer-bfc.test", full_name="Bench", role=Role.MANAGER,
                          organisation=org, password=PASSWORD)
    db.session.commit()
    started = time.perf_counter()
    result = demo.generate(contacts, outlets)
    db.session.commit()
    print(f"  generated {result.contacts} contacts and {result.outlets} outlets "
          f"in {time.perf_counter() - started:.1f} s")
    return manager


def baseline(manager: User, target: io.TextIOBase) -> int:
    """One query for the rows, a bare csv.writer for the file."""
    email, phone = ContactEmail, ContactPhone
    stmt = visible_contacts(manager).with_only_columns(
        Contact.civility, Contact.first_name, Contact.last_name, email.email, phone.e164,
        Contact.job_title, Contact.area).outerjoin(
        email, and_(email.contact_id == Contact.id, email.is_primary)).outerjoin(
        phone, and_(phone.contact_id == Contact.id, phone.is_primary)).order_by(
        Contact.sort_key, Contact.id)
    writer = csv.writer(target, delimiter=";", quoting=csv.QUOTE_ALL)
    count = 0
    for row in db.session.execute(stmt):
        writer.writerow(["" if v is None else str(v) for v in row])
        count += 1
    return count


def timed(action: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def peak_mb(action: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1] / 1024 / 1024
    finally:
        tracemalloc.stop()


def export(manager: User, fmt: ExportFormat, folder: Path) -> tuple[int, int]:
    path = folder / f"export.{fmt.value}"
    wanted = ExportRequest(source=ExportSource.SEARCH, format=fmt, criteria={"q": "", "filters": {}})
    with path.open("wb") as target:
        done = export_contacts(manager, wanted, target)
    db.session.commit()
    return done.record.row_count, path.stat().st_size


def openpyxl_write_only(path: Path, out: Path) -> int:
    """openpyxl's write-only mode over the rows of an exported workbook (read first, untimed)."""
    import openpyxl

    rows = [[c or "" for c in row] for row in openpyxl.load_workbook(path, read_only=True).active
            .iter_rows(values_only=True)]
    started = time.perf_counter()
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        sheet.append(row)
    workbook.save(out)
    return int(time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--outlets", type=int, default=2_000)
    parser.add_argument("--no-openpyxl", action="store_true", help="skip the openpyxl comparison")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        app = make_app(f"sqlite:///{folder / 'bench.db'}")
        with app.test_request_context():  # labels in the default language, as a request has them
            print("SQLite")
            manager = populate(args.contacts, args.outlets)
            manager = db.session.get_one(User, manager.id)
            with (folder / "baseline.csv").open("w", encoding="utf-8", newline="") as target:
                base_s, rows = timed(lambda: baseline(manager, target))
            print(f"\n  {'case':<44} {'rows':>8} {'seconds':>8} {'ratio':>7} {'file MB':>8}")
            print(f"  {'baseline: one query + csv.writer':<44} {rows:>8} {base_s:>8.2f} {1:>6.2f}x "
                  f"{(folder / 'baseline.csv').stat().st_size / 1e6:>8.1f}")
            results = {}
            for fmt in (ExportFormat.CSV, ExportFormat.XLSX, ExportFormat.VCARD):
                seconds, (count, size) = timed(lambda f=fmt: export(manager, f, folder))
                results[fmt] = seconds
                print(f"  {'export ' + fmt.value:<44} {count:>8} {seconds:>8.2f} "
                      f"{seconds / base_s:>6.2f}x {size / 1e6:>8.1f}")
            if not args.no_openpyxl:
                spent = openpyxl_write_only(folder / "export.xlsx", folder / "openpyxl.xlsx")
                print(f"  {'openpyxl write-only, same rows (comparison)':<44} {rows:>8} {spent:>8.0f} "
                      f"{spent / base_s:>6.1f}x")
            print("\n  peak Python memory of each export (tracemalloc, second pass):")
            for fmt in (ExportFormat.CSV, ExportFormat.XLSX, ExportFormat.VCARD):
                print(f"    {fmt.value:<6} {peak_mb(lambda f=fmt: export(manager, f, folder)):>7.1f} MB")
            print(f"    baseline {peak_mb(lambda: baseline(manager, io.StringIO())):>5.1f} MB "
                  "(its file held in memory)")
            csv_ok = results[ExportFormat.CSV] <= CSV_GOAL_RATIO * base_s
            xlsx_ok = results[ExportFormat.XLSX] <= XLSX_GOAL_S
            print(f"\nGoals: CSV <= {CSV_GOAL_RATIO}x baseline: {'met' if csv_ok else 'MISSED'}; "
                  f"XLSX <= {XLSX_GOAL_S:.0f} s: {'met' if xlsx_ok else 'MISSED'}")
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
