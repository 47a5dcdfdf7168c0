"""Check-in at the door: find an invitee, mark them present (and undo), add a walk-in.

Marking present and undoing are conditional updates of the answer's ``checked_in_at``: a
double click, or two officers at two tablets, change it once and the second gets False. Each
check-in logs a press-point attendance on the contact (an interaction, shared when the event
is) and each check-in or undo is audit-logged; an undo sends that interaction to the trash.
Verbs flush; the caller commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.orm import selectinload

from crm.audit.services import record
from crm.auth.models import User
from crm.contacts.core.normalise import fold, name_key
from crm.contacts.models import Contact, Visibility
from crm.contacts.services import (
    ContactData,
    create_contact,
    find_duplicate_contacts,
    visible_contacts,
)
from crm.database import affected_rows, send_to_trash, utcnow
from crm.events.dashboard import listed_invitation
from crm.events.models import Event, EventSession, EventVisibility, Invitation, Response
from crm.events.rsvp import AnswerData, answer_invitation
from crm.events.services import invite
from crm.extensions import db
from crm.interactions.models import Interaction, InteractionKind, InteractionVisibility
from crm.interactions.services import InteractionData, log_interaction

SEARCH_LIMIT = 50


def door_list(user: User, session: EventSession, query: str = "") \
        -> Select[Response, Invitation, Contact]:
    """The session's invitees the officer may see by name, matching ``query`` (name, e-mail,
    outlet of the contact or outlet given in the answer), present ones last."""
    stmt = (select(Response, Invitation, Contact)
            .join(Invitation, Invitation.id == Response.invitation_id)
            .join(Contact, Contact.id == Invitation.contact_id)
            .where(Response.session_id == session.id, listed_invitation(user)))
    for word in fold(query).split()[:5]:
        pattern = f"%{word}%"
        stmt = stmt.where(or_(Contact.search_text.like(pattern),
                              func.lower(Invitation.outlet_name).like(pattern)))
    return stmt.order_by(Response.checked_in_at.is_not(None), Contact.sort_key,
                         Contact.id).limit(SEARCH_LIMIT).options(
        selectinload(Contact.outlets), selectinload(Invitation.crew))


@dataclass(frozen=True)
class DoorCounts:
    expected: int  # accepted (or holding an offer)
    present: int
    invited: int


def door_counts(user: User, session: EventSession) -> DoorCounts:
    """The live counts shown at the door (the officer's scope, like the list)."""
    row = db.session.execute(
        select(func.count(), func.count(Response.checked_in_at),
               func.count().filter(Response.status.in_(["accepted", "offered"])))
        .join(Invitation, Invitation.id == Response.invitation_id)
        .where(Response.session_id == session.id, listed_invitation(user))).one()
    return DoorCounts(expected=int(row[2]), present=int(row[1]), invited=int(row[0]))


def _form_token(response_id: int, at: dt.datetime) -> str:
    """The attendance interaction's one-time token, found again by the undo."""
    return f"checkin.{response_id}.{int(at.timestamp() * 1000)}"[:36]


def check_in(actor: User, response: Response, at: dt.datetime | None = None) -> bool:
    """Mark the invitee present (now, or ``at`` when the arrival is recorded afterwards);
    False if they already were (nothing changes)."""
    now = at or utcnow()
    if affected_rows(update(Response).where(
            Response.id == response.id, Response.checked_in_at.is_(None))
            .values(checked_in_at=now, checked_in_by_id=actor.id, version=Response.version + 1)
            .execution_options(synchronize_session=False)) != 1:
        db.session.refresh(response)
        return False
    db.session.refresh(response)
    invitation, session = response.invitation, response.session
    event = session.event
    if invitation.contact_id is not None:
        shared = event.visibility == EventVisibility.SHARED
        log_interaction(actor, InteractionData(
            kind=InteractionKind.PRESS_POINT, happened_at=now,
            subject=f"{event.title} — {session.name}"[:200],
            contact_ids=[invitation.contact_id],
            visibility=InteractionVisibility.SHARED if shared else InteractionVisibility.ORG),
            form_token=_form_token(response.id, now))
    record(actor, "event.checked_in", invitation, session=session.id, response=response.id)
    return True


def undo_check_in(actor: User, response: Response) -> bool:
    """Take back a check-in; False if the invitee was not marked present (a double click)."""
    at = response.checked_in_at
    if at is None or affected_rows(update(Response).where(
            Response.id == response.id, Response.checked_in_at == at)
            .values(checked_in_at=None, checked_in_by_id=None, version=Response.version + 1)
            .execution_options(synchronize_session=False)) != 1:
        db.session.refresh(response)
        return False
    db.session.refresh(response)
    logged = db.session.scalar(select(Interaction).where(
        Interaction.form_token == _form_token(response.id, at),
        Interaction.deleted_at.is_(None)))
    if logged is not None:  # the attendance did not happen after all
        send_to_trash(logged, actor.id)
        record(actor, "interaction.deleted", logged)
    record(actor, "event.check_in_undone", response.invitation, session=response.session_id,
           response=response.id)
    return True


@dataclass(frozen=True)
class WalkIn:
    """A person at the door who was not invited (or not found in the list)."""

    first_name: str
    last_name: str
    outlet_ids: list[int]
    emails: list[str]
    phones: list[str]


def walk_in_data(event: Event, walk_in: WalkIn) -> ContactData:
    return ContactData(last_name=walk_in.last_name, first_name=walk_in.first_name,
                       outlet_ids=walk_in.outlet_ids, emails=walk_in.emails,
                       phones=walk_in.phones, visibility=Visibility.SHARED,
                       source=f"Accueil : {event.title}"[:300])


def possible_contacts(actor: User, event: Event, walk_in: WalkIn) -> list[Contact]:
    """The contacts this walk-in may already be: the contact form's duplicate lookup, and
    the contacts of the same name (at the door a name is often all there is)."""
    found = find_duplicate_contacts(actor, walk_in_data(event, walk_in))
    namesakes = db.session.scalars(visible_contacts(actor).where(
        Contact.name_key == name_key(walk_in.first_name, walk_in.last_name))
        .order_by(Contact.sort_key, Contact.id).limit(5))
    return list({c.id: c for c in [*found, *namesakes]}.values())


def admit_walk_in(actor: User, session: EventSession, walk_in: WalkIn | None = None, *,
                  contact: Contact | None = None) -> Response:
    """Check in a walk-in: the given ``contact`` (found by the lookup), or a new contact made
    from ``walk_in``. They are invited (or their invitation is reused), their answer to the
    session is "yes" when a seat is left (the waitlist otherwise: they are here all the same)
    and they are marked present."""
    event = session.event
    if contact is None:
        if walk_in is None:
            raise ValueError("a walk-in needs a contact or details")
        contact = create_contact(actor, walk_in_data(event, walk_in),
                                 organisation_id=actor.organisation_id)
        db.session.flush()
    invitation = invite(actor, event, [contact.id])[0]
    response = db.session.scalars(select(Response).where(
        Response.invitation_id == invitation.id, Response.session_id == session.id)).one()
    if response.status not in ("accepted", "offered"):
        answer_invitation(invitation, AnswerData(choices={session.id: True}))
    record(actor, "event.walk_in", invitation, session=session.id, contact=contact.id)
    check_in(actor, response)
    return response
