"""An open event like the Assises 2026 (a press point of few seats, then the conference),
organised by the AER with the Région, and a way to invite journalists to it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from crm.auth.models import User
from crm.events.models import Audience, Event, EventStatus
from crm.events.services import EventData, SessionData, create_event, invite, link_token, set_status
from crm.extensions import db
from crm.orgs.models import Organisation

PARIS = ZoneInfo("Europe/Paris")


def paris(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), PARIS)


@dataclass(frozen=True)
class OpenEvent:
    id: int
    press_id: int
    conference_id: int
    manager_id: int


def assises_data(day: dt.date, *, capacity: int = 3) -> EventData:
    return EventData(
        title="Assises régionales des biothérapies 2026", venue="Conseil régional",
        address="17 bd de la Trémouille, Dijon",
        sessions=(SessionData("Point presse", paris(day, 9), paris(day, 10),
                              room="Galerie François Mitterrand", audience=Audience.PRESS,
                              capacity=capacity),
                  SessionData("Assises", paris(day, 10), paris(day, 13),
                              room="Salle des séances")))


@pytest.fixture
def open_event(app, make_user):
    """Opens an event in a month (press point of ``capacity`` seats); returns its ids."""

    def make(capacity: int = 3) -> OpenEvent:
        manager = make_user("manager", "AER BFC")
        with app.app_context():
            user = db.session.get_one(User, manager.id)
            region = db.session.scalar(select(Organisation.id).where(
                Organisation.short_name == "Région BFC"))
            day = dt.datetime.now(PARIS).date() + dt.timedelta(days=30)
            data = assises_data(day, capacity=capacity)
            event = create_event(user, EventData(**{**data.__dict__, "organiser_ids": [region]}))
            set_status(user, event, EventStatus.OPEN)
            db.session.commit()
            press, conference = event.sessions
            return OpenEvent(event.id, press.id, conference.id, manager.id)

    return make


@pytest.fixture
def invite_contacts(app):
    """Invites contacts to the event; returns their RSVP tokens, in the same order."""

    def do(event: OpenEvent, contact_ids: list[int]) -> list[str]:
        with app.app_context():
            user = db.session.get_one(User, event.manager_id)
            invitations = invite(user, db.session.get_one(Event, event.id), contact_ids)
            db.session.commit()
            by_contact = {i.contact_id: link_token(i) for i in invitations}
            return [by_contact[c] for c in contact_ids]

    return do
