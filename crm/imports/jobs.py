"""The worker's part of imports, with progress kept in the job store
(``crm.jobs.report_progress``): reading and staging an uploaded file (or re-reading a large
batch through new columns) in short transactions, one per chunk of rows; and committing a
large batch, one transaction per chunk of rows too (an interrupted import goes on where it
stopped when confirmed again)."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import replace

from sqlalchemy import delete, select

from crm.auth.models import User
from crm.database import utcnow
from crm.extensions import db
from crm.imports import staging
from crm.imports.intake import discard_upload, folder, upload_path
from crm.imports.models import BatchStatus, ImportBatch, ImportMode, ImportRow
from crm.imports.parsing.errors import ImportRefused, refusal_code
from crm.imports.services import commit_batch
from crm.imports.uploads import read_upload
from crm.jobs import clear_progress, crontab, periodic_task, read_progress, report_progress, task
from crm.settings import settings


def progress(batch_id: int) -> tuple[int, int] | None:
    """(rows done, rows in all) of a running import, if the worker reported any."""
    return read_progress("import", batch_id)


class Discarded(Exception):
    """The batch was deleted while the worker staged it."""


def staging_progress(batch_id: int) -> tuple[int, int] | None:
    """(rows staged, rows in all) of a file the worker is reading, once it has read it."""
    return read_progress("staging", batch_id)


def run_staging(batch_id: int, user_id: int) -> None:
    """Read the kept upload of a batch in state staging and stage its rows (or, with no
    upload, decide its rows again through the new columns); the kept file goes in any case."""
    batch = db.session.get(ImportBatch, batch_id)
    name = batch.settings.upload if batch is not None else None
    try:
        if batch is None or batch.status is not BatchStatus.STAGING:
            return
        actor = db.session.get_one(User, user_id)

        def chunk_done(done: int, total: int) -> None:
            db.session.commit()  # a short transaction per chunk: others may write between
            if db.session.scalar(select(ImportBatch.id).where(ImportBatch.id == batch_id)) is None:
                raise Discarded
            report_progress("staging", batch_id, (done, total))

        if name:
            _stage_upload(actor, batch, name, chunk_done)
        else:
            staging.remap(actor, batch, batch.settings.mapping, after_chunk=chunk_done)
            batch.status = BatchStatus.STAGED
        db.session.commit()
    except Discarded:
        db.session.rollback()  # the user threw the preview away meanwhile: nothing to keep
    except Exception:
        db.session.rollback()
        if db.session.get(ImportBatch, batch_id) is None:
            return  # discarded during a chunk: the rows it wrote were refused, nothing to keep
        _fail(batch_id, remapping=not name)
        raise
    finally:
        discard_upload(name)
        clear_progress("staging", batch_id)


def _stage_upload(actor: User, batch: ImportBatch, name: str, chunk_done: staging.Progress) -> None:
    options = batch.settings.options
    batch.settings = replace(batch.settings, upload=None)
    try:
        upload = read_upload(upload_path(name).read_bytes(), batch.filename,
                             encoding=options.encoding, delimiter=options.delimiter,
                             max_bytes=settings().upload_max_bytes)
    except ImportRefused as exc:
        batch.status = BatchStatus.FAILED
        batch.settings = replace(batch.settings, refusal=refusal_code(exc))
        return
    if upload.table is not None:
        staging.stage_rows(actor, batch, upload.table, upload.kind, after_chunk=chunk_done)
    else:
        staging.stage_release(actor, batch, upload.text or "")


def _fail(batch_id: int, *, remapping: bool) -> None:
    """After an unexpected error: a file half read leaves no rows and says it failed; rows
    half read again through new columns stay, staged, for the columns to be applied again."""
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or batch.status is not BatchStatus.STAGING:
        return
    if remapping:
        batch.status = BatchStatus.STAGED
    else:
        db.session.execute(delete(ImportRow).where(ImportRow.batch_id == batch_id))
        batch.status = BatchStatus.FAILED
        batch.settings = replace(batch.settings, upload=None, refusal="error")
    db.session.commit()


SQLITE_PAUSE = 0.1  # seconds


def _commit_and_yield() -> None:
    """Commit a chunk, then leave SQLite's write lock free for a moment: the lock is not
    fair, and a worker that takes it again at once starves the pages waiting for it."""
    db.session.commit()
    if db.engine.dialect.name == "sqlite":
        time.sleep(SQLITE_PAUSE)


def run_import(batch_id: int, user_id: int) -> None:
    batch = db.session.get_one(ImportBatch, batch_id)
    mode = ImportMode(batch.mode or ImportMode.SKIP)
    try:
        commit_batch(db.session.get_one(User, user_id), batch, mode, queued=True,
                     progress=lambda done, total: report_progress("import", batch_id, (done, total)),
                     after_chunk=_commit_and_yield)
        db.session.commit()
    except Exception:
        # The chunks already committed stay applied (their rows have an outcome, and undo
        # sees them); the batch is staged again, and a new confirmation goes on from there.
        db.session.rollback()
        db.session.get_one(ImportBatch, batch_id).status = BatchStatus.STAGED
        db.session.commit()
        raise
    finally:
        clear_progress("import", batch_id)


def purge_forgotten_uploads(age: dt.timedelta) -> int:
    """Remove the kept uploads older than ``age`` (the worker was down, or died while
    reading them) and mark their batches as failed; the number of files removed."""
    cutoff, removed = time.time() - age.total_seconds(), 0
    for path in folder().glob("import-*.upload"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    for batch in db.session.scalars(select(ImportBatch).where(
            ImportBatch.status == BatchStatus.STAGING, ImportBatch.created_at < utcnow() - age)):
        batch.status = BatchStatus.FAILED
        batch.settings = replace(batch.settings, upload=None, refusal="error")
    db.session.commit()
    return removed


@periodic_task(crontab(minute="40", hour="3"))
def forgotten_uploads_job() -> None:
    purge_forgotten_uploads(dt.timedelta(days=1))


@task()
def staging_job(batch_id: int, user_id: int) -> None:
    run_staging(batch_id, user_id)


@task()
def import_job(batch_id: int, user_id: int) -> None:
    run_import(batch_id, user_id)
