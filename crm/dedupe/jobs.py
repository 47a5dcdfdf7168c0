"""The whole-file duplicate scan, run by the worker."""

from __future__ import annotations

from crm.auth.models import User
from crm.dedupe.models import ScanRun
from crm.dedupe.services import scan
from crm.extensions import db
from crm.jobs import task


def run_scan(run_id: int, user_id: int) -> None:
    run = db.session.get_one(ScanRun, run_id)
    run.state = "running"  # shown while the contacts are read and compared
    db.session.commit()
    try:
        scan(db.session.get_one(User, user_id), run)
        db.session.commit()
    except Exception:
        db.session.rollback()
        db.session.get_one(ScanRun, run_id).state = "failed"
        db.session.commit()
        raise


@task()
def scan_job(run_id: int, user_id: int) -> None:
    run_scan(run_id, user_id)
