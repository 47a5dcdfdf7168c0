"""Interactions: what happened with one or more contacts, logged by a user of one body.

``happened_at`` is stored in UTC and shown in Europe/Paris. Visibility ``org`` keeps an
interaction inside its organisation; ``shared`` shows it to every body.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.contacts.models import Contact
from crm.database import SoftDeleted, UTCDateTime, str_enum, utcnow
from crm.extensions import Model, db
from crm.orgs.models import Organisation
from crm.outlets.models import Outlet


class InteractionKind(enum.StrEnum):
    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"
    INTERVIEW = "interview"
    PRESS_POINT = "press_point"
    COVERAGE = "coverage"
    OTHER = "other"


class InteractionVisibility(enum.StrEnum):
    ORG = "org"
    SHARED = "shared"


class Medium(enum.StrEnum):
    PRINT = "print"
    WEB = "web"
    RADIO = "radio"
    TV = "tv"


interaction_contact = Table(
    "interaction_contact",
    db.metadata,
    Column("interaction_id", ForeignKey("interaction.id", ondelete="CASCADE"), primary_key=True),
    Column("contact_id", ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_interaction_contact_contact", "contact_id", "interaction_id"),
)


class Interaction(SoftDeleted, Model):
    __tablename__ = "interaction"
    __table_args__ = (
        Index("ix_interaction_org_at", "organisation_id", "happened_at", "kind", "deleted_at"),
        Index("ix_interaction_org_kind_at", "organisation_id", "kind", "happened_at",
              "deleted_at"),
        Index("ix_interaction_outlet", "outlet_id"),
        Index("ix_interaction_at", "happened_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[InteractionKind] = mapped_column(
        str_enum(InteractionKind, "interaction_kind", 20))
    happened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    subject: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    outlet_id: Mapped[int | None] = mapped_column(ForeignKey("outlet.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    visibility: Mapped[InteractionVisibility] = mapped_column(
        str_enum(InteractionVisibility, "interaction_visibility", 10))
    coverage_url: Mapped[str | None] = mapped_column(String(500))
    coverage_title: Mapped[str | None] = mapped_column(String(300))
    coverage_medium: Mapped[Medium | None] = mapped_column(str_enum(Medium, "medium", 10))
    covered_item: Mapped[str | None] = mapped_column(String(300))
    # the one-time token of the form that logged it: the same form sent twice logs once
    form_token: Mapped[str | None] = mapped_column(String(36), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    contacts: Mapped[list[Contact]] = relationship(secondary=interaction_contact,
                                                   order_by=Contact.sort_key)
    outlet: Mapped[Outlet | None] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    organisation: Mapped[Organisation] = relationship()

    def __repr__(self) -> str:
        return f"<Interaction {self.id} {self.kind}>"
