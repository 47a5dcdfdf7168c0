"""Mailing pages (managers): list, write, preview as any recipient with the exclusions,
send once, follow the progress, read the report and re-send an uncertain delivery."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user

from crm.access import role_required
from crm.auth.models import Role
from crm.clock import local_zone
from crm.extensions import csrf, db
from crm.forms import ConfirmForm
from crm.imports.services import footer_blocks
from crm.lists.services import visible_lists
from crm.mailings import jobs, labels, services
from crm.mailings.forms import AttachmentForm, MailingForm, ScheduleForm
from crm.mailings.models import DeliveryStatus, Mailing
from crm.mailings.preview import preview_for, rendered_for
from crm.mailings.recipients import resolve
from crm.mailings.unsubscribe import find_delivery
from crm.mailings.unsubscribe import unsubscribe as unsubscribe_from
from crm.security import id_arg, page_arg, parse_id
from crm.settings import settings

bp = Blueprint("mailings", __name__)
T = TypeVar("T")


manager_required = role_required(Role.MANAGER)
"""Signed in, and a manager or an admin: officers get 403."""


@bp.context_processor
def _labels() -> dict[str, object]:
    limits = settings()
    return {**labels.LABELS, "attachment_limits": (limits.mailing_attachment_max_bytes,
                                                   limits.mailing_attachments_max_bytes)}


def _form(selection: list[int] | None = None, **kwargs: object) -> MailingForm:
    """The mailing form; its selection's choices are ``selection`` (else the ids sent)."""
    lists = list(db.session.scalars(visible_lists(current_user)))
    form = MailingForm(**kwargs)
    chosen = services.selectable(current_user, selection if selection is not None
                                 else form.contact_ids.data or [])
    if selection is not None:
        form.contact_ids.data = [c.id for c in chosen]
    return form.set_choices(services.sender_choices(), lists, footer_blocks(current_user), chosen)


@bp.get("/")
@manager_required
def index() -> ResponseReturnValue:
    page = db.paginate(services.visible_mailings(current_user), page=page_arg(), per_page=50,
                       error_out=False)
    return render_template("mailings/index.html", page=page)


@bp.route("/new", methods=["GET", "POST"])
@manager_required
def new() -> ResponseReturnValue:
    form = _form()
    if form.validate_on_submit():
        mailing = _or_404(services.create_mailing, current_user, _data(form))
        db.session.commit()
        flash(_("Draft saved. Check the recipients and the preview before sending."), "success")
        return redirect(url_for("mailings.show", mailing_id=mailing.id))
    return render_template("mailings/form.html", form=form, mailing=None), \
        422 if form.is_submitted() else 200


