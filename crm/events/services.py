"""Events: create and edit them with their sessions, move their status, invite contacts, and
find an invitation from its RSVP link. The answers themselves are in ``crm.events.rsvp``
(re-exported here for other features).

Scope: an event is seen by the users of its organiser bodies, and by everyone when shared.
An invitation's link token is derived from a random salt (128 bits) with the application's
secret key, so the invitation mail, the reminders and the confirmation carry the same link;
the database keeps its SHA-256 only, and the link stops working a day after the event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from base64 import urlsafe_b64encode
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from flask import abort, current_app
from sqlalchemy import ColumnElement, Select, delete, exists, or_, select, update
from sqlalchemy.exc import IntegrityError

from crm.audit.services import record
from crm.auth.models import User
from crm.database import affected_rows, utcnow
from crm.events.models import (
    Audience,
    CrewMember,
    Event,
    EventSession,
    EventStatus,
    EventVisibility,
    Invitation,
    Response,
    ResponseStatus,
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

LINK_GRACE = dt.timedelta(days=1)  # an RSVP link still opens this long after the event


class StaleEdit(RuntimeError):
    """Someone saved the event since the form was opened."""


class InvalidToken(LookupError):
    """No invitation has this link (mistyped, forged, or erased)."""


class ExpiredToken(LookupError):
    """The link's event is over."""


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
    _extend_links(event)
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


# --- invitations and their links --------------------------------------------------------

def link_token(invitation: Invitation) -> str:
    """The RSVP link's token (43 characters, 256 bits), derived from the invitation's salt."""
    if invitation.token_salt is None:
        raise InvalidToken(invitation.id)
    key = current_app.secret_key
    raw = key.encode() if isinstance(key, str) else bytes(key or b"")
    mac = hmac.new(raw, f"relais-rsvp:{invitation.token_salt}".encode(), hashlib.sha256)
    return urlsafe_b64encode(mac.digest()).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(actor: User, event: Event, contact_ids: Iterable[int], *,
           mailing_id: int | None = None) -> list[Invitation]:
    """Invite the contacts on behalf of ``actor``'s body; a contact already invited keeps
    their invitation (and link), which the new mailing now carries. Returns them all."""
    ids = sorted(set(contact_ids))
    known = {i.contact_id: i for i in db.session.scalars(select(Invitation).where(
        Invitation.event_id == event.id, Invitation.contact_id.in_(ids)))}
    invitations = []
    for contact_id in ids:
        invitation = known.get(contact_id) or _new_invitation(actor, event, contact_id)
        if mailing_id is not None:
            invitation.mailing_id = mailing_id
        invitations.append(invitation)
    db.session.flush()
    _add_pending(event)
    record(actor, "event.invited", event, invitations=len(invitations),
           new=len(ids) - len(known))
    return invitations


def _new_invitation(actor: User, event: Event, contact_id: int) -> Invitation:
    invitation = Invitation(event_id=event.id, contact_id=contact_id, version=1,
                            organisation_id=actor.organisation_id, invited_by_id=actor.id,
                            expires_at=_link_expiry(event), token_salt=secrets.token_hex(16))
    invitation.token_hash = token_hash(link_token(invitation))
    try:
        with db.session.begin_nested():  # another manager inviting the same person
            db.session.add(invitation)
    except IntegrityError:
        return db.session.scalars(select(Invitation).where(
            Invitation.event_id == event.id, Invitation.contact_id == contact_id)).one()
    return invitation


def _add_pending(event: Event) -> None:
    """Give every invitation a "no answer yet" row for each session it has none for."""
    missing = select(Invitation.id, EventSession.id).join(
        EventSession, EventSession.event_id == Invitation.event_id).where(
        Invitation.event_id == event.id,
        ~exists().where(Response.invitation_id == Invitation.id,
                        Response.session_id == EventSession.id))
    rows = [{"invitation_id": i, "session_id": s, "status": ResponseStatus.PENDING,
             "seats": 1, "version": 1} for i, s in db.session.execute(missing)]
    if rows:
        db.session.execute(Response.__table__.insert(), rows)


def _link_expiry(event: Event) -> dt.datetime:
    return (event.ends_at or utcnow()) + LINK_GRACE


def _extend_links(event: Event) -> None:
    db.session.execute(update(Invitation).where(Invitation.event_id == event.id)
                       .values(expires_at=_link_expiry(event)))
    _add_pending(event)


def find_invitation(token: str, now: dt.datetime | None = None) -> Invitation:
    """The invitation of an RSVP link; ``InvalidToken`` or ``ExpiredToken`` otherwise."""
    if not 20 <= len(token) <= 100:
        raise InvalidToken(token[:8])
    invitation = db.session.scalar(select(Invitation).where(
        Invitation.token_hash == token_hash(token)))
    if invitation is None or invitation.contact_id is None:
        raise InvalidToken(token[:8])
    if (now or utcnow()) > invitation.expires_at:
        raise ExpiredToken(invitation.id)
    return invitation


def event_invitations(event: Event) -> Select[Invitation]:
    return select(Invitation).where(Invitation.event_id == event.id).order_by(Invitation.id)


def forget_contacts(contact_ids: Sequence[int]) -> int:
    """For an erasure: cut the invitations of these contacts from them and empty what they
    said (press details, crew, link); the answers stay as anonymous counts. Returns how many
    invitations."""
    ids = list(db.session.scalars(select(Invitation.id).where(
        Invitation.contact_id.in_(contact_ids))))
    if not ids:
        return 0
    db.session.execute(delete(CrewMember).where(CrewMember.invitation_id.in_(ids)))
    db.session.execute(update(Invitation).where(Invitation.id.in_(ids)).values(
        contact_id=None, token_salt=None, token_hash=None, outlet_name="", press_card="",
        equipment_needs="", accessibility_needs="", delivery_id=None),
        execution_options={"synchronize_session": False})
    return len(ids)
