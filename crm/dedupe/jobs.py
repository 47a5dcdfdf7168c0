"""The whole-file duplicate scan, run by the worker, with its progress kept in the job store
(not in the database, whose write lock the scan holds while it stores the pairs)."""

from __future__ import annotations

from crm.auth.models import User
from crm.dedupe.models import ScanRun
from crm.dedupe.services import SCAN_STEPS, scan
from crm.extensions import db
from crm.jobs import huey, task


def _key(run_id: int) -> str:
    return f"relais.scan-progress.{run_id}"


def progress(run_id: int) -> tuple[int, int, str] | None:
    """(steps done, steps in all, current step) of a running scan, if the worker reported."""
    value = huey.get(_key(run_id), peek=True)
    return tuple(value) if value else None  # type: ignore[return-value]


def _report(run_id: int, step: str) -> None:
    huey.put(_key(run_id), (SCAN_STEPS.index(step), len(SCAN_STEPS), step))


def run_scan(run_id: int, user_id: int) -> None:
    run = db.session.get_one(ScanRun, run_id)
    run.state = "running"  # shown while the contacts are read and compared
    db.session.commit()
    try:
        scan(db.session.get_one(User, user_id), run, on_step=lambda step: _report(run_id, step))
        db.session.commit()
    except Exception:
        db.session.rollback()
        db.session.get_one(ScanRun, run_id).state = "failed"
        db.session.commit()
        raise
    finally:
        huey.get(_key(run_id))  # reading without peek removes it


@task()
def scan_job(run_id: int, user_id: int) -> None:
    run_scan(run_id, user_id)
