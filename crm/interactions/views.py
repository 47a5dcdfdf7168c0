"""Interaction pages: quick logging from a contact page (htmx or plain POST), show, edit,
delete with undo; and the quick logging form that the contact page shows.

The contact page belongs to ``contacts``: this feature gives it the quick form (``quick_log``,
app-wide template context) and, after a quick log, has it rendered again by the renderer the
composition root hands over (``init_app``)."""

from __future__ import annotations

from collections.abc import Callable

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
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
from sqlalchemy.exc import IntegrityError

from crm.contacts.models import Contact
from crm.contacts.services import get_contact_or_404
from crm.extensions import db
from crm.interactions import labels, services
from crm.interactions.forms import InteractionForm, form_values
from crm.interactions.models import Interaction

bp = Blueprint("interactions", __name__)

#: ``contact_page(contact, quick_form, fragment=..., refresh_details=...)``: the contact page
#: around ``quick_form`` (``None``: a fresh one), or only its activity block when ``fragment``.
ContactPage = Callable[..., str]
_CONTACT_PAGE = "interactions.contact_page"


def init_app(app: Flask, contact_page: ContactPage) -> None:
    """Keep the contact page renderer of ``contacts`` for the quick log to answer with."""
    app.extensions[_CONTACT_PAGE] = contact_page


def template_context() -> dict[str, object]:
    """What every page may use about interactions (registered app-wide by ``crm.app``)."""
    return {**labels.LABELS, "can_change_interaction": services.can_change,
            "visible_of": lambda contacts: services.visible_of(current_user, contacts),
            "quick_log": quick_log}


def quick_log(contact: Contact, form: InteractionForm | None = None) -> Markup:
    """The quick logging form of ``contact``'s page: ``form`` as sent (with its errors), or a
    fresh one, never the values just sent."""
    if form is None:
        form = InteractionForm(formdata=None, contact_ids=[contact.id])
        form.set_choices(services.candidates(current_user, contact))
        form.outlet_id.data = str(contact.outlets[0].id) if contact.outlets else ""
    # the template is autoescaped: the Markup wraps the HTML it rendered
    return Markup(render_template("interactions/_quick_log.html",  # noqa: S704
                                  contact=contact, form=form))


@bp.post("/contact/<int:contact_id>")
@login_required
def log(contact_id: int) -> ResponseReturnValue:
    contact = get_contact_or_404(current_user, contact_id)
    form = InteractionForm().set_choices(services.candidates(current_user, contact))
    htmx = request.headers.get("HX-Request") == "true"
    logged = False
    if form.validate_on_submit():
        if _log_once(form):
            flash(_("Interaction logged."), "success")
        else:
            flash(_("This form had already been sent: the interaction was logged once."), "info")
        if not htmx:
            return redirect(url_for("contacts.show", contact_id=contact.id))
        logged = True
    status = 200 if htmx or logged else 422
    # through htmx only the activity block is sent again, and after a log the contact details
    # outside it follow (out of band); without JavaScript, the whole page with the errors
    contact_page: ContactPage = current_app.extensions[_CONTACT_PAGE]
    return contact_page(contact, None if logged else form, fragment=htmx,
                        refresh_details=htmx and logged), status


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
def show(interaction_id: int) -> ResponseReturnValue:
    interaction = services.get_interaction_or_404(current_user, interaction_id)
    return render_template("interactions/show.html", interaction=interaction)


@bp.route("/<int:interaction_id>/edit", methods=["GET", "POST"])
@login_required
def edit(interaction_id: int) -> ResponseReturnValue:
    interaction = _changeable(services.get_interaction_or_404(current_user, interaction_id))
    seen = services.visible_of(current_user, interaction.contacts)
    form = InteractionForm(data=form_values(services.interaction_data(interaction)))
    form.set_choices(services.candidates(current_user, seen[0], *seen) if seen else [],
                     interaction.outlet)
    if form.validate_on_submit():
        services.update_interaction(current_user, interaction, form.to_data())
        db.session.commit()
        flash(_("Interaction updated."), "success")
        return redirect(url_for("interactions.show", interaction_id=interaction.id))
    status = 422 if form.is_submitted() else 200
    return render_template("interactions/form.html", form=form, interaction=interaction), status


@bp.post("/<int:interaction_id>/delete")
@login_required
def delete(interaction_id: int) -> ResponseReturnValue:
    interaction = _changeable(services.get_interaction_or_404(current_user, interaction_id))
    services.soft_delete_interaction(current_user, interaction)
    db.session.commit()
    # the template is autoescaped: the Markup wraps safe HTML holding the undo button
    flash(Markup(render_template("interactions/_deleted_flash.html",  # noqa: S704
                                 interaction=interaction)), "success")
    return redirect(_back(interaction))


@bp.post("/<int:interaction_id>/restore")
@login_required
def restore(interaction_id: int) -> ResponseReturnValue:
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
