"""Mailings, their sender bodies and lists, and one delivery row per recipient (the outbox and
the send log in one), with the exclusions found when the recipients were resolved."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.database import UTCDateTime, str_enum, utcnow
from crm.extensions import Model, db
from crm.lists.models import ContactList
from crm.orgs.models import Organisation


class MailingStatus(enum.StrEnum):
    DRAFT = "draft"
    QUEUED = "queued"  # "Send" pressed: waits for the worker
    SENDING = "sending"  # recipients resolved, deliveries under way
    DONE = "done"  # no delivery left pending


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed: if the worker dies here the outcome is unknown
    SENT = "sent"
    FAILED = "failed"
    BOUNCED = "bounced"
    UNCERTAIN = "uncertain"  # found "sending" after a crash: never re-sent automatically


class ExclusionReason(enum.StrEnum):
    SUPPRESSED = "suppressed"  # erased on request: in the suppression list
    OPTED_OUT = "opted_out"  # global opt-out
    SENDER_OPT_OUT = "sender_opt_out"  # opted out of the sender body (or of a co-signer)
    BOUNCED = "bounced"
    NO_EMAIL = "no_email"
    DELETED = "deleted"  # in the trash
    DUPLICATE = "duplicate"  # same address as another recipient


mailing_sender = db.Table(
    "mailing_sender", db.metadata,
    db.Column("mailing_id", ForeignKey("mailing.id", ondelete="CASCADE"), primary_key=True),
    db.Column("organisation_id", ForeignKey("organisation.id", ondelete="CASCADE"),
              primary_key=True),
)

mailing_list = db.Table(
    "mailing_list", db.metadata,
    db.Column("mailing_id", ForeignKey("mailing.id", ondelete="CASCADE"), primary_key=True),
    db.Column("list_id", ForeignKey("contact_list.id", ondelete="CASCADE"), primary_key=True),
)

# contacts chosen one by one on the contact list ("write a mailing to these contacts"),
# resolved with the lists and segments when the mailing is sent
mailing_contact = db.Table(
    "mailing_contact", db.metadata,
    db.Column("mailing_id", ForeignKey("mailing.id", ondelete="CASCADE"), primary_key=True),
    db.Column("contact_id", ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_mailing_contact_contact", "contact_id"),
)


class Mailing(Model):
    __tablename__ = "mailing"
    __table_args__ = (Index("ix_mailing_organisation_status", "organisation_id", "status"),
                      Index("ix_mailing_status", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)  # Markdown with merge fields
    status: Mapped[MailingStatus] = mapped_column(str_enum(MailingStatus, "mailing_status", 10),
                                                  default=MailingStatus.DRAFT)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"))
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    queued_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # the "CONTACTS PRESSE" block chosen as the footer, and its text as the manager saw it
    contact_block_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_block.id", ondelete="SET NULL"))
    footer: Mapped[str] = mapped_column(Text, default="")
    # a draft with a send_at is scheduled: the worker queues it when that time comes
    send_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    senders: Mapped[list[Organisation]] = relationship(secondary=mailing_sender,
                                                       order_by=Organisation.name)
    lists: Mapped[list[ContactList]] = relationship(secondary=mailing_list,
                                                    order_by=ContactList.name)
    attachments: Mapped[list[Attachment]] = relationship(
        order_by="Attachment.id", cascade="all, delete-orphan", passive_deletes=True)

    @property
    def is_draft(self) -> bool:
        return self.status == MailingStatus.DRAFT

    @property
    def is_scheduled(self) -> bool:
        return self.is_draft and self.send_at is not None


class Attachment(Model):
    """A file sent with every message of a mailing (a PDF, a PNG or a JPEG image, its type
    read from its first bytes). Kept in the database: the worker that sends may run on
    another host than the web process that received it, the file goes with the draft's
    transaction, backups and deletion, and the size limits keep it small."""

    __tablename__ = "mailing_attachment"
    __table_args__ = (Index("ix_mailing_attachment_mailing", "mailing_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mailing_id: Mapped[int] = mapped_column(ForeignKey("mailing.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # read to send or download
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Delivery(Model):
    """One recipient of a mailing, with what the message said to them (the snapshot)."""

    __tablename__ = "delivery"
    __table_args__ = (
        UniqueConstraint("mailing_id", "email"),
        Index("ix_delivery_mailing_status", "mailing_id", "status", "next_attempt_at"),
        Index("ix_delivery_contact", "contact_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mailing_id: Mapped[int] = mapped_column(ForeignKey("mailing.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200), default="")
    civility: Mapped[str] = mapped_column(String(10), default="none")
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    outlet: Mapped[str] = mapped_column(String(200), default="")
    with_notice: Mapped[bool] = mapped_column(default=False)  # first message: RGPD notice
    status: Mapped[DeliveryStatus] = mapped_column(
        str_enum(DeliveryStatus, "delivery_status", 10), default=DeliveryStatus.PENDING)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    unsubscribe_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    smtp_code: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(String(500))

    mailing: Mapped[Mailing] = relationship()


class Exclusion(Model):
    """A contact of the mailing's lists left out when it was sent, and why."""

    __tablename__ = "mailing_exclusion"
    __table_args__ = (Index("ix_mailing_exclusion_mailing", "mailing_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mailing_id: Mapped[int] = mapped_column(ForeignKey("mailing.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[ExclusionReason] = mapped_column(
        str_enum(ExclusionReason, "exclusion_reason", 20))
