"""The public RSVP page, reached from the personal link of an invitation: no account, on a
phone, in French. GET shows the event and the form (with the answers already given); POST
records them (a double POST changes nothing the second time) and redirects back; the .ics of
the event is downloadable from the same link. A wrong link answers 404, an expired one 410,
each with a page that says so."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _

from crm.events import notices, services
from crm.events.forms import RESPONSE_STATUSES, RsvpForm
from crm.events.models import CrewRole, EventSession, Invitation, ResponseStatus
from crm.extensions import db

bp = Blueprint("rsvp", __name__)


@bp.route("/<token>", methods=["GET", "POST"])
def answer(token: str) -> ResponseReturnValue:
    with force_locale("fr"):
        found = _invitation(token)
        if not isinstance(found, Invitation):
            return found
        event, sessions = found.event, found.event.sessions
        form = RsvpForm.for_sessions(sessions)(data=_current(found))
        is_open = services.accepts_answers(event)
        if is_open and form.validate_on_submit():
            try:
                outcome = services.answer_invitation(found, _answer_data(form, sessions))
            except services.CapacityError:
                db.session.rollback()
                return _page(found, form, full=True), 409
            if outcome.changed:
                notices.queue_confirmation(found)
            notices.queue_offers(outcome.promoted)
            db.session.commit()
            flash(_("Your answer has been recorded. Thank you!"), "success")
            return redirect(url_for("rsvp.answer", token=token))
        status = 409 if form.is_submitted() and not is_open else \
            422 if form.is_submitted() else 200
        return _page(found, form), status


@bp.get("/<token>/calendar.ics")
def calendar(token: str) -> ResponseReturnValue:
    found = _invitation(token)
    if not isinstance(found, Invitation):
        return found
    body = notices.event_ics(found.event, url_for("rsvp.answer", token=token, _external=True))
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": 'attachment; filename="invitation.ics"'})


def _invitation(token: str) -> Invitation | ResponseReturnValue:
    try:
        return services.find_invitation(token)
    except services.ExpiredToken:
        with force_locale("fr"):
            return render_template("events/rsvp_invalid.html", expired=True), 410
    except services.InvalidToken:
        with force_locale("fr"):
            return render_template("events/rsvp_invalid.html", expired=False), 404


def _page(invitation: Invitation, form: RsvpForm, *, full: bool = False) -> str:
    answers = {r.session_id: r for r in invitation.responses}
    return render_template("events/rsvp.html", invitation=invitation, event=invitation.event,
                           form=form, answers=answers, full=full, response_labels=RESPONSE_STATUSES,
                           is_open=services.accepts_answers(invitation.event),
                           has_press=any(s.is_press_only for s in invitation.event.sessions))


def _current(invitation: Invitation) -> dict[str, object]:
    data: dict[str, object] = {
        "outlet_name": invitation.outlet_name, "press_card": invitation.press_card,
        "equipment_needs": invitation.equipment_needs,
        "accessibility_needs": invitation.accessibility_needs,
        "crew": [{"role": c.role.value, "name": c.name} for c in invitation.crew]}
    for response in invitation.responses:
        if response.answered_at is not None:
            data[f"session_{response.session_id}"] = "no" if response.status in (
                ResponseStatus.DECLINED, ResponseStatus.CANCELLED) else "yes"
    if not invitation.outlet_name:
        data["outlet_name"] = services.contact_outlet(invitation)
    return data


def _answer_data(form: RsvpForm, sessions: list[EventSession]) -> services.AnswerData:
    crew = [services.CrewData(CrewRole(entry.form.role.data), entry.form.name.data or "")
            for entry in form.crew if entry.form.role.data]
    return services.AnswerData(
        choices=form.choices(sessions), outlet_name=form.outlet_name.data or "",
        press_card=form.press_card.data or "", equipment_needs=form.equipment_needs.data or "",
        accessibility_needs=form.accessibility_needs.data or "", crew=crew)
