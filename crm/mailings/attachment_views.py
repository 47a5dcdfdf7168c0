"""A draft's files (managers of the sending body): attach one, read it back, remove it.
Listed on the draft's page and on its edit page; every recipient's message carries them."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from crm.access import role_required
from crm.auth.models import Role
from crm.extensions import db
from crm.forms import ConfirmForm
from crm.mailings import attachments, services
from crm.mailings.attachments import AttachmentRefused, Refusal
from crm.mailings.forms import AttachmentForm
from crm.mailings.labels import refusal
from crm.mailings.models import Mailing
from crm.settings import settings

bp = Blueprint("mailing_attachments", __name__)
manager_required = role_required(Role.MANAGER)


def _sendable(mailing_id: int) -> Mailing:
    mailing = services.get_mailing_or_404(current_user, mailing_id)
    if not services.may_send(current_user, mailing):
        abort(403)
    return mailing


def _back(mailing: Mailing) -> ResponseReturnValue:
    """To the page the form was on: the draft, or its edit page."""
    endpoint = "mailings.edit" if request.values.get("back") == "edit" else "mailings.show"
    return redirect(url_for(endpoint, mailing_id=mailing.id, _anchor="attachments-title"))


@bp.post("/<int:mailing_id>/attachments")
@manager_required
def add(mailing_id: int) -> ResponseReturnValue:
    mailing = _sendable(mailing_id)
    form = AttachmentForm()
    if not form.validate_on_submit():
        abort(400)
    storage = form.file.data
    if storage is None or not storage.filename:
        flash(_("Choose a file to attach."), "danger")
        return _back(mailing)
    limits = settings()
    try:
        data = attachments.read_limited(storage.stream, limits.mailing_attachment_max_bytes)
        attachment = attachments.add_attachment(current_user, mailing, storage.filename, data)
    except AttachmentRefused as exc:
        db.session.rollback()
        limit = (limits.mailing_attachments_max_bytes if exc.reason is Refusal.TOTAL_TOO_BIG
                 else limits.mailing_attachment_max_bytes)
        flash(refusal(exc.reason, storage.filename, limit), "danger")
        return _back(mailing)
    db.session.commit()
    flash(_("“%(name)s” is attached to every message.", name=attachment.filename), "success")
    return _back(mailing)


@bp.get("/<int:mailing_id>/attachments/<int:attachment_id>")
@manager_required
def download(mailing_id: int, attachment_id: int) -> ResponseReturnValue:
    mailing = services.get_mailing_or_404(current_user, mailing_id)
    attachment = attachments.get_attachment_or_404(mailing, attachment_id)
    return send_file(io.BytesIO(attachment.data), mimetype=attachment.content_type,
                     as_attachment=True, download_name=attachment.filename)


@bp.post("/<int:mailing_id>/attachments/<int:attachment_id>/remove")
@manager_required
def remove(mailing_id: int, attachment_id: int) -> ResponseReturnValue:
    mailing = _sendable(mailing_id)
    attachment = attachments.get_attachment_or_404(mailing, attachment_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        attachments.remove_attachment(current_user, mailing, attachment)
    except AttachmentRefused as exc:
        db.session.rollback()
        flash(refusal(exc.reason, attachment.filename, 0), "danger")
        return _back(mailing)
    db.session.commit()
    flash(_("“%(name)s” is no longer attached.", name=attachment.filename), "success")
    return _back(mailing)
