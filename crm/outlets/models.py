"""Outlets (médias). Their newsroom email and switchboard are shared values, never evidence
that two people are one."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from crm.database import SoftDeleted, UTCDateTime, str_enum, utcnow
from crm.extensions import Model


class OutletKind(enum.StrEnum):
    PQR = "pqr"
    WEEKLY = "weekly"
    MAGAZINE = "magazine"
    RADIO = "radio"
    TV = "tv"
    WEB = "web"
    AGENCY = "agency"


class Outlet(SoftDeleted, Model):
    __tablename__ = "outlet"
    __table_args__ = (Index("ix_outlet_alive_name", "deleted_at", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    search_text: Mapped[str] = mapped_column(String(2000), default="")
    kind: Mapped[OutletKind] = mapped_column(str_enum(OutletKind, "outlet_kind", 20))
    coverage_area: Mapped[str | None] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(500))
    newsroom_email: Mapped[str | None] = mapped_column(String(254))
    switchboard_phone: Mapped[str | None] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __mapper_args__: dict[str, Any] = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Outlet {self.name}>"
