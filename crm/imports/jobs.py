"""Large imports run in the worker, one transaction, with their progress kept in the job
store (``crm.jobs.report_progress``)."""

from __future__ import annotations

from crm.auth.models import User
from crm.extensions import db
from crm.imports.models import BatchStatus, ImportBatch, ImportMode
from crm.imports.services import commit_batch
from crm.jobs import clear_progress, read_progress, report_progress, task


def progress(batch_id: int) -> tuple[int, int] | None:
    """(rows done, rows in all) of a running import, if the worker reported any."""
    return read_progress("import", batch_id)  # type: ignore[return-value]


def run_import(batch_id: int, user_id: int) -> None:
    batch = db.session.get_one(ImportBatch, batch_id)
    mode = ImportMode(batch.mode or ImportMode.SKIP)
    try:
        commit_batch(db.session.get_one(User, user_id), batch, mode, queued=True,
                     progress=lambda done, total: report_progress("import", batch_id, (done, total)))
        db.session.commit()
    except Exception:
        db.session.rollback()  # nothing half-imported: the batch is staged again
        db.session.get_one(ImportBatch, batch_id).status = BatchStatus.STAGED
        db.session.commit()
        raise
    finally:
        clear_progress("import", batch_id)


@task()
def import_job(batch_id: int, user_id: int) -> None:
    run_import(batch_id, user_id)
