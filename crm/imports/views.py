"""Import pages: upload, preview, columns, confirmation, discard, report, undo; the contact
blocks. A file is kept aside and read by the worker; a pasted release is read at once."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from crm.contacts.models import Contact, Visibility
from crm.extensions import db
from crm.forms import ConfirmForm
from crm.imports import block_store, intake, jobs, services, staging
from crm.imports.forms import CommitForm, UploadForm, mapping_form
from crm.imports.jobs import import_job, staging_job
from crm.imports.labels import (
    DECISIONS,
    EVIDENCE,
    OUTCOMES,
    STATUSES,
    encoding_label,
    label,
    problem_labels,
    refusal_label,
)
from crm.imports.models import (
    BatchStatus,
    ContactBlock,
    ImportBatch,
    ImportMode,
    ImportRow,
    RowDecision,
    SourceKind,
)
from crm.imports.parsing.errors import ImportRefused, refusal_code
from crm.imports.parsing.records import WARNINGS
from crm.paging import RowPagination
from crm.security import page_arg
from crm.settings import settings

bp = Blueprint("imports", __name__)
PREVIEW_PAGE = 100


def template_context() -> dict[str, object]:
    """What every page may use about imports (registered app-wide by ``crm.app``)."""
    return {"status_label": lambda k: label(STATUSES, k),
            "decision_label": lambda k: label(DECISIONS, k),
            "outcome_label": lambda k: label(OUTCOMES, k), "encoding_label": encoding_label}


def evidence_filter(key: str) -> str:
    """The ``evidence_label`` filter (registered app-wide by ``crm.app``)."""
    return label(EVIDENCE, key)


def get_batch_or_404(batch_id: int) -> ImportBatch:
    """A batch of the user's own organisation; another body's batch does not exist."""
    return db.first_or_404(select(ImportBatch).where(
        ImportBatch.id == batch_id, ImportBatch.organisation_id == current_user.organisation_id))


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    batches = RowPagination(select=services.batch_rows(current_user), page=page_arg(),
                            per_page=50, error_out=False)
    ids = [b.id for b in batches.items]
    counts = dict(db.session.execute(select(ImportRow.batch_id, func.count()).where(
        ImportRow.batch_id.in_(ids)).group_by(ImportRow.batch_id)).all()) if ids else {}
    return render_template("imports/index.html", page=batches, counts=counts)


class NothingToImport(ValueError):
    """The form holds nothing to stage, or two things at once; the message says which."""


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> ResponseReturnValue:
    form = UploadForm()
    if form.validate_on_submit():
        try:
            batch = _stage(form)
        except ImportRefused as exc:
            form.file.errors.append(refusal_label(refusal_code(exc)))
        except NothingToImport as exc:
            db.session.rollback()
            form.text.errors.append(str(exc))
        else:
            db.session.commit()
            if batch.status is BatchStatus.STAGING:
                staging_job(batch.id, current_user.id)
            return redirect(url_for("imports.show", batch_id=batch.id))
    return render_template("imports/new.html", form=form), 422 if form.errors else 200


def _stage(form: UploadForm) -> ImportBatch:
    """A batch for the worker (a file, kept aside) or staged at once (a pasted release)."""
    source, storage = form.source.data.strip(), form.file.data
    has_file, text = bool(storage and storage.filename), (form.text.data or "").strip()
    if has_file and text:
        raise NothingToImport(_("You sent a file and a pasted text: import one at a time. "
                                "Keep the file and empty the text box, or the reverse."))
    if has_file:
        name = intake.keep_upload(storage.stream, storage.filename,
                                  settings().upload_max_bytes)
        storage.close()
        delimiter = "\t" if form.delimiter.data == "tab" else form.delimiter.data or None
        return staging.file_batch(current_user, filename=storage.filename, upload=name,
                                  source=source, visibility=Visibility(form.visibility.data),
                                  encoding=form.encoding.data or None, delimiter=delimiter)
    if not text:
        raise NothingToImport(_("Choose a file or paste a press release."))
    batch = staging.stage_text(current_user, form.text.data, filename=_("Pasted text"),
                               source=source)
    if not batch.settings.blocks:
        raise NothingToImport(_("No press contact block (a heading such as “Contacts presse”, "
                                "“Relations presse” or “Press contacts” followed by names, emails "
                                "or phones) was found in this text: there is nothing to import."))
    return batch


@bp.get("/<int:batch_id>")
@login_required
def show(batch_id: int) -> ResponseReturnValue:
    return _show(get_batch_or_404(batch_id))


def _show(batch: ImportBatch, changed: list[Contact] | None = None) -> ResponseReturnValue:
    """The batch's page: one page of rows read from the database, never all of them."""
    page = page_arg()
    rows = db.session.scalars(select(ImportRow).where(ImportRow.batch_id == batch.id).order_by(
        ImportRow.number).offset((page - 1) * PREVIEW_PAGE).limit(PREVIEW_PAGE)).all()
    decisions = dict(db.session.execute(select(ImportRow.decision, func.count()).where(
        ImportRow.batch_id == batch.id).group_by(ImportRow.decision)).all())
    total = sum(decisions.values())
    headers = list(batch.settings.headers)
    mapping = mapping_form(headers, dict(batch.settings.mapping))() \
        if batch.source_kind is not SourceKind.TEXT and headers else None
    return render_template(
        "imports/show.html", batch=batch, rows=rows, page=page, total=total,
        importable=decisions.get(RowDecision.NEW, 0) + decisions.get(RowDecision.EXISTING, 0),
        pages=max(1, -(-total // PREVIEW_PAGE)), mapping_form=mapping, commit_form=CommitForm(),
        confirm_form=ConfirmForm(), problems=problem_labels(), warnings=WARNINGS,
        blocks=_known_blocks(batch), refusal=refusal_label(batch.settings.refusal),
        done=jobs.staging_progress(batch.id) if batch.status is BatchStatus.STAGING else None,
        changed=changed), 409 if changed else 200


def _known_blocks(batch: ImportBatch) -> set[str]:
    prints = [b.fingerprint for b in batch.settings.blocks]
    return set(db.session.scalars(select(ContactBlock.fingerprint).where(
        ContactBlock.fingerprint.in_(prints)))) if prints else set()


@bp.post("/<int:batch_id>/mapping")
@login_required
def remap(batch_id: int) -> ResponseReturnValue:
    batch = get_batch_or_404(batch_id)
    headers = list(batch.settings.headers)
    form = mapping_form(headers, dict(batch.settings.mapping))()
    if batch.status is BatchStatus.STAGED and form.validate_on_submit():
        mapping = {h: getattr(form, f"col_{i}").data or None for i, h in enumerate(headers)}
        if _row_count(batch) > settings().import_inline_rows:
            batch.settings = replace(batch.settings, mapping=mapping)
            batch.status = BatchStatus.STAGING
            db.session.commit()
            staging_job(batch.id, current_user.id)
            flash(_("Columns applied: the rows are being read again."), "info")
        else:
            staging.remap(current_user, batch, mapping)
            db.session.commit()
            flash(_("Columns applied: every row was read again."), "success")
    return redirect(url_for("imports.show", batch_id=batch.id))


def _row_count(batch: ImportBatch) -> int:
    return db.session.scalar(select(func.count()).where(ImportRow.batch_id == batch.id)) or 0


@bp.post("/<int:batch_id>/commit")
@login_required
def commit(batch_id: int) -> ResponseReturnValue:
    batch = get_batch_or_404(batch_id)
    form = CommitForm()
    if not form.validate_on_submit():
        return redirect(url_for("imports.show", batch_id=batch.id))
    if _row_count(batch) > settings().import_inline_rows:
        return _queue(batch, ImportMode(form.mode.data))
    try:
        counts = services.commit_batch(current_user, batch, ImportMode(form.mode.data))
    except services.ImportStateError:
        db.session.rollback()
        flash(_("This import has already been carried out."), "warning")
    else:
        db.session.commit()
        flash(_("Import done: %(created)d created, %(updated)d updated, %(skipped)d skipped, "
                "%(rejected)d rejected.", **counts), "success")
    return redirect(url_for("imports.show", batch_id=batch.id))


def _queue(batch: ImportBatch, mode: ImportMode) -> ResponseReturnValue:
    try:
        services.queue_batch(batch, mode)
    except services.ImportStateError:
        db.session.rollback()
        flash(_("This import has already been carried out."), "warning")
    else:
        db.session.commit()
        import_job(batch.id, current_user.id)
        flash(_("The import goes on in the background; this page shows its progress."), "info")
    return redirect(url_for("imports.show", batch_id=batch.id))


@bp.get("/<int:batch_id>/progress")
@login_required
def progress(batch_id: int) -> ResponseReturnValue:
    """The progress bar alone, polled by the page while the worker reads or imports."""
    batch = get_batch_or_404(batch_id)
    if batch.status is BatchStatus.QUEUED:
        done = jobs.progress(batch.id)
    elif batch.status is BatchStatus.STAGING:
        done = jobs.staging_progress(batch.id)
    else:
        return "", 200, {"HX-Refresh": "true"}
    return render_template("imports/_progress.html", batch=batch, done=done)


@bp.post("/<int:batch_id>/discard")
@login_required
def discard(batch_id: int) -> ResponseReturnValue:
    """Throw a preview away (staged or unreadable): its rows and any kept file go."""
    batch = get_batch_or_404(batch_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("imports.show", batch_id=batch.id))
    try:
        upload = services.discard_batch(current_user, batch)
    except services.ImportStateError:
        db.session.rollback()
        flash(_("Only a preview that was not imported can be discarded."), "warning")
        return redirect(url_for("imports.show", batch_id=batch_id))
    db.session.commit()
    intake.discard_upload(upload)
    flash(_("Preview discarded: nothing was imported."), "success")
    return redirect(url_for("imports.index"))


@bp.post("/<int:batch_id>/undo")
@login_required
def undo(batch_id: int) -> ResponseReturnValue:
    batch = get_batch_or_404(batch_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.undo_batch(current_user, batch)
        except services.UndoBlocked as exc:
            db.session.rollback()
            changed = db.session.scalars(select(Contact).where(
                Contact.id.in_(exc.contact_ids)).order_by(Contact.name_key)).all()
            return _show(batch, changed=list(changed))
        except services.ImportStateError:
            db.session.rollback()
            flash(_("This import is not in a state that can be undone."), "warning")
        else:
            db.session.commit()
            flash(_("Import undone: created contacts are in the trash, updated ones restored."),
                  "success")
    return redirect(url_for("imports.show", batch_id=batch.id))


@bp.get("/<int:batch_id>/rejected.csv")
@login_required
def rejected(batch_id: int) -> ResponseReturnValue:
    batch = get_batch_or_404(batch_id)
    body = services.rejected_csv(batch, {k: str(v) for k, v in problem_labels().items()})
    return Response(body, content_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="import-{batch.id}-rejets.csv"'})


@bp.get("/blocks/")
@login_required
def blocks() -> ResponseReturnValue:
    found = list(db.session.scalars(block_store.visible_blocks(current_user)))
    return render_template("imports/blocks.html", blocks=found,
                           titles=block_store.block_titles(current_user, found))


@bp.get("/blocks/<int:block_id>")
@login_required
def block(block_id: int) -> ResponseReturnValue:
    found = block_store.get_block_or_404(current_user, block_id)
    return render_template("imports/block.html", block=found,
                           sections=block_store.shown_sections(current_user, found),
                           title=block_store.block_titles(current_user, [found])[found.id],
                           release=block_store.release_text(current_user, found))
