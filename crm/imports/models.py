"""Import batches (staged, committed, undone) and the reusable contact blocks of releases."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.contacts.models import Contact
from crm.database import UTCDateTime, str_enum, utcnow
from crm.extensions import Model
from crm.imports.batch_settings import BatchSettings
from crm.orgs.models import Organisation


class SourceKind(enum.StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    VCARD = "vcard"
    TEXT = "text"


class BatchStatus(enum.StrEnum):
    STAGING = "staging"  # the worker is reading the uploaded file
    FAILED = "failed"  # the worker could not read it (``settings.refusal`` says why)
    STAGED = "staged"
    QUEUED = "queued"  # confirmed; the worker is importing it
    COMMITTED = "committed"
    UNDONE = "undone"


class ImportMode(enum.StrEnum):
    """What to do with a row that matches an existing contact (as CiviCRM offers)."""

    SKIP = "skip"
    UPDATE = "update"
    FILL = "fill"


class RowDecision(enum.StrEnum):
    NEW = "new"
    EXISTING = "existing"  # same person as ``match_contact_id``
    REPEATED = "repeated"  # the same person appears earlier in the file
    INVALID = "invalid"


class RowOutcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    SKIPPED = "skipped"
    REJECTED = "rejected"


class ImportBatch(Model):
    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    source_kind: Mapped[SourceKind] = mapped_column(str_enum(SourceKind, "source_kind", 10))
    filename: Mapped[str] = mapped_column(String(255))
    status: Mapped[BatchStatus] = mapped_column(str_enum(BatchStatus, "batch_status", 10),
                                                default=BatchStatus.STAGED)
    mode: Mapped[ImportMode | None] = mapped_column(str_enum(ImportMode, "import_mode", 10))
    # read and written through ``settings`` (typed), whole: see ``BatchSettings``
    settings_json: Mapped[dict[str, Any]] = mapped_column("settings", JSON, default=dict)
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    committed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    undone_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # The press release as it was pasted or read (text sources only): its contact blocks link
    # back to it for the importing body; emptied when a person it names is erased.
    source_text: Mapped[str | None] = mapped_column(Text)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    created_by: Mapped[User | None] = relationship(lazy="joined")
    rows: Mapped[list[ImportRow]] = relationship(
        back_populates="batch", order_by="ImportRow.number", cascade="all, delete-orphan")

    @property
    def settings(self) -> BatchSettings:
        return BatchSettings.from_json(self.settings_json)

    @settings.setter
    def settings(self, value: BatchSettings) -> None:
        self.settings_json = value.to_json()  # a new value: the JSON column sees the change


class ImportRow(Model):
    __tablename__ = "import_row"
    __table_args__ = (UniqueConstraint("batch_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"))
    number: Mapped[int]
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    errors: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    decision: Mapped[RowDecision] = mapped_column(str_enum(RowDecision, "row_decision", 10))
    match_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="SET NULL"))
    evidence: Mapped[list[str]] = mapped_column(JSON, default=list)
    outcome: Mapped[RowOutcome | None] = mapped_column(str_enum(RowOutcome, "row_outcome", 10))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="SET NULL"), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    version_after: Mapped[int | None]

    batch: Mapped[ImportBatch] = relationship(back_populates="rows")


class ContactBlock(Model):
    """A "CONTACTS PRESSE" block: ordered organisation sections of press contacts.

    The same block found again (also with other spacing) has the same fingerprint: one row.
    """

    __tablename__ = "contact_block"

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id", ondelete="SET NULL"))

    sections: Mapped[list[ContactBlockSection]] = relationship(
        back_populates="block", order_by="ContactBlockSection.position",
        cascade="all, delete-orphan")


class ContactBlockSection(Model):
    __tablename__ = "contact_block_section"
    __table_args__ = (UniqueConstraint("block_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    block_id: Mapped[int] = mapped_column(ForeignKey("contact_block.id", ondelete="CASCADE"))
    position: Mapped[int]
    heading: Mapped[str | None] = mapped_column(String(200))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"))

    block: Mapped[ContactBlock] = relationship(back_populates="sections")
    organisation: Mapped[Organisation | None] = relationship(lazy="joined")
    entries: Mapped[list[ContactBlockEntry]] = relationship(
        back_populates="section", order_by="ContactBlockEntry.position",
        cascade="all, delete-orphan")


class ContactBlockEntry(Model):
    __tablename__ = "contact_block_entry"
    __table_args__ = (UniqueConstraint("section_id", "position"),
                      Index("ix_contact_block_entry_contact", "contact_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("contact_block_section.id", ondelete="CASCADE"))
    position: Mapped[int]
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    role: Mapped[str | None] = mapped_column(String(200))

    section: Mapped[ContactBlockSection] = relationship(back_populates="entries")
    contact: Mapped[Contact] = relationship(lazy="joined")
