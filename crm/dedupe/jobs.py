"""The whole-file duplicate scan, run by the worker, with its progress kept in the job store
(``crm.jobs.report_progress``)."""

from __future__ import annotations

from crm.auth.models import User
from crm.dedupe.models import ScanRun, ScanState
from crm.dedupe.services import SCAN_STEPS, scan
from crm.extensions import db
from crm.jobs import clear_progress, read_progress, report_progress, task


def progress(run_id: int) -> tuple[int, int, str] | None:
    """(steps done, steps in all, current step) of a running scan, if the worker reported."""
    return read_progress("scan", run_id)


def _report(run_id: int, step: str) -> None:
    report_progress("scan", run_id, (SCAN_STEPS.index(step), len(SCAN_STEPS), step))


def run_scan(run_id: int, user_id: int) -> None:
    run = db.session.get_one(ScanRun, run_id)
    run.state = ScanState.RUNNING  # shown while the contacts are read and compared
    db.session.commit()
    try:
        scan(db.session.get_one(User, user_id), run, on_step=lambda step: _report(run_id, step))
        db.session.commit()
    except Exception:
        db.session.rollback()
        db.session.get_one(ScanRun, run_id).state = ScanState.FAILED
        db.session.commit()
        raise
    finally:
        clear_progress("scan", run_id)


@task()
def scan_job(run_id: int, user_id: int) -> None:
    run_scan(run_id, user_id)
