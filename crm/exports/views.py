"""Export pages: the export form (from a list, a segment, the contact list's search or its
selection), the download, and the admins' log of exports."""

from __future__ import annotations

import io
import json
import tempfile
from typing import Any

from flask import Blueprint, abort, flash, render_template, request, send_file
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from crm.access import role_required
from crm.auth.models import Role
from crm.exports import services
from crm.exports.forms import FORMAT_LABELS, LEFT_OUT_LABELS, SOURCE_LABELS, ExportForm, ExportLogForm
from crm.exports.models import ExportFormat, ExportSource
from crm.extensions import db
from crm.lists.services import get_list_or_404
from crm.security import coerce_id, page_arg, parse_id
from crm.settings import settings
from crm.users.services import organisations

bp = Blueprint("exports", __name__)
SPOOL_BYTES = 1024 * 1024  # an export larger than this waits in a temporary file, not in memory


def _guard() -> None:
    if not services.may_export(current_user):
        abort(403)


@bp.get("/new")
@login_required
def new() -> ResponseReturnValue:
    _guard()
    list_id, criteria = parse_id(request.args.get("list_id")), request.args.get("criteria")
    if list_id is not None:
        contact_list = get_list_or_404(current_user, list_id)
        source = ExportSource.SEGMENT if contact_list.is_segment else ExportSource.LIST
        form = ExportForm(formdata=None, source=source.value, list_id=str(list_id))
    elif criteria is not None:
        form = ExportForm(formdata=None, source=ExportSource.SEARCH.value, criteria=criteria)
    else:
        abort(404)
    return _form_page(form)


@bp.post("/selection")
@login_required
def selection() -> ResponseReturnValue:
    _guard()
    ids = [i for i in (parse_id(v) for v in request.form.getlist("contact_ids")) if i is not None]
    if not ids:
        flash(_("Select at least one contact to export."), "danger")
    form = ExportForm(formdata=None, source=ExportSource.SELECTION.value, contact_ids=ids)
    return _form_page(form)


@bp.post("/")
@login_required
def create() -> ResponseReturnValue:
    _guard()
    form = ExportForm()
    if not form.validate_on_submit():
        return _form_page(form), 422
    wanted = _wanted(form)
    spool: Any = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (closed below)
    try:
        done = services.export_contacts(current_user, wanted, spool)
    except services.RateLimited:
        spool.close()
        return render_template("exports/rate_limited.html", per_hour=settings().exports_per_hour), 429
    except services.ExportRefused:
        spool.close()
        abort(403)
    except ValueError:
        spool.close()
        abort(404)
    db.session.commit()
    _flash_done(done)
    return _download(spool, done)


def _download(spool: Any, done: services.Exported) -> ResponseReturnValue:
    """The file as an attachment: a small one from memory, a large one streamed from its
    temporary file, closed (and so deleted) once sent."""
    size = spool.tell()
    spool.seek(0)
    body: Any = spool
    if size <= SPOOL_BYTES:
        body = io.BytesIO(spool.read())
        spool.close()
    response = send_file(body, mimetype=services.MIMETYPES[done.record.format], as_attachment=True,
                         download_name=services.download_name(done.record), max_age=0)
    if body is spool:
        response.call_on_close(spool.close)
    return response


@bp.get("/log")
@role_required(Role.ADMIN)
def log() -> ResponseReturnValue:
    form = ExportLogForm(request.args)
    form.organisation.choices = [SelectChoice("", _("All"))] + [
        SelectChoice(str(o.id), o.name) for o in organisations()]
    fmt = form.format.data if form.format.data in {f.value for f in ExportFormat} else None
    stmt = services.export_log(organisation_id=parse_id(form.organisation.data),
                               fmt=ExportFormat(fmt) if fmt else None)
    page = db.paginate(stmt, page=page_arg(), per_page=settings().page_size, error_out=False)
    return render_template("exports/log.html", form=form, page=page, formats=FORMAT_LABELS,
                           sources=SOURCE_LABELS, columns=services.column_labels())


def _form_page(form: ExportForm) -> str:
    wanted = _wanted(form)
    try:
        preview = services.preview(current_user, wanted)
    except services.ExportRefused:
        abort(403)
    except ValueError:
        abort(404)
    return render_template("exports/new.html", form=form, preview=preview,
                           source_label=SOURCE_LABELS[wanted.source], reasons=LEFT_OUT_LABELS)


def _wanted(form: ExportForm) -> services.ExportRequest:
    """The export the form describes; 404 for a source that cannot be (a forged field)."""
    try:
        source = ExportSource(form.source.data)
        criteria = json.loads(form.criteria.data) if source == ExportSource.SEARCH else None
        contact_ids = [coerce_id(i) for i in form.contact_ids.data or []]
    except (ValueError, TypeError):
        abort(404)
    fmt = form.format.data if form.format.data in {f.value for f in ExportFormat} else "xlsx"
    return services.ExportRequest(
        source=source, format=ExportFormat(fmt), columns=form.columns.data or [],
        is_mailing_list=bool(form.mailing_list.data), list_id=parse_id(form.list_id.data),
        criteria=criteria if isinstance(criteria, dict) else None, contact_ids=contact_ids)


def _flash_done(done: services.Exported) -> None:
    message = _("%(num)d contact(s) exported.", num=done.record.row_count)
    if done.record.is_mailing_list:
        message += " " + _("Left out of the mailing list: %(num)d.", num=done.record.left_out_count)
    flash(message, "success")
