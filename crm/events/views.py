"""Event pages for signed-in users: the list, create and edit with sessions, the event with
its sessions' counts and invitees, its status, and the invitation mailing."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from crm.access import role_required
from crm.auth.models import Role
from crm.events import invitations, services
from crm.events.forms import (
    AUDIENCES,
    RESPONSE_STATUSES,
    STATUSES,
    EventForm,
    StatusForm,
    session_rows,
)
from crm.events.models import Audience, Event, EventStatus, EventVisibility
from crm.extensions import db
from crm.security import page_arg
from crm.settings import settings

bp = Blueprint("events", __name__)


@bp.context_processor
def _labels() -> dict[str, object]:
    return {"event_status_labels": STATUSES, "audience_labels": AUDIENCES,
            "response_status_labels": RESPONSE_STATUSES}


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    page = db.paginate(services.visible_events(current_user), page=page_arg(), per_page=50,
                       error_out=False)
    return render_template("events/index.html", page=page)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> ResponseReturnValue:
    form = _event_form(None)
    if form.validate_on_submit():
        event = services.create_event(current_user, _event_data(form))
        db.session.commit()
        flash(_("Event “%(title)s” created as a draft.", title=event.title), "success")
        return redirect(url_for("events.show", event_id=event.id))
    return render_template("events/form.html", form=form, event=None), \
        422 if form.is_submitted() else 200


@bp.get("/<int:event_id>")
@login_required
def show(event_id: int) -> ResponseReturnValue:
    event = services.get_event_or_404(current_user, event_id)
    may_change = services.is_organiser(current_user, event)
    return render_template(
        "events/show.html", event=event, may_change=may_change,
        counts=services.session_counts(event), invitees=services.invitee_rows(current_user, event),
        status_form=StatusForm(status=event.status.value),
        invite_form=invitations.invite_form(current_user, event)
        if may_change and current_user.has_role(Role.MANAGER) else None)


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id: int) -> ResponseReturnValue:
    event = _changeable(event_id)
    form = _event_form(event)
    if form.validate_on_submit():
        try:
            services.update_event(current_user, event, _event_data(form), int(form.version.data))
        except (services.StaleEdit, ValueError):
            db.session.rollback()
            return render_template("events/form.html", form=form, event=event, stale=True), 409
        db.session.commit()
        flash(_("Event updated."), "success")
        return redirect(url_for("events.show", event_id=event.id))
    return render_template("events/form.html", form=form, event=event), \
        422 if form.is_submitted() else 200


@bp.post("/<int:event_id>/status")
@login_required
def status(event_id: int) -> ResponseReturnValue:
    event = _changeable(event_id)
    form = StatusForm()
    if not form.validate_on_submit():
        flash(_("Choose a status in the list."), "danger")
    elif services.set_status(current_user, event, EventStatus(form.status.data)):
        db.session.commit()
        flash(_("The event is now: %(status)s.", status=STATUSES[event.status]), "success")
    return redirect(url_for("events.show", event_id=event.id))


@bp.post("/<int:event_id>/invite")
@role_required(Role.MANAGER)
def invite(event_id: int) -> ResponseReturnValue:
    event = _changeable(event_id)
    form = invitations.invite_form(current_user, event)
    if form.validate_on_submit():
        try:
            mailing_id = invitations.prepare_invitation(
                current_user, event, form.subject.data, form.body.data, form.list_ids.data)
        except ValueError:
            db.session.rollback()
        else:
            db.session.commit()
            flash(_("Invitation prepared: check it, then send it."), "success")
            return redirect(url_for("mailings.show", mailing_id=mailing_id))
    flash(_("Choose at least one list and write the message (its merge fields must be "
            "valid)."), "danger")
    return redirect(url_for("events.show", event_id=event.id))


def _changeable(event_id: int) -> Event:
    event = services.get_event_or_404(current_user, event_id)
    if not services.is_organiser(current_user, event):
        abort(403)
    return event


def _event_form(event: Event | None) -> EventForm:
    zone = settings().time_zone
    if event is None:
        form = EventForm(data={"sessions": session_rows([], zone, 2)})
    else:
        form = EventForm(data={
            "version": str(event.version), "title": event.title, "venue": event.venue,
            "address": event.address, "description": event.description,
            "visibility": event.visibility.value, "sessions": session_rows(event.sessions, zone, 1),
            "organiser_ids": [o.id for o in event.organisers]})
    form.organiser_ids.choices = [SelectChoice(str(o.id), o.name)
                                for o in services.organiser_choices()]
    return form


def _event_data(form: EventForm) -> services.EventData:
    zone = settings().time_zone
    sessions = []
    for entry in form.sessions:
        row = entry.form
        if not row.name.data:
            continue
        sessions.append(services.SessionData(
            name=row.name.data, room=row.room.data or "", audience=Audience(row.audience.data),
            starts_at=dt.datetime.combine(row.day.data, row.starts.data, zone),
            ends_at=dt.datetime.combine(row.day.data, row.ends.data, zone),
            capacity=row.capacity.data, id=int(row.id.data) if row.id.data else None))
    return services.EventData(
        title=form.title.data, venue=form.venue.data or "", address=form.address.data or "",
        description=form.description.data or "",
        visibility=EventVisibility(form.visibility.data),
        organiser_ids=form.organiser_ids.data or [], sessions=sessions)
