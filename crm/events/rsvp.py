"""Answers to an invitation, seats and the waitlist.

A session's ``seats_taken`` moves only by conditional updates (``seats_taken + n <= capacity``)
behind a CHECK constraint, so two people answering at once on SQLite or PostgreSQL never take
the same last seat: the second update matches no row and that answer is waitlisted. An answer
first bumps its invitation's version, which locks the invitation (a PostgreSQL row lock, the
SQLite write lock) before its state is read again: a double POST is applied once, the second
finding nothing to change. A "yes" from a press invitee holds one seat for them and one per
crew member on press-only sessions.

Freed seats go to the first waiting person (in ``waitlisted_at`` order) as an offer held for
``event_offer_delay``; answering yes confirms it, and ``expire_offers`` (the worker) cancels
the offers not confirmed in time and offers the seats to the next.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, exists, or_, select, update

from crm.audit.services import record
from crm.database import affected_rows, utcnow
from crm.events.models import (
    SEATED,
    CrewMember,
    CrewRole,
    EventSession,
    Invitation,
    Response,
    ResponseStatus,
)
from crm.extensions import db
from crm.settings import settings

MAX_CREW = 10  # people an invitee may bring to a press session


class CapacityError(RuntimeError):
    """The bigger crew does not fit in the seats left: nothing was changed."""

    def __init__(self, session: EventSession) -> None:
        super().__init__(session.id)
        self.session = session


@dataclass(frozen=True)
class CrewData:
    role: CrewRole
    name: str = ""


@dataclass(frozen=True)
class AnswerData:
    choices: dict[int, bool]  # session id -> coming or not (sessions left out: unchanged)
    outlet_name: str = ""
    press_card: str = ""
    equipment_needs: str = ""
    accessibility_needs: str = ""
    crew: Sequence[CrewData] = ()


@dataclass
class Outcome:
    statuses: dict[int, ResponseStatus] = field(default_factory=dict)  # session id -> status
    changed: bool = False
    promoted: list[Response] = field(default_factory=list)  # offers to notify


def answer_invitation(invitation: Invitation, data: AnswerData,
                      now: dt.datetime | None = None) -> Outcome:
    """Record the invitee's answer (the public RSVP form); idempotent for the same answer.

    Raises ``CapacityError`` (the caller rolls back) when an accepted invitee's larger crew
    no longer fits."""
    now = now or utcnow()
    affected_rows(update(Invitation).where(Invitation.id == invitation.id)
                  .values(version=Invitation.version + 1))
    db.session.refresh(invitation)
    outcome = Outcome(changed=_save_details(invitation, data))
    crew_seats = 1 + len(invitation.crew)
    responses = db.session.scalars(select(Response).where(
        Response.invitation_id == invitation.id).order_by(Response.session_id)
        .execution_options(populate_existing=True)).all()
    freed: list[EventSession] = []
    for response in responses:
        wanted = data.choices.get(response.session_id)
        if wanted is not None:
            seats = crew_seats if response.session.is_press_only else 1
            before = (response.status, response.seats)
            if _apply(response, wanted, seats, now):
                freed.append(response.session)
            if (response.status, response.seats) != before:
                outcome.changed = True
                response.answered_at = now
                response.version += 1
                record(None, "event.answered", invitation, session=response.session_id,
                       before=str(before[0]), after=str(response.status), seats=response.seats)
        outcome.statuses[response.session_id] = response.status
    if outcome.changed:
        invitation.answered_at = now
    db.session.flush()
    for session in freed:
        outcome.promoted += promote_waiting(session, now)
    return outcome


def _save_details(invitation: Invitation, data: AnswerData) -> bool:
    details = (data.outlet_name.strip(), data.press_card.strip(), data.equipment_needs.strip(),
               data.accessibility_needs.strip())
    crew = [(c.role, c.name.strip()) for c in data.crew[:MAX_CREW]]
    changed = details != (invitation.outlet_name, invitation.press_card,
                          invitation.equipment_needs, invitation.accessibility_needs)
    (invitation.outlet_name, invitation.press_card, invitation.equipment_needs,
     invitation.accessibility_needs) = details
    if crew != [(c.role, c.name) for c in invitation.crew]:
        changed = True
        db.session.execute(delete(CrewMember).where(CrewMember.invitation_id == invitation.id))
        db.session.expire(invitation, ["crew"])
        invitation.crew = [CrewMember(role=role, name=name, position=i)
                           for i, (role, name) in enumerate(crew)]
    return changed


def _apply(response: Response, coming: bool, seats: int, now: dt.datetime) -> bool:
    """Move one answer; return whether seats were given back (someone may be promoted)."""
    session, status = response.session, response.status
    if not coming:
        if status in SEATED:
            _release(session, response.seats)
        if status in (*SEATED, ResponseStatus.WAITLISTED):
            response.status = ResponseStatus.CANCELLED
        elif status == ResponseStatus.PENDING:
            response.status = ResponseStatus.DECLINED
        response.offer_expires_at = None
        return status in SEATED
    if status in SEATED:
        delta = seats - response.seats
        if delta > 0 and not _take(session, delta, queue_first=False):
            raise CapacityError(session)
        if delta < 0:
            _release(session, -delta)
        response.status, response.seats, response.offer_expires_at = \
            ResponseStatus.ACCEPTED, seats, None
        return delta < 0
    response.seats = seats
    if status == ResponseStatus.WAITLISTED:
        return False  # keeps their place in the queue
    if _take(session, seats, queue_first=True, excluding=response.id):
        response.status, response.waitlisted_at = ResponseStatus.ACCEPTED, None
    else:
        response.status, response.waitlisted_at = ResponseStatus.WAITLISTED, now
    return False


def _take(session: EventSession, seats: int, *, queue_first: bool,
          excluding: int | None = None) -> bool:
    """Take ``seats`` of the session if they are free (and, with ``queue_first``, nobody
    waits before); the database decides, whoever else is answering."""
    stmt = update(EventSession).where(
        EventSession.id == session.id,
        or_(EventSession.capacity.is_(None),
            EventSession.seats_taken + seats <= EventSession.capacity))
    if queue_first:
        stmt = stmt.where(~exists().where(Response.session_id == session.id,
                                          Response.status == ResponseStatus.WAITLISTED,
                                          Response.id != (excluding or 0)))
    taken = affected_rows(stmt.values(seats_taken=EventSession.seats_taken + seats)
                          .execution_options(synchronize_session=False)) == 1
    db.session.expire(session, ["seats_taken"])
    return taken


def _release(session: EventSession, seats: int) -> None:
    db.session.execute(update(EventSession).where(EventSession.id == session.id)
                       .values(seats_taken=EventSession.seats_taken - seats)
                       .execution_options(synchronize_session=False))
    db.session.expire(session, ["seats_taken"])


def promote_waiting(session: EventSession, now: dt.datetime | None = None) -> list[Response]:
    """Offer free seats to the waitlist, in order, while the first waiting person fits;
    return the responses now holding an offer (to be notified)."""
    now = now or utcnow()
    promoted: list[Response] = []
    while True:
        first = db.session.scalar(select(Response).where(
            Response.session_id == session.id, Response.status == ResponseStatus.WAITLISTED)
            .order_by(Response.waitlisted_at, Response.id).limit(1))
        if first is None or not _take(session, first.seats, queue_first=False):
            return promoted
        expires = now + settings().event_offer_delay
        if affected_rows(update(Response).where(
                Response.id == first.id, Response.status == ResponseStatus.WAITLISTED)
                .values(status=ResponseStatus.OFFERED, promoted_at=now,
                        offer_expires_at=expires, version=Response.version + 1)
                .execution_options(synchronize_session=False)) != 1:
            _release(session, first.seats)
            continue
        db.session.refresh(first)
        record(None, "event.promoted", first.invitation, session=session.id,
               seats=first.seats, expires=expires.isoformat())
        promoted.append(first)


def expire_offers(now: dt.datetime | None = None) -> list[Response]:
    """Cancel the offers not confirmed in time and offer their seats to the next people
    waiting (the worker's job); return the new offers."""
    now = now or utcnow()
    promoted: list[Response] = []
    due = db.session.scalars(select(Response).where(
        Response.status == ResponseStatus.OFFERED, Response.offer_expires_at < now)
        .order_by(Response.session_id, Response.id)).all()
    for response in due:
        if affected_rows(update(Response).where(
                Response.id == response.id, Response.status == ResponseStatus.OFFERED,
                Response.offer_expires_at < now)
                .values(status=ResponseStatus.CANCELLED, offer_expires_at=None,
                        version=Response.version + 1)
                .execution_options(synchronize_session=False)) != 1:
            continue
        _release(response.session, response.seats)
        db.session.refresh(response)
        record(None, "event.offer_expired", response.invitation, session=response.session_id)
        promoted += promote_waiting(response.session, now)
    return promoted
