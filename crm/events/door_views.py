"""The door of an event on the day, for officers on a tablet: search the invitees of a
session, mark them present or undo it, add a walk-in; the counts refresh by themselves (htmx
polling a small fragment) and with each reload without JavaScript.

Everyone who sees the event sees the door; the organiser bodies' users check people in (the
others get 403). Every change is a POST answered by a redirect back to the same search.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response as WsgiResponse

from crm.contacts.models import Contact
from crm.contacts.services import get_contact_or_404
from crm.events import checkin
from crm.events.attendance_labels import CREW_ROLE, RESPONSE_STATUS
from crm.events.door_forms import DoorSearchForm, WalkInForm
from crm.events.models import Event, EventSession, Invitation, Response
from crm.events.services import get_event_or_404, is_organiser
from crm.extensions import db
from crm.outlets.services import outlet_choices
from crm.security import parse_id

bp = Blueprint("door", __name__)


def _session(event: Event, session_id: object) -> EventSession:
    """The chosen session of the event, or its first one."""
    wanted = parse_id(session_id)
    for session in event.sessions:
        if wanted in (None, session.id):
            return session
    abort(404)


def _page(event: Event, session: EventSession, *, walk_in: WalkInForm | None = None,
          possible: list[object] | None = None, status: int = 200) -> ResponseReturnValue:
    search = DoorSearchForm(request.args)
    rows = db.session.execute(checkin.door_list(current_user, session, search.q.data or "")
                              ).all()
    return render_template(
        "events/door.html", event=event, session=session, search=search, rows=rows,
        counts=checkin.door_counts(current_user, session),
        walk_in=walk_in or WalkInForm(formdata=None).set_choices(outlet_choices()),
        possible=possible or [], can_check_in=is_organiser(current_user, event),
        status_label=RESPONSE_STATUS, crew_label=CREW_ROLE), status


@bp.get("/<int:event_id>/door")
@login_required
def index(event_id: int) -> ResponseReturnValue:
    event = get_event_or_404(current_user, event_id)
    return _page(event, _session(event, request.args.get("session")))


@bp.get("/<int:event_id>/door/counts")
@login_required
def counts(event_id: int) -> ResponseReturnValue:
    """The live counts alone, polled by the door page."""
    event = get_event_or_404(current_user, event_id)
    session = _session(event, request.args.get("session"))
    return render_template("events/_door_counts.html", event=event, session=session,
                           counts=checkin.door_counts(current_user, session))


def _answer_or_404(event: Event, response_id: int) -> Response:
    if not is_organiser(current_user, event):
        abort(403)
    response = db.session.scalar(select(Response).join(Invitation).where(
        Response.id == response_id, Invitation.event_id == event.id,
        checkin.listed_invitation(current_user)))
    if response is None:
        abort(404)
    return response


def _back(event: Event, session_id: int) -> WsgiResponse:
    q = (request.form.get("q") or "")[:100]
    return redirect(url_for("door.index", event_id=event.id, session=session_id, q=q or None))


@bp.post("/<int:event_id>/door/<int:response_id>/check-in")
@login_required
def check_in(event_id: int, response_id: int) -> ResponseReturnValue:
    event = get_event_or_404(current_user, event_id)
    response = _answer_or_404(event, response_id)
    if checkin.check_in(current_user, response):
        flash(_("Checked in."), "success")
    else:
        flash(_("Already checked in: nothing changed."), "info")
    db.session.commit()
    return _back(event, response.session_id)


@bp.post("/<int:event_id>/door/<int:response_id>/undo")
@login_required
def undo(event_id: int, response_id: int) -> ResponseReturnValue:
    event = get_event_or_404(current_user, event_id)
    response = _answer_or_404(event, response_id)
    if checkin.undo_check_in(current_user, response):
        flash(_("Check-in undone."), "success")
    else:
        flash(_("Not checked in: nothing changed."), "info")
    db.session.commit()
    return _back(event, response.session_id)


def _walk_in_details(form: WalkInForm) -> checkin.WalkIn:
    return checkin.WalkIn(first_name=form.first_name.data or "",
                          last_name=form.last_name.data or "",
                          outlet_ids=[form.outlet_id.data] if form.outlet_id.data else [],
                          emails=[form.email.data] if form.email.data else [],
                          phones=[form.phone.data] if form.phone.data else [])


@bp.post("/<int:event_id>/door/walk-in")
@login_required
def walk_in(event_id: int) -> ResponseReturnValue:
    """Check in someone not on the list: a contact picked among the possible duplicates
    shown, else (when there are none, or "create anyway") a new contact."""
    event = get_event_or_404(current_user, event_id)
    if not is_organiser(current_user, event):
        abort(403)
    session = _session(event, request.form.get("session"))
    form = WalkInForm().set_choices(outlet_choices())
    valid = form.validate()
    picked = parse_id(form.contact_id.data) if valid else None
    contact = get_contact_or_404(current_user, picked) if picked else None
    try:
        possible = [] if not valid or contact or form.create_anyway.data else \
            checkin.possible_contacts(current_user, event, _walk_in_details(form))
        if not valid or possible:
            return _page(event, session, walk_in=form, possible=list(possible),
                         status=200 if valid else 422)
        response = checkin.admit_walk_in(current_user, session, _walk_in_details(form),
                                         contact=contact)
    except ValueError:  # an e-mail or phone the contacts refuse
        form.phone.errors = [_("Check the e-mail address and the phone number.")]
        db.session.rollback()
        return _page(event, session, walk_in=form, status=422)
    db.session.commit()
    person = db.session.get_one(Contact, response.invitation.contact_id)
    flash(_("%(name)s is checked in.", name=person.full_name), "success")
    return redirect(url_for("door.index", event_id=event.id, session=session.id))
