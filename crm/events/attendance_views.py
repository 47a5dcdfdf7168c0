"""The RSVP dashboard of an event, the attendee list for the security desk (CSV, XLSX), the
printable press list and the "PRESSE" badges. Everyone who sees the event sees them."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from crm.audit.services import record
from crm.events import attendees, dashboard
from crm.events.attendance_labels import COLUMN, CREW_ROLE, RESPONSE_STATUS, outlet_kind_label
from crm.events.door_forms import AnswerFilterForm
from crm.events.services import get_event_or_404
from crm.exports.services import CSV_MIMETYPE, XLSX_MIMETYPE
from crm.extensions import db

bp = Blueprint("attendance", __name__)

ANSWER_LIMIT = 500
EXPORTS = {"csv": CSV_MIMETYPE, "xlsx": XLSX_MIMETYPE}


def labels() -> dict[str, object]:
    return {"column_label": COLUMN, "status_label": RESPONSE_STATUS, "crew_label": CREW_ROLE,
            "outlet_kind_label": outlet_kind_label, "columns": dashboard.COLUMNS}


@bp.get("/<int:event_id>/answers")
@login_required
def index(event_id: int) -> ResponseReturnValue:
    event = get_event_or_404(current_user, event_id)
    form = AnswerFilterForm(request.args).set_choices(
        event, dashboard.inviting_bodies(event))
    flt = dashboard.AnswerFilter(session_id=form.session.data, status=form.status.data or "",
                                 organisation_id=form.organisation.data,
                                 outlet_kind=form.outlet_kind.data or "")
    rows = db.session.execute(dashboard.answers(current_user, event, flt)
                              .limit(ANSWER_LIMIT + 1)).all()
    return render_template("events/answers.html", event=event, form=form,
                           counts=dashboard.session_counts(current_user, event),
                           rows=rows[:ANSWER_LIMIT], more=len(rows) > ANSWER_LIMIT, **labels())


@bp.post("/<int:event_id>/attendees.<any(csv, xlsx):kind>")
@login_required
def export(event_id: int, kind: str) -> ResponseReturnValue:
    """The attendee list for the security desk, as a download (a POST: it is audit-logged)."""
    event = get_event_or_404(current_user, event_id)
    data = (attendees.security_csv if kind == "csv" else attendees.security_xlsx)(
        current_user, event)
    record(current_user, "event.attendees_exported", event, format=kind)
    db.session.commit()
    return Response(data, mimetype=EXPORTS[kind], headers={
        "Content-Disposition": f'attachment; filename="participants-{event.id}.{kind}"',
        "Cache-Control": "no-store"})


@bp.get("/<int:event_id>/press-list")
@login_required
def press_list(event_id: int) -> ResponseReturnValue:
    event = get_event_or_404(current_user, event_id)
    return render_template("events/press_list.html", event=event,
                           people=list(attendees.attendees(current_user, event)), **labels())


@bp.get("/<int:event_id>/badges")
@login_required
def badges(event_id: int) -> ResponseReturnValue:
    event = get_event_or_404(current_user, event_id)
    return render_template("events/badges.html", event=event,
                           badges=attendees.press_badges(current_user, event))
