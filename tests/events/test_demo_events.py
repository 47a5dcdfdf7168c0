"""The demo's events: the Assises 2026 of the release, past, with its answers, and a press
point to come; loading them again creates nothing."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from crm.auth.models import User
from crm.demo.events import ASSISES, UPCOMING, load_events
from crm.events.models import Event, EventStatus, Response, ResponseStatus
from crm.extensions import db


def test_the_demo_events_once(app, make_user, make_contact):
    manager = make_user("manager", "Région BFC")
    for i in range(8):
        make_contact(f"JOURNALISTE{i}", "Prénom", kind="journalist")
    today = dt.date(2026, 12, 1)
    with app.app_context():
        user = db.session.get_one(User, manager.id)
        assert load_events(user, today) == 2
        assert load_events(user, today) == 0
        db.session.commit()
        assises = db.session.scalar(select(Event).where(Event.title == ASSISES))
        upcoming = db.session.scalar(select(Event).where(Event.title == UPCOMING))
        assert assises.status == EventStatus.PAST and len(assises.organisers) == 3
        press, conference = assises.sessions
        assert (press.room, press.starts_at.hour, conference.room) == (
            "Galerie François Mitterrand", 7, "Salle des séances")  # 9h in Paris, in UTC
        assert press.seats_taken == press.capacity == 6
        statuses = db.session.scalars(select(Response.status).where(
            Response.session_id == press.id)).all()
        assert statuses.count(ResponseStatus.WAITLISTED) == 1
        checked_in = db.session.scalars(select(Response).where(
            Response.session_id == press.id, Response.checked_in_at.is_not(None))).all()
        assert len(checked_in) == 4  # three who accepted, one who had not answered
        assert all(r.checked_in_at < press.starts_at for r in checked_in)
        assert upcoming.status == EventStatus.OPEN
        assert upcoming.starts_at.date() == dt.date(2026, 12, 15)
