"""Interaction pages: quick logging from a contact page (htmx or plain POST), show, edit,
delete with undo; and the activity block (quick form and timeline) of a contact page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from crm.contacts import labels as contact_labels
from crm.contacts.display import field_label
from crm.contacts.models import Contact, contact_outlet
from crm.contacts.services import get_contact_or_404, visible_contacts
from crm.extensions import db
from crm.interactions import labels, services
from crm.interactions.forms import InteractionForm, form_values
from crm.interactions.models import Interaction
from crm.interactions.timeline import FILTERS, contact_timeline
from crm.security import page_arg

bp = Blueprint("interactions", __name__)


def template_context() -> dict[str, object]:
    """What every page may use about interactions (registered app-wide by ``crm.app``)."""
    return {**labels.LABELS, "can_change_interaction": services.can_change,
            "visible_of": lambda contacts: services.visible_of(current_user, contacts),
            "visible_contact": _visible_contact}


def _visible_contact(contact_id: object) -> Contact | None:
    """The contact a timeline event names (a merge), when the reader may open it."""
    if not isinstance(contact_id, int):
        return None
    return db.session.scalar(visible_contacts(current_user).where(Contact.id == contact_id))


@bp.context_processor
def _contact_labels() -> dict[str, object]:
    """The contact page is also rendered from here (a quick log without JavaScript)."""
    return {**contact_labels.LABELS, "field_label": field_label}


@bp.app_url_defaults
def _keep_contact_id(endpoint: str, values: dict[str, object]) -> None:
    """Timeline pagination links (contact page, or its block after a quick log) keep the contact."""
    if endpoint == "contacts.show" and "contact_id" not in values and request.view_args:
        values["contact_id"] = request.view_args.get("contact_id")


def candidates(contact: Contact, *extra: Contact) -> list[Contact]:
    """Who an interaction about ``contact`` may also concern: colleagues at its outlets."""
    outlet_ids = [o.id for o in contact.outlets]
    colleagues = list(db.session.scalars(visible_contacts(current_user).where(
        Contact.id.in_(select(contact_outlet.c.contact_id).where(
            contact_outlet.c.outlet_id.in_(outlet_ids))), Contact.id != contact.id)
        .options(selectinload(Contact.outlets))
        .order_by(Contact.sort_key).limit(20))) if outlet_ids else []
    return list({c.id: c for c in (contact, *extra, *colleagues)}.values())


def activity(contact: Contact, form: InteractionForm | None = None) -> dict[str, object]:
    """What the contact page's activity block needs: the quick form and a timeline page."""
    if form is None:  # a fresh form, never the values just sent
        form = InteractionForm(formdata=None, contact_ids=[contact.id])
        form.set_choices(candidates(contact))
        form.outlet_id.data = str(contact.outlets[0].id) if contact.outlets else ""
    kind = request.args.get("kind", "")
    page = contact_timeline(current_user, contact, kind, page_arg())
    return {"form": form, "timeline": page, "kind": kind if kind in FILTERS else "",
            "filters": FILTERS}


@bp.post("/contact/<int:contact_id>")
@login_required
def log(contact_id: int):  # type: ignore[no-untyped-def]
    contact = get_contact_or_404(current_user, contact_id)
    form = InteractionForm().set_choices(candidates(contact))
    htmx = request.headers.get("HX-Request") == "true"
    if form.validate_on_submit():
        if _log_once(form):
            flash(_("Interaction logged."), "success")
        else:
            flash(_("This form had already been sent: the interaction was logged once."), "info")
        if not htmx:
            return redirect(url_for("contacts.show", contact_id=contact.id))
        form = None
    template = "interactions/_activity.html" if htmx else "contacts/show.html"
    status = 200 if htmx or form is None else 422
    # after a log through htmx, the contact details outside the block follow (out of band)
    return render_template(template, contact=contact, refresh_details=htmx and form is None,
                           **activity(contact, form)), status


def _log_once(form: InteractionForm) -> bool:
    """Log the form's interaction unless its one-time token already logged one."""
    token = form.form_token.data or None
    if services.already_logged(token):
        return False
    try:
        services.log_interaction(current_user, form.to_data(), form_token=token)
        db.session.commit()
    except IntegrityError:  # the same form sent twice at once: the other request logged it
        db.session.rollback()
        return False
    return True


@bp.get("/<int:interaction_id>")
@login_required
def show(interaction_id: int):  # type: ignore[no-untyped-def]
    interaction = services.get_interaction_or_404(current_user, interaction_id)
    return render_template("interactions/show.html", interaction=interaction)


@bp.route("/<int:interaction_id>/edit", methods=["GET", "POST"])
@login_required
def edit(interaction_id: int):  # type: ignore[no-untyped-def]
    interaction = _changeable(services.get_interaction_or_404(current_user, interaction_id))
    seen = services.visible_of(current_user, interaction.contacts)
    form = InteractionForm(data=form_values(services.interaction_data(interaction)))
    form.set_choices(candidates(seen[0], *seen) if seen else [], interaction.outlet)
    if form.validate_on_submit():
        services.update_interaction(current_user, interaction, form.to_data())
        db.session.commit()
        flash(_("Interaction updated."), "success")
        return redirect(url_for("interactions.show", interaction_id=interaction.id))
    status = 422 if form.is_submitted() else 200
    return render_template("interactions/form.html", form=form, interaction=interaction), status


@bp.post("/<int:interaction_id>/delete")
@login_required
def delete(interaction_id: int):  # type: ignore[no-untyped-def]
    interaction = _changeable(services.get_interaction_or_404(current_user, interaction_id))
    services.soft_delete_interaction(current_user, interaction)
    db.session.commit()
    # the template is autoescaped: the Markup wraps safe HTML holding the undo button
    flash(Markup(render_template("interactions/_deleted_flash.html",  # noqa: S704
                                 interaction=interaction)), "success")
    return redirect(_back(interaction))


@bp.post("/<int:interaction_id>/restore")
@login_required
def restore(interaction_id: int):  # type: ignore[no-untyped-def]
    interaction = _changeable(
        services.get_interaction_or_404(current_user, interaction_id, deleted=True))
    services.restore_interaction(current_user, interaction)
    db.session.commit()
    flash(_("Interaction restored."), "success")
    return redirect(url_for("interactions.show", interaction_id=interaction.id))


def _changeable(interaction: Interaction) -> Interaction:
    if not services.can_change(current_user, interaction):
        abort(403)
    return interaction


def _back(interaction: Interaction) -> str:
    visible = [c for c in interaction.contacts if c.deleted_at is None]
    if visible:
        return url_for("contacts.show", contact_id=visible[0].id)
    return url_for("dashboard.index")
