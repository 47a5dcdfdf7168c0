"""Invitations and their RSVP links: invite contacts (one invitation per contact and event,
reused), derive and check a link's token, list the invitees and count the answers, and cut
an erased contact from their invitations.

The token is an HMAC of the invitation's random salt (128 bits) under the application's secret
key, so the invitation mail, the reminders and the confirmation carry the same link; the
database keeps its SHA-256 only, and the link stops working ``LINK_GRACE`` after the event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from base64 import urlsafe_b64encode
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import Select, delete, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from crm.audit.services import record
from crm.auth.models import User
from crm.contacts.models import Contact
from crm.contacts.services import in_scope as contact_scope
from crm.database import utcnow
from crm.events.models import (
    CrewMember,
    Event,
    EventSession,
    Invitation,
    Response,
    ResponseStatus,
)
from crm.extensions import db

LINK_GRACE = dt.timedelta(days=1)  # an RSVP link still opens this long after the event


class InvalidToken(LookupError):
    """No invitation has this link (mistyped, forged, or erased)."""


class ExpiredToken(LookupError):
    """The link's event is over."""


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


def extend_links(event: Event) -> None:
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


def session_counts(event: Event) -> dict[int, dict[ResponseStatus, int]]:
    """Per session of ``event``: how many answers in each status."""
    counts: dict[int, dict[ResponseStatus, int]] = {s.id: {} for s in event.sessions}
    for session_id, status, count in db.session.execute(
            select(Response.session_id, Response.status, func.count())
            .join(EventSession, EventSession.id == Response.session_id)
            .where(EventSession.event_id == event.id)
            .group_by(Response.session_id, Response.status)):
        counts[session_id][status] = count
    return counts


@dataclass(frozen=True)
class InviteeRow:
    invitation: Invitation
    name: str  # empty once the contact was erased
    statuses: dict[int, Response]  # session id -> answer


def invitee_rows(user: User, event: Event, limit: int = 500) -> list[InviteeRow]:
    """The invitees and their answers, by name (the first ``limit``); the name stays empty
    for a contact ``user`` may not see (another body's private contact) or erased."""
    rows = db.session.execute(
        select(Invitation, Contact.last_name, Contact.first_name)
        .outerjoin(Contact, (Contact.id == Invitation.contact_id) & contact_scope(user)
                  & Contact.deleted_at.is_(None))
        .where(Invitation.event_id == event.id)
        .order_by(Contact.sort_key, Invitation.id).limit(limit)
        .options(selectinload(Invitation.responses))).all()
    return [InviteeRow(invitation, f"{last or ''} {first or ''}".strip(),
                       {r.session_id: r for r in invitation.responses})
            for invitation, last, first in rows]
