"""Contact pages: list and search, show, create, edit (with conflict page), delete, trash.

The contact page is composed here: its details, the timeline (``crm.contacts.timeline``) and
the quick logging form of interactions (``quick_log``, app-wide template context). A quick log
answers with this page again through ``render_page``, handed to interactions by ``crm.app``."""

from __future__ import annotations

import json
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select

from crm.contacts import labels, services
from crm.contacts.display import compare, field_label
from crm.contacts.duplicates import find_duplicates, new_duplicates
from crm.contacts.forms import BulkTagForm, ContactFilterForm, ContactForm, form_values
from crm.contacts.listing import search_contacts
from crm.contacts.models import Contact
from crm.contacts.timeline import FILTERS, contact_timeline
from crm.errors import ConflictError, conflict_page
from crm.exports.services import may_export
from crm.extensions import db
from crm.forms import ConfirmForm
from crm.lists.services import criteria_of, lists_of_contact, owned_lists
from crm.orgs.models import Organisation
from crm.outlets.services import outlet_choices
from crm.privacy.services import may_erase, may_handle_requests
from crm.security import page_arg
from crm.settings import settings

bp = Blueprint("contacts", __name__)


@bp.context_processor
def _labels() -> dict[str, object]:
    return {**labels.plain(labels.LABELS), "field_label": field_label}


def _organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))


def _form(**kwargs: object) -> ContactForm:
    return ContactForm(**kwargs).set_choices(outlet_choices(), _organisations())


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    form = ContactFilterForm(request.args).set_choices(_organisations())
    sort = form.sort.data or "name"
    page = search_contacts(current_user, form.q.data or "", form.to_filters(), sort,
                           page_arg())
    criteria = json.dumps(criteria_of(form.q.data or "", form.to_filters()))
    return render_template("contacts/index.html", page=page, form=form, bulk=BulkTagForm(),
                           lists=owned_lists(current_user), segment_criteria=criteria,
                           may_export=may_export(current_user))


@bp.get("/<int:contact_id>")
@login_required
def show(contact_id: int) -> ResponseReturnValue:
    return render_page(services.get_contact_or_404(current_user, contact_id))


def render_page(contact: Contact, quick_form: object = None, *, fragment: bool = False,
                refresh_details: bool = False) -> str:
    """``contact``'s page as the current user sees it, or only its activity block (quick form
    and timeline) when ``fragment``, then with the details outside it that a log changes when
    ``refresh_details``. ``quick_form`` is the quick logging form as sent (``None``: a fresh
    one); the page is also answered from the interactions blueprint, hence the labels here."""
    kind = request.args.get("kind", "")
    context = {**_labels(), "contact": contact, "quick_form": quick_form,
               "timeline": contact_timeline(current_user, contact, kind, page_arg()),
               "kind": kind if kind in FILTERS else "", "filters": FILTERS,
               "visible_contact": _visible_contact}
    if fragment:
        return render_template("contacts/_activity.html", refresh_details=refresh_details,
                               **context)
    return render_template("contacts/show.html", may_erase=may_erase(current_user, contact),
                           may_handle_requests=may_handle_requests(current_user, contact),
                           lists=owned_lists(current_user),
                           member_of=lists_of_contact(current_user, contact.id),
                           may_delete=services.is_owner(current_user, contact), **context)


def _visible_contact(contact_id: object) -> Contact | None:
    """The contact a timeline event names (a merge), when the reader may open it."""
    if not isinstance(contact_id, int):
        return None
    return db.session.scalar(services.visible_contacts(current_user).where(Contact.id == contact_id))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> ResponseReturnValue:
    form = _form()
    if form.validate_on_submit():
        data = form.to_data()
        duplicates = [] if form.create_anyway.data else find_duplicates(current_user, data)
        if not duplicates:
            contact = services.create_contact(current_user, data,
                                              organisation_id=current_user.organisation_id)
            db.session.commit()
            flash(_("Contact %(name)s created.", name=contact.full_name), "success")
            return redirect(url_for("contacts.show", contact_id=contact.id))
        return render_template("contacts/form.html", form=form, duplicates=duplicates)
    status = 422 if form.is_submitted() else 200
    return render_template("contacts/form.html", form=form, duplicates=[]), status


