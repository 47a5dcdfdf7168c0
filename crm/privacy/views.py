"""The privacy pages: a body's public information notice and its edit form, the person's
rights from the contact page (access export, rectification, objection, erasure), the log of
requests, the retention review and the record of processing."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from crm.access import role_required
from crm.auth.models import Role
from crm.clock import local_today
from crm.contacts.models import Contact, LegalBasis
from crm.contacts.services import get_contact_or_404
from crm.database import utcnow
from crm.dedupe.models import ContactMerge
from crm.errors import ConflictError, conflict_page
from crm.extensions import db
from crm.orgs.models import Organisation
from crm.privacy import notices, retention, services
from crm.privacy.forms import (
    LEGAL_BASIS_LABELS,
    REQUEST_KIND_LABELS,
    EraseForm,
    NoticeForm,
    RequestForm,
    RetentionForm,
)
from crm.privacy.labels import RSVP, VALUES
from crm.privacy.models import RequestKind
from crm.privacy.register import build_register
from crm.privacy.subject_access import subject_access
from crm.security import page_arg, parse_id
from crm.settings import settings

bp = Blueprint("privacy", __name__)


LABELS = {"basis_labels": LEGAL_BASIS_LABELS, "kind_labels": REQUEST_KIND_LABELS,
          "value_labels": VALUES, "rsvp_labels": RSVP}


def _erasable_or_abort(contact_id: int) -> Contact:
    """404 for a contact the user cannot see, 403 for one they may not erase."""
    contact = get_contact_or_404(current_user, contact_id)
    if not services.may_erase(current_user, contact):
        abort(403)
    return contact


def _handled_or_abort(contact_id: int) -> Contact:
    """404 for a contact the user cannot see, 403 unless an admin of its owner body."""
    contact = get_contact_or_404(current_user, contact_id)
    if not services.may_handle_requests(current_user, contact):
        abort(403)
    return contact


@bp.route("/notice/<int:org_id>")
def notice(org_id: int) -> ResponseReturnValue:
    """The body's information notice, for anyone: linked from every mailing."""
    organisation = db.get_or_404(Organisation, org_id)
    return render_template("privacy/notice.html", notice=notices.notice_of(organisation),
                           **LABELS)


