"""Events: create and edit them with their sessions, move their status, and find them in a
user's scope: an event is seen by the users of its organiser bodies, and by everyone when
shared. Invitations and their links (``crm.events.invitees``) and the answers
(``crm.events.rsvp``) are re-exported here, the one module other features import.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from flask import abort
from sqlalchemy import ColumnElement, Select, exists, or_, select, update

from crm.audit.services import record
from crm.auth.models import User
from crm.contacts.models import Contact
from crm.database import affected_rows, utcnow
from crm.events.invitees import (  # noqa: F401 (the invitation verbs, for other features)
    LINK_GRACE,
    ExpiredToken,
    InvalidToken,
    InviteeRow,
    event_invitations,
    extend_links,
    find_invitation,
    forget_contacts,
    invite,
    invitee_rows,
    link_token,
    session_counts,
    token_hash,
)
from crm.events.models import (
    Audience,
    Event,
    EventSession,
    EventStatus,
    EventVisibility,
    Invitation,
    Response,
    event_organiser,
)
from crm.events.rsvp import (  # noqa: F401 (the answering verbs, for other features)
    AnswerData,
    CapacityError,
    CrewData,
    Outcome,
    answer_invitation,
    expire_offers,
    promote_waiting,
)
from crm.extensions import db
from crm.orgs.models import Organisation


class StaleEdit(RuntimeError):
    """Someone saved the event since the form was opened."""


@dataclass(frozen=True)
class SessionData:
    name: str
    starts_at: dt.datetime  # aware; stored in UTC
    ends_at: dt.datetime
    room: str = ""
    audience: Audience = Audience.PUBLIC
    capacity: int | None = None
    id: int | None = None  # an existing session of the event, when editing


@dataclass(frozen=True)
class EventData:
    title: str
    venue: str = ""
    address: str = ""
    description: str = ""
    visibility: EventVisibility = EventVisibility.SHARED
    organiser_ids: Sequence[int] = ()  # the creating body is always one of them
    sessions: Sequence[SessionData] = field(default_factory=tuple)


def in_scope(user: User) -> ColumnElement[bool]:
    organised = exists().where(event_organiser.c.event_id == Event.id,
                               event_organiser.c.organisation_id == user.organisation_id)
    return or_(Event.visibility == EventVisibility.SHARED,
               Event.organisation_id == user.organisation_id, organised)


def visible_events(user: User) -> Select[Event]:
    return select(Event).where(in_scope(user)).order_by(Event.created_at.desc(), Event.id.desc())


def get_event_or_404(user: User, event_id: int) -> Event:
    event = db.session.scalar(select(Event).where(Event.id == event_id, in_scope(user)))
    if event is None:
        abort(404)
    return event


def is_organiser(user: User, event: Event) -> bool:
    return user.organisation_id in {o.id for o in event.organisers}


def create_event(actor: User, data: EventData) -> Event:
    """Create a draft event organised by ``actor``'s body (and the others named)."""
    event = Event(organisation_id=actor.organisation_id, created_by_id=actor.id)
    db.session.add(event)
    _apply(event, data, actor.organisation_id)
    db.session.flush()
    record(actor, "event.created", event, sessions=len(event.sessions))
    return event


def update_event(actor: User, event: Event, data: EventData, version: int) -> None:
    """Save the form opened at ``version``; raise ``StaleEdit`` if the event moved since.

    Sessions left out of ``data`` are removed (with their answers); a session whose times,
    room or name change gets its .ics SEQUENCE raised."""
    if affected_rows(update(Event).where(Event.id == event.id, Event.version == version)
                     .values(version=Event.version + 1)) != 1:
        raise StaleEdit(event.id)
    db.session.refresh(event)
    _apply(event, data, event.organisation_id)
    event.updated_at = utcnow()
    db.session.flush()
    extend_links(event)
    record(actor, "event.updated", event, sessions=len(event.sessions))


def _apply(event: Event, data: EventData, owner_id: int) -> None:
    event.title, event.venue, event.address = data.title, data.venue, data.address
    event.description, event.visibility = data.description, data.visibility
    wanted = {owner_id, *data.organiser_ids}
    event.organisers = list(db.session.scalars(
        select(Organisation).where(Organisation.id.in_(wanted))))
    kept = {s.id: s for s in event.sessions}
    sessions = []
    for item in data.sessions:
        session = kept.get(item.id) if item.id is not None else None
        if session is None:
            session = EventSession(uid=f"{secrets.token_hex(16)}@relais", ics_sequence=0,
                                   seats_taken=0)
        elif (session.starts_at, session.ends_at, session.room, session.name) != \
                (item.starts_at, item.ends_at, item.room, item.name):
            session.ics_sequence += 1
        session.name, session.starts_at, session.ends_at = item.name, item.starts_at, item.ends_at
        session.room, session.audience, session.capacity = item.room, item.audience, item.capacity
        sessions.append(session)
    event.sessions = sessions


def set_status(actor: User, event: Event, status: EventStatus) -> bool:
    """Move the event to ``status``; False if it already was (a double click)."""
    if affected_rows(update(Event).where(Event.id == event.id, Event.status != status)
                     .values(status=status, version=Event.version + 1,
                             updated_at=utcnow())) != 1:
        return False
    before = event.status
    db.session.refresh(event)
    record(actor, "event.status_changed", event, before=str(before), after=str(status))
    return True


def accepts_answers(event: Event) -> bool:
    return event.status == EventStatus.OPEN


def organiser_choices() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))



def contact_outlet(invitation: Invitation) -> str:
    """The outlet the invitee works for (their first), to fill in the answer form."""
    contact = db.session.get(Contact, invitation.contact_id) if invitation.contact_id else None
    return contact.outlets[0].name if contact is not None and contact.outlets else ""


def check_in(actor: User, response: Response, at: dt.datetime | None = None) -> bool:
    """Mark an invitee present at the door (see ``crm.events.checkin``), for other features
    (the demo records the arrivals at the past Assises)."""
    from crm.events.checkin import check_in as mark_present  # it builds on these services

    return mark_present(actor, response, at)
