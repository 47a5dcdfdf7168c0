"""The suppression list: what remains of an erased person, so that no import brings them back."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crm.database import UTCDateTime, str_enum, utcnow
from crm.extensions import Model


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
