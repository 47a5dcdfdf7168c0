"""Duplicate pairs found by a scan (with the reviewer's verdict) and reversible merges."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.contacts.models import Contact
from crm.database import UTCDateTime, str_enum, utcnow
from crm.extensions import Model


class PairStatus(enum.StrEnum):
    OPEN = "open"  # awaiting review
    MERGED = "merged"
    NOT_SAME = "not_same"  # a reviewer said so: never proposed again


class Verdict(enum.StrEnum):
    SAME = "same"  # merged: the same person
    NOT_SAME = "not_same"


class ScanState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"  # the contacts are being read and compared
    DONE = "done"
    FAILED = "failed"


class DuplicatePair(Model):
    __tablename__ = "duplicate_pair"
    __table_args__ = (UniqueConstraint("low_id", "high_id"),
                      CheckConstraint("low_id < high_id", name="ordered"),
                      # the review queue reads the open pairs best first and stops at a page
                      Index("ix_duplicate_pair_queue", "status", "certain", "score"))

    id: Mapped[int] = mapped_column(primary_key=True)
    low_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    high_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    certain: Mapped[bool] = mapped_column(default=False)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[PairStatus] = mapped_column(str_enum(PairStatus, "pair_status", 10),
                                               default=PairStatus.OPEN)
    found_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    # The scan that proposed the pair: hidden from the queue until that scan is done, so that
    # a scan storing its pairs in short transactions shows them all at once (None: shown).
    scan_id: Mapped[int | None] = mapped_column(
        ForeignKey("duplicate_scan.id", ondelete="SET NULL"))

    low: Mapped[Contact] = relationship(foreign_keys=[low_id], lazy="joined")
    high: Mapped[Contact] = relationship(foreign_keys=[high_id], lazy="joined")


class ContactMerge(Model):
    """One merge: what both contacts were, and every row re-pointed, so it can be undone."""

    __tablename__ = "contact_merge"

    id: Mapped[int] = mapped_column(primary_key=True)
    kept_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    merged_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    kept_before: Mapped[dict[str, Any]] = mapped_column(JSON)
    kept_version: Mapped[int]
    provenance: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    repointed: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    undone_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    created_by: Mapped[User | None] = relationship(lazy="joined")
    kept: Mapped[Contact] = relationship(foreign_keys=[kept_id], lazy="joined")
    merged: Mapped[Contact] = relationship(foreign_keys=[merged_id], lazy="joined")


class ScanRun(Model):
    """A whole-file scan run by the worker; its counters are the progress the page shows."""

    __tablename__ = "duplicate_scan"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    state: Mapped[ScanState] = mapped_column(str_enum(ScanState, "scan_state", 10),
                                             default=ScanState.QUEUED)
    contacts: Mapped[int] = mapped_column(default=0)
    pairs: Mapped[int] = mapped_column(default=0)
    # The m/u weights the scan estimated, reused by single-record lookups (create form).
    weights: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class DuplicateLabel(Model):
    """A reviewer's verdict on a proposed pair, kept for the scans to learn from
    (``crm.dedupe.engine.training.reestimate_with_labels``).

    It holds no personal value: the two contacts' ids while they exist (an erased or purged
    contact leaves None), the agreement level of each field as the engine compared them
    (``{"name": 4, "email": -1, ...}``), the verdict, who gave it, their body, when, the scan
    that proposed the pair and, for "same", the merge (undoing it removes the label)."""

    __tablename__ = "duplicate_label"

    id: Mapped[int] = mapped_column(primary_key=True)
    low_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"),
                                               index=True)
    high_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"),
                                                index=True)
    levels: Mapped[dict[str, int]] = mapped_column(JSON)
    verdict: Mapped[Verdict] = mapped_column(str_enum(Verdict, "label_verdict", 10))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id",
                                                               ondelete="SET NULL"))
    scan_id: Mapped[int | None] = mapped_column(ForeignKey("duplicate_scan.id",
                                                           ondelete="SET NULL"))
    merge_id: Mapped[int | None] = mapped_column(ForeignKey("contact_merge.id",
                                                            ondelete="SET NULL"), index=True)
    decided_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
