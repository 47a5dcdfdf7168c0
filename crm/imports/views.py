"""Import pages: upload, preview, columns, confirmation, report, undo; the contact blocks."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from crm.contacts.models import Visibility
from crm.extensions import db
from crm.imports import block_store, jobs, services, staging
from crm.imports.errors import FileTooLarge, ImportRefused, UnsafeArchive, UnsupportedFile
from crm.imports.forms import CommitForm, ConfirmForm, UploadForm, mapping_form
from crm.imports.jobs import import_job
from crm.imports.labels import DECISIONS, EVIDENCE, OUTCOMES, STATUSES, label, problem_labels
from crm.imports.models import BatchStatus, ContactBlock, ImportBatch, ImportMode, SourceKind
from crm.imports.uploads import read_upload
from crm.security import page_arg

bp = Blueprint("imports", __name__)
PREVIEW_PAGE = 100


@bp.app_context_processor
def _labels() -> dict[str, object]:
    return {"status_label": lambda k: label(STATUSES, k),
            "decision_label": lambda k: label(DECISIONS, k),
            "outcome_label": lambda k: label(OUTCOMES, k)}


@bp.app_template_filter("evidence_label")
def _evidence_label(key: str) -> str:
    return label(EVIDENCE, key)


def get_batch_or_404(batch_id: int) -> ImportBatch:
    """A batch of the user's own organisation; another body's batch does not exist."""
    return db.first_or_404(select(ImportBatch).where(
        ImportBatch.id == batch_id, ImportBatch.organisation_id == current_user.organisation_id))


@bp.get("/")
@login_required
def index():  # type: ignore[no-untyped-def]
    batches = db.paginate(select(ImportBatch).where(
        ImportBatch.organisation_id == current_user.organisation_id).order_by(
        ImportBatch.id.desc()), per_page=50, error_out=False)
    return render_template("imports/index.html", page=batches)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():  # type: ignore[no-untyped-def]
    form = UploadForm()
    if form.validate_on_submit():
        try:
            batch = _stage(form)
        except ImportRefused as exc:
            form.file.errors.append(_refusal(exc))
        else:
            if batch is not None:
                db.session.commit()
                return redirect(url_for("imports.show", batch_id=batch.id))
            form.file.errors.append(_("Choose a file or paste a press release."))
    return render_template("imports/new.html", form=form), 422 if form.errors else 200


def _stage(form: UploadForm) -> ImportBatch | None:
    source, storage = form.source.data.strip(), form.file.data
    if storage and storage.filename:
        delimiter = "\t" if form.delimiter.data == "tab" else form.delimiter.data or None
        data = storage.read()
        storage.close()  # large uploads are spooled to a temporary file: close it now
        upload = read_upload(data, storage.filename, encoding=form.encoding.data or None,
                             delimiter=delimiter, max_bytes=current_app.config["MAX_CONTENT_LENGTH"])
        if upload.table is not None:
            return staging.stage_table(current_user, upload.table, kind=upload.kind,
                                       filename=storage.filename, source=source,
                                       visibility=Visibility(form.visibility.data))
        return staging.stage_text(current_user, upload.text or "", filename=storage.filename,
                                  source=source)
    if (form.text.data or "").strip():
        return staging.stage_text(current_user, form.text.data, filename=_("Pasted text"),
                                  source=source)
    return None


def _refusal(exc: ImportRefused) -> str:
    if isinstance(exc, FileTooLarge):
        return _("The file is too large.")
    if isinstance(exc, UnsafeArchive):
        return _("The file looks like a compressed bomb (too many parts or too much data once "
                 "uncompressed): it was not opened.")
    if isinstance(exc, UnsupportedFile):
        return _("This kind of file cannot be imported, or its content does not match its "
                 "extension.")
    return _("The file could not be read. Check its format, or choose the encoding and the "
             "separator by hand.")


@bp.get("/<int:batch_id>")
@login_required
def show(batch_id: int):  # type: ignore[no-untyped-def]
    batch = get_batch_or_404(batch_id)
    page = page_arg()
    rows = batch.rows[(page - 1) * PREVIEW_PAGE: page * PREVIEW_PAGE]
    headers = batch.settings.get("headers") or []
    mapping = mapping_form(headers, batch.settings.get("mapping") or {})() \
        if batch.source_kind is not SourceKind.TEXT else None
    return render_template("imports/show.html", batch=batch, rows=rows, page=page,
                           pages=max(1, -(-len(batch.rows) // PREVIEW_PAGE)),
                           mapping_form=mapping, commit_form=CommitForm(),
                           confirm_form=ConfirmForm(), problems=problem_labels(),
                           blocks=_known_blocks(batch))


def _known_blocks(batch: ImportBatch) -> set[str]:
    prints = [b["fingerprint"] for b in batch.settings.get("blocks", [])]
    return set(db.session.scalars(select(ContactBlock.fingerprint).where(
        ContactBlock.fingerprint.in_(prints)))) if prints else set()


@bp.post("/<int:batch_id>/mapping")
@login_required
def remap(batch_id: int):  # type: ignore[no-untyped-def]
    batch = get_batch_or_404(batch_id)
    headers = batch.settings.get("headers") or []
    form = mapping_form(headers, batch.settings.get("mapping") or {})()
    if batch.status is BatchStatus.STAGED and form.validate_on_submit():
        staging.remap(current_user, batch, {h: getattr(form, f"col_{i}").data or None
                                            for i, h in enumerate(headers)})
        db.session.commit()
        flash(_("Columns applied: every row was read again."), "success")
    return redirect(url_for("imports.show", batch_id=batch.id))


@bp.post("/<int:batch_id>/commit")
@login_required
def commit(batch_id: int):  # type: ignore[no-untyped-def]
    batch = get_batch_or_404(batch_id)
    form = CommitForm()
    if not form.validate_on_submit():
        return redirect(url_for("imports.show", batch_id=batch.id))
    if len(batch.rows) > current_app.config["IMPORT_INLINE_ROWS"]:
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


def _queue(batch: ImportBatch, mode: ImportMode):  # type: ignore[no-untyped-def]
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
def progress(batch_id: int):  # type: ignore[no-untyped-def]
    """The progress bar alone, polled by the page while the worker imports."""
    batch = get_batch_or_404(batch_id)
    if batch.status is not BatchStatus.QUEUED:
        return "", 200, {"HX-Refresh": "true"}
    return render_template("imports/_progress.html", batch=batch, done=jobs.progress(batch.id))


@bp.post("/<int:batch_id>/undo")
@login_required
def undo(batch_id: int):  # type: ignore[no-untyped-def]
    batch = get_batch_or_404(batch_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.undo_batch(current_user, batch)
        except services.UndoBlocked as exc:
            db.session.rollback()
            flash(_("This import cannot be undone: %(n)d contact(s) changed since. Undo those "
                    "changes first, or edit the contacts by hand.", n=len(exc.contact_ids)),
                  "danger")
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
def rejected(batch_id: int):  # type: ignore[no-untyped-def]
    batch = get_batch_or_404(batch_id)
    body = services.rejected_csv(batch, {k: str(v) for k, v in problem_labels().items()})
    return Response(body, mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="import-{batch.id}-rejets.csv"'})


@bp.get("/blocks/")
@login_required
def blocks():  # type: ignore[no-untyped-def]
    found = db.session.scalars(block_store.visible_blocks(current_user)).all()
    titles = {b.id: block_store.block_title(current_user, b,
                                            block_store.shown_sections(current_user, b))
              for b in found}
    return render_template("imports/blocks.html", blocks=found, titles=titles)


@bp.get("/blocks/<int:block_id>")
@login_required
def block(block_id: int):  # type: ignore[no-untyped-def]
    found = block_store.get_block_or_404(current_user, block_id)
    shown = block_store.shown_sections(current_user, found)
    return render_template("imports/block.html", block=found, sections=shown,
                           title=block_store.block_title(current_user, found, shown))
