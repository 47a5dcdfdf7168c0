"""Mailing lists: static lists of contacts and saved segments (a stored contact-list filter)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.database import UTCDateTime, str_enum, utcnow
from crm.extensions import Model
from crm.orgs.models import Organisation


class ListKind(enum.StrEnum):
    STATIC = "static"  # the contacts added to it, one by one or in bulk
    SEGMENT = "segment"  # a filter of the contact list, evaluated each time it is used


class ListVisibility(enum.StrEnum):
    SHARED = "shared"
    PRIVATE = "private"


class ContactList(Model):
    __tablename__ = "contact_list"
    __table_args__ = (
        CheckConstraint("kind = 'segment' OR criteria IS NULL", name="static_has_no_criteria"),
        Index("ix_contact_list_organisation", "organisation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[ListKind] = mapped_column(str_enum(ListKind, "list_kind", 10))
    visibility: Mapped[ListVisibility] = mapped_column(
        str_enum(ListVisibility, "list_visibility", 10), default=ListVisibility.SHARED)
    # a segment's search and filters: {"q": ..., "filters": {...}} (see lists.segments)
    criteria: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="joined")

    @property
    def is_segment(self) -> bool:
        return self.kind == ListKind.SEGMENT


class ListMember(Model):
    """A contact in a static list."""

    __tablename__ = "list_member"

    list_id: Mapped[int] = mapped_column(ForeignKey("contact_list.id", ondelete="CASCADE"),
                                         primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"),
                                            primary_key=True, index=True)
