"""Contacts and what hangs off them: emails, phones, beats, outlets, per-body opt-outs."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.database import SoftDeleted, UTCDateTime, str_enum, utcnow
from crm.extensions import Model, db
from crm.orgs.models import Organisation
from crm.outlets.models import Outlet

AREAS = ("21", "25", "39", "58", "70", "71", "89", "90", "national")


class Civility(enum.StrEnum):
    NONE = "none"
    MR = "mr"
    MRS = "mrs"


class ContactKind(enum.StrEnum):
    JOURNALIST = "journalist"
    PRESS_OFFICER = "press_officer"
    ELECTED = "elected"
    OTHER = "other"


class Visibility(enum.StrEnum):
    SHARED = "shared"
    PRIVATE = "private"


class LegalBasis(enum.StrEnum):
    LEGITIMATE_INTEREST = "legitimate_interest"
    CONSENT = "consent"
    PUBLIC_TASK = "public_task"


class PhoneKind(enum.StrEnum):
    MOBILE = "mobile"
    LANDLINE = "landline"
    SWITCHBOARD = "switchboard"


contact_outlet = Table(
    "contact_outlet",
    db.metadata,
    Column("contact_id", ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True),
    Column("outlet_id", ForeignKey("outlet.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class Contact(SoftDeleted, Model):
    __tablename__ = "contact"
    __table_args__ = (
        CheckConstraint("length(source) > 0", name="source_required"),
        CheckConstraint("area IS NULL OR area IN ('21', '25', '39', '58', '70', '71', '89', "
                        "'90', 'national')", name="area_known"),
        # partial: PostgreSQL does not take "deleted_at IS NULL" as an equality that would
        # let an index on (deleted_at, sort_key) give the list order
        Index("ix_contact_alive_sort", "sort_key", "id", "visibility", "organisation_id",
              sqlite_where=text("deleted_at IS NULL"),
              postgresql_where=text("deleted_at IS NULL")),
        Index("ix_contact_name_key", "name_key"),
        Index("ix_contact_organisation_id", "organisation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    civility: Mapped[Civility] = mapped_column(str_enum(Civility, "civility", 10),
                                               default=Civility.NONE)
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(200))
    sort_key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[ContactKind] = mapped_column(str_enum(ContactKind, "contact_kind", 20))
    job_title: Mapped[str | None] = mapped_column(String(200))
    area: Mapped[str | None] = mapped_column(String(10))
    social_links: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str | None] = mapped_column(Text)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    visibility: Mapped[Visibility] = mapped_column(str_enum(Visibility, "visibility", 10))
    source: Mapped[str] = mapped_column(String(300))
    legal_basis: Mapped[LegalBasis] = mapped_column(
        str_enum(LegalBasis, "legal_basis", 30), default=LegalBasis.LEGITIMATE_INTEREST)
    information_sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    is_opted_out: Mapped[bool] = mapped_column(default=False)
    is_email_bounced: Mapped[bool] = mapped_column(default=False)
    search_text: Mapped[str] = mapped_column(Text, default="")
    # the latest interaction logged about this contact: the RGPD retention review reads it
    last_interaction_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    outlets: Mapped[list[Outlet]] = relationship(secondary=contact_outlet,
                                                 order_by=Outlet.name_key)
    emails: Mapped[list[ContactEmail]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True,
        order_by=lambda: (ContactEmail.is_primary.desc(), ContactEmail.id))
    phones: Mapped[list[ContactPhone]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True,
        order_by=lambda: (ContactPhone.is_primary.desc(), ContactPhone.id))
    beats: Mapped[list[ContactBeat]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="ContactBeat.key")
    opt_outs: Mapped[list[ContactOptOut]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True)

    __mapper_args__: dict[str, Any] = {"version_id_col": version}

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def primary_email(self) -> str | None:
        return self.emails[0].email if self.emails else None

    @property
    def primary_phone(self) -> str | None:
        return self.phones[0].e164 if self.phones else None

    def __repr__(self) -> str:
        return f"<Contact {self.id} {self.full_name}>"


class ContactEmail(Model):
    __tablename__ = "contact_email"
    __table_args__ = (UniqueConstraint("contact_id", "email"),
                      Index("ix_contact_email_email", "email"))

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    is_primary: Mapped[bool] = mapped_column(default=False)


class ContactPhone(Model):
    __tablename__ = "contact_phone"
    __table_args__ = (UniqueConstraint("contact_id", "e164"),
                      Index("ix_contact_phone_e164", "e164"))

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    e164: Mapped[str] = mapped_column(String(20))
    kind: Mapped[PhoneKind] = mapped_column(str_enum(PhoneKind, "phone_kind", 20))
    is_primary: Mapped[bool] = mapped_column(default=False)


class ContactBeat(Model):
    """A beat or topic (tag) as typed, with its folded key for filters."""

    __tablename__ = "contact_beat"
    __table_args__ = (UniqueConstraint("contact_id", "key"),
                      Index("ix_contact_beat_key", "key"))

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    key: Mapped[str] = mapped_column(String(80))


class ContactOptOut(Model):
    """The contact asked one sender organisation to stop writing to them."""

    __tablename__ = "contact_opt_out"

    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"),
                                            primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
