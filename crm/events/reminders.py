"""Reminders sent by the worker before an event: to those who accepted a session (when it
starts within ``event_reminder_lead``, the day before by default) and to invitees who have
not answered yet (when the event starts within ``event_no_answer_lead``).

Each reminder is claimed by inserting its row (one per invitation and kind, the database
refusing a second) in the same transaction that puts the message in the outbox: a rolled back
run sends nothing and is tried again; a committed one is never sent twice, by any number of
workers. People who cannot be written to (no address, bounced, opted out, in the trash) get
their row too, marked skipped, so they are not looked at again.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Select, String, UniqueConstraint, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, selectinload

from crm.contacts.models import Contact
from crm.database import UTCDateTime, str_enum, utcnow
from crm.events.models import (
    SEATED,
    Event,
    EventSession,
    EventStatus,
    Invitation,
    Response,
    ResponseStatus,
)
from crm.events.services import link_token
from crm.extensions import Model, db
from crm.i18n import N_
from crm.mail.services import queue_email
from crm.security import external_url
from crm.settings import settings

# an invitation this recent is not chased (it was sent a moment ago)
NO_ANSWER_MIN_AGE = dt.timedelta(days=1)


class ReminderKind(enum.StrEnum):
    ACCEPTED = "accepted"  # you are expected
    NO_ANSWER = "no_answer"  # will you come?


class EventReminder(Model):
    """A reminder sent (or skipped) for one invitation: at most one of each kind."""

    __tablename__ = "event_reminder"
    __table_args__ = (UniqueConstraint("invitation_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitation.id", ondelete="CASCADE"))
    kind: Mapped[ReminderKind] = mapped_column(str_enum(ReminderKind, "reminder_kind", 10))
    queued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recipient: Mapped[str | None] = mapped_column(String(254))  # None: skipped


def _live_events() -> list[EventStatus]:
    return [EventStatus.OPEN, EventStatus.CLOSED]


def due_accepted(now: dt.datetime) -> list[Invitation]:
    """Invitations with an accepted session starting within the lead, not yet reminded."""
    lead = settings().event_reminder_lead
    soon = select(Response.invitation_id).join(EventSession).join(Event).where(
        Response.status.in_(SEATED), EventSession.starts_at > now,
        EventSession.starts_at <= now + lead, Event.status.in_(_live_events()))
    return _not_reminded(select(Invitation).where(Invitation.id.in_(soon)),
                         ReminderKind.ACCEPTED)


def due_no_answer(now: dt.datetime) -> list[Invitation]:
    """Invitations not answered for any session of an open event starting within the lead."""
    lead = settings().event_no_answer_lead
    first = (select(func.min(EventSession.starts_at))
             .where(EventSession.event_id == Invitation.event_id).scalar_subquery())
    stmt = select(Invitation).join(Event, Event.id == Invitation.event_id).where(
        Event.status == EventStatus.OPEN, Invitation.answered_at.is_(None),
        Invitation.created_at <= now - NO_ANSWER_MIN_AGE, first > now, first <= now + lead,
        ~exists().where(Response.invitation_id == Invitation.id,
                        Response.status != ResponseStatus.PENDING))
    return _not_reminded(stmt, ReminderKind.NO_ANSWER)


def _not_reminded(stmt: Select[Invitation], kind: ReminderKind) -> list[Invitation]:
    stmt = stmt.where(Invitation.contact_id.is_not(None), ~exists().where(
        EventReminder.invitation_id == Invitation.id, EventReminder.kind == kind))
    return list(db.session.scalars(stmt.order_by(Invitation.id).options(
        selectinload(Invitation.responses), selectinload(Invitation.event))))


def _address(contact: Contact | None) -> str | None:
    if contact is None or contact.deleted_at is not None or contact.is_opted_out \
            or contact.is_email_bounced:
        return None
    return contact.primary_email


def _claim(invitation: Invitation, kind: ReminderKind, recipient: str | None) -> bool:
    """Insert the reminder's row; False if another run already did (nothing to send)."""
    try:
        with db.session.begin_nested():
            db.session.add(EventReminder(invitation_id=invitation.id, kind=kind,
                                         recipient=recipient))
    except IntegrityError:
        return False
    return True


def _queue(invitation: Invitation, kind: ReminderKind) -> bool:
    contact = db.session.get(Contact, invitation.contact_id) if invitation.contact_id else None
    recipient = _address(contact)
    if not _claim(invitation, kind, recipient) or recipient is None or contact is None:
        return False
    sessions = [r.session for r in sorted(invitation.responses,
                                          key=lambda r: (r.session.starts_at, r.session_id))
                if kind == ReminderKind.NO_ANSWER or r.status in SEATED]
    subject = (N_("Reminder: you are expected") if kind == ReminderKind.ACCEPTED
               else N_("Reminder: will you come?"))
    queue_email(recipient, subject, f"event_reminder_{kind.value}", locale="fr",
                contact=contact, event=invitation.event, sessions=sessions,
                link=external_url("rsvp.answer", token=link_token(invitation)))
    return True


def send_due_reminders(now: dt.datetime | None = None) -> dict[str, int]:
    """Queue every reminder due (the caller commits); how many of each kind were queued."""
    now = now or utcnow()
    sent = {kind.value: 0 for kind in ReminderKind}
    for kind, due in ((ReminderKind.ACCEPTED, due_accepted(now)),
                      (ReminderKind.NO_ANSWER, due_no_answer(now))):
        for invitation in due:
            sent[kind.value] += _queue(invitation, kind)
    return sent
