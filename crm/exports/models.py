"""The export log: who exported what, when, in which format, with which columns, how many rows."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.database import UTCDateTime, str_enum, utcnow
from crm.extensions import Model
from crm.orgs.models import Organisation


class ExportFormat(enum.StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    VCARD = "vcard"


class ExportSource(enum.StrEnum):
    LIST = "list"  # a static list
    SEGMENT = "segment"  # a saved filter, evaluated at the export
    SEARCH = "search"  # the contact list's search and filters
    SELECTION = "selection"  # contacts ticked on the contact list


class ExportRecord(Model):
    """One export; kept when its list or its user is deleted (their ids are cleared)."""

    __tablename__ = "export_record"
    __table_args__ = (Index("ix_export_record_created_at", "created_at"),
                      Index("ix_export_record_user_created", "user_id", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    source: Mapped[ExportSource] = mapped_column(str_enum(ExportSource, "export_source", 10))
    list_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_list.id", ondelete="SET NULL"))
    # the list's name, or the search as typed, at the time of the export
    label: Mapped[str] = mapped_column(String(300), default="")
    format: Mapped[ExportFormat] = mapped_column(str_enum(ExportFormat, "export_format", 10))
    columns: Mapped[list[str]] = mapped_column(JSON, default=list)
    is_mailing_list: Mapped[bool] = mapped_column(default=False)
    row_count: Mapped[int] = mapped_column(default=0)
    left_out_count: Mapped[int] = mapped_column(default=0)

    user: Mapped[User | None] = relationship()
    organisation: Mapped[Organisation] = relationship()
