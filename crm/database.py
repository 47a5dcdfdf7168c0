"""Database wiring: SQLite pragmas on every connection, small column helpers, and the trash
(soft-deleted records: their columns and their delete, restore and purge)."""

from __future__ import annotations

import datetime as dt
import enum
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from flask import Flask
from sqlalchemy import DateTime, Enum, Executable, ForeignKey, delete, event, select
from sqlalchemy.engine import CursorResult, Dialect, Engine
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.types import TypeDecorator

from crm.extensions import db


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def str_enum(enum_cls: type[enum.Enum], name: str, length: int = 30) -> Enum:
    """A portable enum column: a VARCHAR with a named CHECK constraint."""
    return Enum(enum_cls, name=name, native_enum=False, create_constraint=True,
                values_callable=lambda e: [m.value for m in e], length=length)


def affected_rows(stmt: Executable) -> int:
    """Run an UPDATE or DELETE in the session and return the number of rows it matched.

    Its result is a ``CursorResult``, which ``Session.execute`` does not say in its type.
    """
    return cast("CursorResult[Any]", db.session.execute(stmt)).rowcount


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on SQLite (which stores none) and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given to a UTC column")
            value = value.astimezone(dt.UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value


class SoftDeleted:
    """Mixin of a record that goes to the trash before it is purged: when and by whom it was
    deleted (``None``: alive). The columns are those every trashed table was created with."""

    if TYPE_CHECKING:  # the primary key every trashed model declares itself
        id: Mapped[int]
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    deleted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"))

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


def send_to_trash(record: SoftDeleted, actor_id: int | None) -> None:
    """Put ``record`` in the trash (``actor_id``: who, ``None`` for the system) and flush;
    the caller checks the rights and audits."""
    record.deleted_at, record.deleted_by_id = utcnow(), actor_id
    db.session.flush()


def take_out_of_trash(record: SoftDeleted) -> None:
    """Take ``record`` out of the trash and flush; the caller checks the rights and audits."""
    record.deleted_at = record.deleted_by_id = None
    db.session.flush()


def purge_trash(model: type[SoftDeleted], older_than: dt.timedelta, batch: int = 500) -> int:
    """Delete for good the ``model`` rows in the trash for longer than ``older_than``,
    ``batch`` ids per statement; return how many."""
    cutoff = utcnow() - older_than
    ids = list(db.session.scalars(select(model.id).where(model.deleted_at < cutoff)))
    for start in range(0, len(ids), batch):
        db.session.execute(delete(model).where(model.id.in_(ids[start:start + batch])))
    return len(ids)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # 64 MiB of page cache instead of 2 MiB: the contact table and its search index of a
        # 100,000-contact file stay in memory (see bench/contacts.py).
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.close()


def init_app(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///") and uri != "sqlite:///:memory:":
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    db.init_app(app)
