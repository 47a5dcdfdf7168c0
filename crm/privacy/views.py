"""Erasure on request: a confirmation page, then the erasure (managers of the owning body)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from crm.contacts.models import Contact
from crm.contacts.services import get_contact_or_404
from crm.dedupe.models import ContactMerge
from crm.extensions import db
from crm.privacy import services
from crm.privacy.forms import EraseForm

bp = Blueprint("privacy", __name__)


def _erasable_or_abort(contact_id: int) -> Contact:
    """404 for a contact the user cannot see, 403 for one they may not erase."""
    contact = get_contact_or_404(current_user, contact_id)
    if not services.may_erase(current_user, contact):
        abort(403)
    return contact


@bp.route("/contacts/<int:contact_id>/erase", methods=["GET", "POST"])
@login_required
def erase(contact_id: int) -> ResponseReturnValue:
    contact = _erasable_or_abort(contact_id)
    form = EraseForm()
    if form.validate_on_submit():
        name = contact.full_name
        services.erase_contact(current_user, contact)
        db.session.commit()
        flash(_("%(name)s has been erased; their email addresses and phone numbers will be "
                "refused by every import.", name=name), "success")
        return redirect(url_for("contacts.index"))
    merged = db.session.scalar(select(func.count()).select_from(ContactMerge).where(
        ContactMerge.kept_id == contact.id, ContactMerge.undone_at.is_(None)))
    status = 422 if form.is_submitted() else 200
    return render_template("privacy/erase.html", contact=contact, form=form, merged=merged), status