@bp.post("/from-selection")
@manager_required
def from_selection() -> ResponseReturnValue:
    """The contact list's "Write a mailing to the selected contacts": a new mailing's form
    with them chosen (nothing is saved before the form is)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    form = _form([i for i in map(parse_id, request.form.getlist("contact_ids")) if i],
                 formdata=None)
    if not form.contact_ids.data:
        flash(_("Select at least one contact to write to."), "danger")
        return redirect(url_for("contacts.index"))
    return render_template("mailings/form.html", form=form, mailing=None)


@bp.route("/<int:mailing_id>/edit", methods=["GET", "POST"])
@manager_required
def edit(mailing_id: int) -> ResponseReturnValue:
    mailing = _draft(_sendable(mailing_id))
    form = _form(services.selected_ids(mailing) if request.method == "GET" else None,
                 obj=mailing)
    if request.method == "GET":
        form.sender_ids.data = [o.id for o in mailing.senders]
        form.list_ids.data = [x.id for x in mailing.lists]
    if form.validate_on_submit():
        _or_404(services.update_mailing, current_user, mailing, _data(form))
        db.session.commit()
        flash(_("Draft saved."), "success")
        return redirect(url_for("mailings.show", mailing_id=mailing.id))
    return render_template("mailings/form.html", form=form, mailing=mailing, may_send=True,
                           attachment_form=AttachmentForm()), 422 if form.is_submitted() else 200


@bp.get("/<int:mailing_id>")
@manager_required
def show(mailing_id: int) -> ResponseReturnValue:
    mailing = services.get_mailing_or_404(current_user, mailing_id)
    if mailing.is_draft:
        resolved = resolve(current_user, mailing)
        return render_template("mailings/draft.html", mailing=mailing, resolved=resolved,
                               preview=preview_for(mailing, resolved.recipients, id_arg("contact_id")),
                               form=ConfirmForm(), schedule_form=ScheduleForm(),
                               attachment_form=AttachmentForm(),
                               selected=len(services.selected_ids(mailing)),
                               may_send=services.may_send(current_user, mailing))
    return _report(mailing)


def _report(mailing: Mailing) -> ResponseReturnValue:
    status = request.args.get("status", "")
    wanted = DeliveryStatus(status) if status in DeliveryStatus.__members__.values() else None
    page = db.paginate(services.deliveries(mailing, wanted), page=page_arg(), per_page=100,
                       error_out=False)
    return render_template("mailings/report.html", mailing=mailing, page=page, wanted=wanted,
                           counts=services.status_counts(mailing),
                           exclusions=services.exclusions(mailing), form=ConfirmForm(),
                           may_send=services.may_send(current_user, mailing))


@bp.get("/<int:mailing_id>/progress")
@manager_required
def progress(mailing_id: int) -> ResponseReturnValue:
    """The progress bar alone, polled by the report while the worker sends."""
    mailing = services.get_mailing_or_404(current_user, mailing_id)
    return render_template("mailings/_progress.html", mailing=mailing,
                           counts=services.status_counts(mailing))


@bp.post("/<int:mailing_id>/send")
@manager_required
def send(mailing_id: int) -> ResponseReturnValue:
    mailing = _sendable(mailing_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.send_mailing(current_user, mailing)
    except services.AlreadySent:
        db.session.rollback()
        flash(_("This mailing was already sent: nothing was sent again."), "warning")
        return redirect(url_for("mailings.show", mailing_id=mailing_id))
    db.session.commit()
    jobs.send_mailing_job(mailing.id)
    flash(_("The mailing is being sent; this page shows its progress."), "success")
    return redirect(url_for("mailings.show", mailing_id=mailing.id))


@bp.post("/<int:mailing_id>/test")
@manager_required
def send_test(mailing_id: int) -> ResponseReturnValue:
    """The draft, as the recipient chosen for the preview reads it, to the manager's address."""
    mailing = _draft(_sendable(mailing_id))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    link = url_for("mailings.show", mailing_id=mailing.id, _external=True)
    message = rendered_for(mailing, resolve(current_user, mailing).recipients,
                           parse_id(request.form.get("contact_id", "")), link)
    address = services.send_test(current_user, mailing, message)
    db.session.commit()
    flash(_("A test message as %(name)s receives it was sent to %(email)s.",
            name=f"{message.recipient.first_name} {message.recipient.last_name}".strip()
            or message.recipient.email, email=address), "success")
    return redirect(url_for("mailings.show", mailing_id=mailing.id,
                            contact_id=message.contact_id))


@bp.post("/<int:mailing_id>/schedule")
@manager_required
def schedule(mailing_id: int) -> ResponseReturnValue:
    """Send later: the date and time are Paris time (the bodies' time zone)."""
    mailing = _draft(_sendable(mailing_id))
    form = ScheduleForm()
    if not form.validate_on_submit():
        flash(_("Give the date and the time to send it."), "danger")
        return redirect(url_for("mailings.show", mailing_id=mailing.id))
    send_at = form.send_at.data.replace(tzinfo=local_zone())
    try:
        services.schedule_mailing(current_user, mailing, send_at)
    except ValueError:
        db.session.rollback()
        flash(_("This time is already past: choose a later one."), "danger")
        return redirect(url_for("mailings.show", mailing_id=mailing.id))
    db.session.commit()
    flash(_("The mailing will be sent on %(when)s.", when=format_datetime(send_at)), "success")
    return redirect(url_for("mailings.show", mailing_id=mailing.id))


