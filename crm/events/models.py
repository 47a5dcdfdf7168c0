"""Events (a press point, a conference), their sessions, the invitations sent to contacts and
each invitee's answer per session, with the press details and the crew they bring.

The database holds the rules: one invitation per contact and event, one answer per invitation
and session, and a session's seats taken never above its capacity (a counter moved only by a
conditional update, and a CHECK behind it).
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.database import UTCDateTime, str_enum, utcnow
from crm.extensions import Model, db
from crm.orgs.models import Organisation


class EventStatus(enum.StrEnum):
    DRAFT = "draft"  # being prepared: no answer taken
    OPEN = "open"  # invitations out, answers taken
    CLOSED = "closed"  # answers no longer taken
    PAST = "past"  # it took place


class EventVisibility(enum.StrEnum):
    SHARED = "shared"  # every body's users see it
    PRIVATE = "private"  # the organiser bodies' users only


class Audience(enum.StrEnum):
    PRESS = "press"  # press only: the outlet and crew are asked
    PUBLIC = "public"


class ResponseStatus(enum.StrEnum):
    PENDING = "pending"  # invited, no answer yet
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WAITLISTED = "waitlisted"  # said yes to a full session: waits in order of waitlisted_at
    OFFERED = "offered"  # promoted from the waitlist: a seat is held until offer_expires_at
    CANCELLED = "cancelled"  # accepted, then withdrew (or let an offer expire)


# statuses that hold seats of the session's capacity
SEATED = (ResponseStatus.ACCEPTED, ResponseStatus.OFFERED)


class CrewRole(enum.StrEnum):
    WRITER = "writer"  # journaliste rédacteur
    PHOTOGRAPHER = "photographer"
    CAMERA = "camera"  # JRI / cameraman
    TECHNICIAN = "technician"


event_organiser = db.Table(
    "event_organiser", db.metadata,
    db.Column("event_id", ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    db.Column("organisation_id", ForeignKey("organisation.id", ondelete="CASCADE"),
              primary_key=True, index=True),
)


class Event(Model):
    __tablename__ = "event"
    __table_args__ = (Index("ix_event_organisation", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    venue: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[EventStatus] = mapped_column(str_enum(EventStatus, "event_status", 10),
                                                default=EventStatus.DRAFT)
    visibility: Mapped[EventVisibility] = mapped_column(
        str_enum(EventVisibility, "event_visibility", 10), default=EventVisibility.SHARED)
    # the body that created it (also an organiser): owner of the record
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    organisers: Mapped[list[Organisation]] = relationship(secondary=event_organiser,
                                                          order_by=Organisation.name)
    sessions: Mapped[list[EventSession]] = relationship(
        back_populates="event", cascade="all, delete-orphan", passive_deletes=True,
        order_by=lambda: (EventSession.starts_at, EventSession.id))

    @property
    def starts_at(self) -> dt.datetime | None:
        return min((s.starts_at for s in self.sessions), default=None)

    @property
    def ends_at(self) -> dt.datetime | None:
        return max((s.ends_at for s in self.sessions), default=None)


class EventMailing(Model):
    """A mailing that invites to an event: each recipient's message carries their RSVP link
    and the .ics, and each recipient becomes (or stays) an invitee."""

    __tablename__ = "event_mailing"
    __table_args__ = (Index("ix_event_mailing_event", "event_id"),)

    mailing_id: Mapped[int] = mapped_column(ForeignKey("mailing.id", ondelete="CASCADE"),
                                            primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EventSession(Model):
    """A slot of an event (the press point, the conference) with its own capacity."""

    __tablename__ = "event_session"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_positive"),
        CheckConstraint("seats_taken >= 0 AND (capacity IS NULL OR seats_taken <= capacity)",
                        name="within_capacity"),
        Index("ix_event_session_event", "event_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    room: Mapped[str] = mapped_column(String(200), default="")
    audience: Mapped[Audience] = mapped_column(str_enum(Audience, "session_audience", 10),
                                               default=Audience.PUBLIC)
    capacity: Mapped[int | None]  # seats, crews included; None: no limit
    # seats held by accepted answers and open offers: moved only by conditional updates
    seats_taken: Mapped[int] = mapped_column(default=0)
    # the .ics SEQUENCE: raised whenever the times or the place change
    ics_sequence: Mapped[int] = mapped_column(default=0)
    uid: Mapped[str] = mapped_column(String(100), unique=True)  # the .ics UID, never changed

    event: Mapped[Event] = relationship(back_populates="sessions")

    @property
    def is_press_only(self) -> bool:
        return self.audience == Audience.PRESS

    @property
    def seats_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.seats_taken, 0)


class Invitation(Model):
    """One contact invited to one event, by one body; the RSVP link's token is kept hashed.

    Erasing the contact empties the personal fields and the contact link (the answers stay as
    anonymous counts)."""

    __tablename__ = "invitation"
    __table_args__ = (
        UniqueConstraint("event_id", "contact_id"),
        Index("ix_invitation_contact", "contact_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))  # who invited
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"))
    # the invitation mailing that carried the link, and the recipient's delivery in it
    mailing_id: Mapped[int | None] = mapped_column(ForeignKey("mailing.id", ondelete="SET NULL"))
    delivery_id: Mapped[int | None] = mapped_column(
        ForeignKey("delivery.id", ondelete="SET NULL"))
    # the RSVP link's token is an HMAC of this random salt under the application's secret
    # key (so every message can carry the same link); the database keeps its SHA-256 only
    token_salt: Mapped[str | None] = mapped_column(String(32), unique=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # press details, asked when a press-only session is accepted
    outlet_name: Mapped[str] = mapped_column(String(200), default="")
    press_card: Mapped[str] = mapped_column(String(50), default="")
    equipment_needs: Mapped[str] = mapped_column(Text, default="")  # equipment, parking
    accessibility_needs: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)

    event: Mapped[Event] = relationship()
    organisation: Mapped[Organisation] = relationship(lazy="joined")
    crew: Mapped[list[CrewMember]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True,
        order_by=lambda: CrewMember.position)
    responses: Mapped[list[Response]] = relationship(
        back_populates="invitation", cascade="all, delete-orphan", passive_deletes=True)


class CrewMember(Model):
    """Someone the invitee brings to a press session (the invitee's own seat is not here)."""

    __tablename__ = "invitation_crew"
    __table_args__ = (Index("ix_invitation_crew_invitation", "invitation_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitation.id", ondelete="CASCADE"))
    role: Mapped[CrewRole] = mapped_column(str_enum(CrewRole, "crew_role", 20))
    name: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(default=0)


class Response(Model):
    """An invitee's answer for one session, and where they stand (seat, waitlist, door)."""

    __tablename__ = "event_response"
    __table_args__ = (
        UniqueConstraint("invitation_id", "session_id"),
        CheckConstraint("seats >= 1", name="seats_positive"),
        Index("ix_event_response_session_status", "session_id", "status", "waitlisted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitation.id", ondelete="CASCADE"))
    session_id: Mapped[int] = mapped_column(ForeignKey("event_session.id", ondelete="CASCADE"))
    status: Mapped[ResponseStatus] = mapped_column(
        str_enum(ResponseStatus, "response_status", 12), default=ResponseStatus.PENDING)
    seats: Mapped[int] = mapped_column(default=1)  # the invitee and their crew
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    waitlisted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())  # waitlist order
    promoted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    offer_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    checked_in_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    checked_in_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    invitation: Mapped[Invitation] = relationship(back_populates="responses")
    session: Mapped[EventSession] = relationship()

    @property
    def holds_seats(self) -> bool:
        return self.status in SEATED
