"""What the privacy feature keeps: the suppression list (what remains of an erased person, so
that no import brings them back), the log of the persons' requests, each body's information
notice, and the decisions to keep a contact past the retention period."""

from __future__ import annotations

import calendar
import datetime as dt
import enum
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.contacts.models import Contact, LegalBasis
from crm.database import UTCDateTime, str_enum, utcnow
from crm.extensions import Model
from crm.orgs.models import Organisation


class SuppressionKind(enum.StrEnum):
    EMAIL = "email"
    PHONE = "phone"


class Suppression(Model):
    """A keyed digest of one email address or phone number of an erased person (never the
    value itself), with the body that erased them."""

    __tablename__ = "suppression"
    __table_args__ = (UniqueConstraint("kind", "digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[SuppressionKind] = mapped_column(str_enum(SuppressionKind, "suppression_kind", 10))
    digest: Mapped[str] = mapped_column(String(64))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RequestKind(enum.StrEnum):
    """The rights of the person (RGPD articles 15 to 21) that Relais answers."""

    ACCESS = "access"  # art. 15: a copy of everything held
    RECTIFY = "rectify"  # art. 16
    ERASE = "erase"  # art. 17
    OBJECT = "object"  # art. 18 and 21: restriction and objection, a global opt-out


class RequestStatus(enum.StrEnum):
    OPEN = "open"
    ANSWERED = "answered"


class PrivacyRequest(Model):
    """A request of a person about their data, received by one body: the log the body shows
    to prove each request was answered within a month (art. 12(3)). ``contact_id`` is cleared
    when the contact is erased; the request stays, naming nobody."""

    __tablename__ = "privacy_request"
    __table_args__ = (Index("ix_privacy_request_org_status", "organisation_id", "status"),
                      Index("ix_privacy_request_contact", "contact_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    kind: Mapped[RequestKind] = mapped_column(str_enum(RequestKind, "privacy_request_kind", 10))
    status: Mapped[RequestStatus] = mapped_column(
        str_enum(RequestStatus, "privacy_request_status", 10), default=RequestStatus.OPEN)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    requester: Mapped[str] = mapped_column(String(300), default="")  # how it came, by whom
    received_on: Mapped[dt.date] = mapped_column(Date)
    answered_on: Mapped[dt.date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"))
    answered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    contact: Mapped[Contact | None] = relationship(lazy="joined")

    @property
    def deadline(self) -> dt.date:
        """One month after receipt (art. 12(3)), on the last day of a shorter month."""
        return add_months(self.received_on, 1)

    def is_overdue(self, today: dt.date) -> bool:
        return self.status == RequestStatus.OPEN and self.deadline < today


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months (31 January + 1 month = 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


class PrivacyNotice(Model):
    """A body's information notice (art. 13 and 14), as its admins wrote it. A body without one
    shows the defaults of the configuration."""

    __tablename__ = "privacy_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"),
                                                 unique=True)
    legal_basis: Mapped[LegalBasis] = mapped_column(
        str_enum(LegalBasis, "notice_legal_basis", 30))
    controller: Mapped[str] = mapped_column(Text)
    dpo_contact: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    retention: Mapped[str] = mapped_column(Text)
    rights: Mapped[str] = mapped_column(Text)
    complaint: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"))

    __mapper_args__: dict[str, Any] = {"version_id_col": version}


class RetentionKeep(Model):
    """An admin's decision to keep a contact past the retention period, with the reason: the
    contact leaves the review until ``until``."""

    __tablename__ = "retention_keep"
    __table_args__ = (Index("ix_retention_keep_contact_until", "contact_id", "until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    reason: Mapped[str] = mapped_column(String(500))
    until: Mapped[dt.date] = mapped_column(Date)
    kept_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