@bp.post("/<int:mailing_id>/unschedule")
@manager_required
def unschedule(mailing_id: int) -> ResponseReturnValue:
    mailing = _sendable(mailing_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.unschedule_mailing(current_user, mailing)
    except services.AlreadySent:
        db.session.rollback()
        flash(_("This mailing was already sent: nothing was sent again."), "warning")
        return redirect(url_for("mailings.show", mailing_id=mailing_id))
    db.session.commit()
    flash(_("The schedule is cancelled: the mailing is a draft again."), "success")
    return redirect(url_for("mailings.show", mailing_id=mailing.id))


@bp.post("/<int:mailing_id>/deliveries/<int:delivery_id>/resend")
@manager_required
def resend(mailing_id: int, delivery_id: int) -> ResponseReturnValue:
    mailing = _sendable(mailing_id)
    delivery = services.get_delivery_or_404(mailing, delivery_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.resend_delivery(current_user, delivery)
    except services.AlreadySent:
        abort(409)
    db.session.commit()
    jobs.send_mailing_job(mailing.id)
    flash(_("The message to %(email)s will be sent again.", email=delivery.email), "success")
    return redirect(url_for("mailings.show", mailing_id=mailing.id))


def _sendable(mailing_id: int) -> Mailing:
    mailing = services.get_mailing_or_404(current_user, mailing_id)
    if not services.may_send(current_user, mailing):
        abort(403)
    return mailing


def _draft(mailing: Mailing) -> Mailing:
    if not mailing.is_draft:
        abort(409)
    return mailing


def _data(form: MailingForm) -> services.MailingData:
    return services.MailingData(subject=form.subject.data, body=form.body.data,
                                sender_ids=form.sender_ids.data or [],
                                list_ids=form.list_ids.data or [],
                                contact_ids=form.contact_ids.data or [],
                                contact_block_id=form.contact_block_id.data or None)


def _or_404(verb: Callable[..., T], *args: object) -> T:
    """Run ``verb``; a list out of scope (a forged id) answers 404."""
    try:
        return verb(*args)
    except ValueError:
        db.session.rollback()
        abort(404)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str) -> ResponseReturnValue:
    """The link of every message. GET shows the choices (link scanners prefetch it); POST is
    RFC 8058's one-click: no cookie, no token, idempotent, answered 200 and never redirected."""
    delivery = find_delivery(token)
    if request.method == "POST":
        if delivery is None:
            return Response("Unknown or expired link.\n", 404, mimetype="text/plain")
        unsubscribe_from(delivery, [o.id for o in delivery.mailing.senders])
        db.session.commit()
        return Response("You will no longer receive these messages.\n", 200,
                        mimetype="text/plain")
    if delivery is None:
        abort(404)
    return render_template("mailings/unsubscribe.html", delivery=delivery, token=token,
                           chosen=id_arg("org"), form=ConfirmForm(), done=None)


@bp.post("/unsubscribe/<token>/choose")
def unsubscribe_choice(token: str) -> ResponseReturnValue:
    """The confirmation page's buttons: one body, the mailing's bodies, or everything."""
    delivery = find_delivery(token)
    if delivery is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    senders = {o.id for o in delivery.mailing.senders}
    scope = request.form.get("scope", "")
    if scope == "all":
        unsubscribe_from(delivery, None)
    elif (org := parse_id(scope)) in senders:
        unsubscribe_from(delivery, [org])
    else:
        unsubscribe_from(delivery, sorted(senders))
    db.session.commit()
    return render_template("mailings/unsubscribe.html", delivery=delivery, token=token,
                           chosen=None, form=ConfirmForm(), done=scope or "senders")