@bp.route("/notice/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_notice() -> ResponseReturnValue:
    shown = notices.notice_of(current_user.organisation)
    form = NoticeForm(data={**shown.data.__dict__, "legal_basis": shown.data.legal_basis.value,
                            "version": str(shown.version)})
    if not form.validate_on_submit():
        return render_template("privacy/notice_form.html", form=form, notice=shown), (
            422 if form.is_submitted() else 200)
    data = notices.NoticeData(legal_basis=LegalBasis(form.legal_basis.data), **{
        name: (getattr(form, name).data or "").strip() for name in notices.TEXTS})
    version = int(form.version.data) if (form.version.data or "").isdigit() else -1
    try:
        notices.save_notice(current_user, current_user.organisation, data, expected_version=version)
    except ConflictError:
        db.session.rollback()
        return _notice_conflict(form, data, notices.notice_of(current_user.organisation))
    db.session.commit()
    flash(_("The information notice is saved."), "success")
    return redirect(url_for("privacy.notice", org_id=current_user.organisation_id))


def _notice_conflict(form: NoticeForm, data: notices.NoticeData,
                     current: notices.Notice) -> ResponseReturnValue:
    """The 409 page: the admin's text beside the one saved meanwhile."""
    rows = [(str(getattr(form, name).label.text), str(getattr(data, name)),
             str(getattr(current.data, name)), getattr(data, name) != getattr(current.data, name))
            for name in ("legal_basis", *notices.TEXTS)]
    return conflict_page(current, rows, keep_url=url_for("privacy.notice",
                                                         org_id=current.organisation.id),
                         resend_url=url_for("privacy.edit_notice"))


@bp.route("/contacts/<int:contact_id>/rights", methods=["GET", "POST"])
@login_required
def rights(contact_id: int) -> ResponseReturnValue:
    """The person's rights: log a request and answer it (access, rectification, objection)."""
    contact = _handled_or_abort(contact_id)
    form = RequestForm()
    if not form.validate_on_submit():
        return render_template("privacy/rights.html", contact=contact, form=form,
                               requests=services.contact_requests(contact.id),
                               today=local_today(), **LABELS), 422 if form.is_submitted() else 200
    kind = RequestKind(form.kind.data)
    if kind == RequestKind.OBJECT:
        services.object_to_processing(current_user, contact, form.received())
        db.session.commit()
        flash(_("The objection is recorded: no mailing of the three bodies reaches this person "
                "any more."), "success")
        return redirect(url_for("privacy.rights", contact_id=contact.id))
    services.log_request(current_user, kind, contact, form.received())
    db.session.commit()
    if kind == RequestKind.RECTIFY:
        flash(_("The request is logged: correct the details, then mark it answered."), "success")
        return redirect(url_for("contacts.edit", contact_id=contact.id))
    flash(_("The request is logged: send the person their data, then mark it answered."),
          "success")
    return redirect(url_for("privacy.access", contact_id=contact.id))


@bp.route("/contacts/<int:contact_id>/access")
@login_required
def access(contact_id: int) -> ResponseReturnValue:
    """Everything held about the person, readable and printable."""
    contact = _handled_or_abort(contact_id)
    return render_template("privacy/access.html", contact=contact,
                           data=subject_access(current_user, contact), **LABELS)


@bp.route("/contacts/<int:contact_id>/access.json")
@login_required
def access_json(contact_id: int) -> ResponseReturnValue:
    contact = _handled_or_abort(contact_id)
    body = json.dumps(subject_access(current_user, contact), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="donnees-contact-{contact.id}.json"'})


@bp.route("/contacts/<int:contact_id>/erase", methods=["GET", "POST"])
@login_required
def erase(contact_id: int) -> ResponseReturnValue:
    contact = _erasable_or_abort(contact_id)
    form = EraseForm()
    if form.validate_on_submit():
        name = contact.full_name
        services.erase_contact(current_user, contact, form.received())
        db.session.commit()
        flash(_("%(name)s has been erased; their email addresses and phone numbers will be "
                "refused by every import.", name=name), "success")
        return redirect(url_for("contacts.index"))
    merged = db.session.scalar(select(func.count()).select_from(ContactMerge).where(
        ContactMerge.kept_id == contact.id, ContactMerge.undone_at.is_(None)))
    status = 422 if form.is_submitted() else 200
    return render_template("privacy/erase.html", contact=contact, form=form, merged=merged), status


@bp.route("/requests/")
@role_required(Role.ADMIN)
def requests() -> ResponseReturnValue:
    page = db.paginate(services.body_requests(current_user), page=page_arg(),
                       per_page=settings().page_size, error_out=False)
    return render_template("privacy/requests.html", page=page, today=local_today(), **LABELS)


@bp.route("/requests/<int:request_id>/answer", methods=["POST"])
@role_required(Role.ADMIN)
def answer(request_id: int) -> ResponseReturnValue:
    found = services.get_request_or_404(current_user, request_id)
    if services.answer_request(current_user, found):
        db.session.commit()
        flash(_("The request is marked answered today."), "success")
    else:
        flash(_("This request was already answered."), "info")
    return redirect(url_for("privacy.requests"))


@bp.route("/retention", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def review() -> ResponseReturnValue:
    """The body's contacts past the retention period: keep, anonymise or erase them."""
    form = RetentionForm()
    ids = [i for i in (parse_id(v) for v in request.form.getlist("contact_ids")) if i]
    if form.validate_on_submit() and ids:
        done = retention.decide(current_user, retention.Decision(form.decision.data), ids,
                                form.reason.data or "")
        db.session.commit()
        flash(_("%(num)d contact(s) dealt with.", num=done), "success" if done else "info")
        return redirect(url_for("privacy.review"))
    none_ticked = form.is_submitted() and not ids
    page = db.paginate(retention.candidates(current_user.organisation_id),
                       page=page_arg(), per_page=settings().page_size, error_out=False)
    return render_template("privacy/retention.html", form=form, page=page,
                           cutoff=retention.cutoff(), chosen=set(ids),
                           none_ticked=none_ticked), (
        422 if form.is_submitted() else 200)


@bp.route("/register")
@role_required(Role.ADMIN)
def register() -> ResponseReturnValue:
    """The record of processing, printable."""
    return render_template("privacy/register.html", register=build_register(utcnow()), **LABELS)