@bp.route("/<int:contact_id>/edit", methods=["GET", "POST"])
@login_required
def edit(contact_id: int) -> ResponseReturnValue:
    contact = services.get_contact_or_404(current_user, contact_id)
    form = _form(data=form_values(services.contact_data(contact), contact.version))
    form.keep_trashed_outlets(contact.outlets)
    if not services.is_owner(current_user, contact):
        _lock_owner_fields(form, contact)
    if form.validate_on_submit():
        data = form.to_data()
        duplicates = [] if form.create_anyway.data else new_duplicates(current_user, contact, data)
        if not duplicates:
            return _save(contact, form)
        return render_template("contacts/form.html", form=form, contact=contact,
                               duplicates=duplicates)
    status = 422 if form.is_submitted() else 200
    return render_template("contacts/form.html", form=form, contact=contact,
                           duplicates=[]), status


def _lock_owner_fields(form: ContactForm, contact: Contact) -> None:
    """Another body's officer: the visibility is not offered (the form shows it as text), and
    the opt-outs and bounce already set are shown ticked but cannot be cleared."""
    hint = _("Another organisation can add an opt-out, not remove one.")
    for flag in (form.is_opted_out, form.is_email_bounced):
        if flag.object_data:
            flag.render_kw = {"disabled": True}
            flag.description = hint
    kept = {o.organisation_id for o in contact.opt_outs}
    for choice in form.opt_out_organisation_ids.choices:
        if choice.value in kept:
            choice.render_kw = {"disabled": True}
    form.opt_out_organisation_ids.description = hint


def _save(contact: Contact, form: ContactForm) -> ResponseReturnValue:
    data = form.to_data()
    try:
        version = int(form.version.data) if (form.version.data or "").isdigit() else 0
        services.update_contact(current_user, contact, data, expected_version=version)
    except ConflictError:
        db.session.rollback()
        current = services.get_contact_or_404(current_user, contact.id)
        return conflict_page(current, compare(data, services.contact_data(current)),
                             keep_url=url_for("contacts.show", contact_id=current.id),
                             resend_url=url_for("contacts.edit", contact_id=current.id),
                             not_resent=("create_anyway",))
    db.session.commit()
    flash(_("Contact updated."), "success")
    return redirect(url_for("contacts.show", contact_id=contact.id))


@bp.route("/<int:contact_id>/delete", methods=["GET", "POST"])
@login_required
def delete(contact_id: int) -> ResponseReturnValue:
    """A confirmation page, then the POST that sends the contact to the trash (owner only)."""
    contact = _get_owned_or_403(contact_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("contacts/delete.html", contact=contact, form=form)
    services.delete_contact(current_user, contact)
    db.session.commit()
    # the template is autoescaped: the Markup wraps safe HTML holding the undo button
    undo = Markup(render_template("contacts/_deleted_flash.html", contact=contact))  # noqa: S704
    flash(undo, "success")
    return redirect(url_for("contacts.index"))


@bp.post("/<int:contact_id>/restore")
@login_required
def restore(contact_id: int) -> ResponseReturnValue:
    contact = _get_owned_or_403(contact_id, deleted=True)
    services.restore_deleted_contact(current_user, contact)
    db.session.commit()
    flash(_("Contact %(name)s restored.", name=contact.full_name), "success")
    return redirect(url_for("contacts.show", contact_id=contact.id))


def _get_owned_or_403(contact_id: int, *, deleted: bool = False) -> Contact:
    """A contact the user sees (else 404) and whose body owns it (else 403)."""
    contact = services.get_contact_or_404(current_user, contact_id, deleted=deleted)
    if not services.is_owner(current_user, contact):
        abort(403)
    return contact


@bp.post("/bulk-tag")
@login_required
def bulk_tag() -> ResponseReturnValue:
    form = BulkTagForm()
    if form.validate_on_submit():
        contacts = list(db.session.scalars(services.visible_contacts(current_user).where(
            Contact.id.in_(form.contact_ids.data))))
        count = services.tag_contacts(current_user, contacts, form.beat.data)
        db.session.commit()
        flash(_("Beat “%(beat)s” added to %(num)d contact(s).", beat=form.beat.data,
                num=count), "success")
    else:
        flash(_("Select at least one contact and type a beat."), "danger")
    # Back to the list as it was, without url_for's own options (_external, _scheme…): a
    # query string naming them would build another kind of URL, or fail.
    back: dict[str, Any] = {k: v for k, v in request.args.items() if not k.startswith("_")}
    return redirect(url_for("contacts.index", **back))


@bp.get("/trash")
@login_required
def trash() -> ResponseReturnValue:
    stmt = services.visible_contacts(current_user, deleted=True).order_by(
        Contact.deleted_at.desc(), Contact.id.desc())
    page = db.paginate(stmt, page=page_arg(), per_page=50, error_out=False)
    days = settings().trash_retention.days
    return render_template("contacts/trash.html", page=page, days=days)
