"""Outlet verbs. They flush and audit; the caller commits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields

from sqlalchemy import Select, select
from sqlalchemy.orm.exc import StaleDataError

from crm.audit.services import record
from crm.auth.models import User
from crm.contacts.core.normalise import fold, normalise_email, parse_phone, search_text
from crm.database import purge_trash, send_to_trash, take_out_of_trash, utcnow
from crm.errors import ConflictError
from crm.extensions import db
from crm.outlets.models import Outlet, OutletKind


@dataclass
class OutletData:
    name: str
    kind: OutletKind
    aliases: list[str] = field(default_factory=list)
    coverage_area: str | None = None
    website: str | None = None
    newsroom_email: str | None = None
    switchboard_phone: str | None = None


def outlet_data(outlet: Outlet) -> OutletData:
    return OutletData(**{f.name: getattr(outlet, f.name) for f in fields(OutletData)})


def _apply(outlet: Outlet, data: OutletData) -> list[str]:
    """Copy normalised values onto ``outlet``; return the names of the fields that changed."""
    before = outlet_data(outlet) if outlet.id else None
    outlet.name = data.name.strip()
    outlet.name_key = fold(outlet.name)
    outlet.aliases = [a.strip() for a in data.aliases if a.strip()]
    outlet.kind = OutletKind(data.kind)
    outlet.coverage_area = (data.coverage_area or "").strip() or None
    outlet.website = (data.website or "").strip() or None
    outlet.newsroom_email = normalise_email(data.newsroom_email) if data.newsroom_email else None
    outlet.switchboard_phone = (parse_phone(data.switchboard_phone).e164
                                if data.switchboard_phone else None)
    outlet.search_text = search_text(outlet.name, *outlet.aliases)
    outlet.updated_at = utcnow()
    after = outlet_data(outlet)
    return [f.name for f in fields(OutletData)
            if before is None or getattr(before, f.name) != getattr(after, f.name)]


def create_outlet(actor: User | None, data: OutletData) -> Outlet:
    outlet = Outlet()
    _apply(outlet, data)
    db.session.add(outlet)
    db.session.flush()
    record(actor, "outlet.created", outlet, name=outlet.name)
    return outlet


def update_outlet(actor: User | None, outlet: Outlet, data: OutletData, *,
                  expected_version: int) -> Outlet:
    """Apply ``data``; raise ``ConflictError`` if ``expected_version`` is stale."""
    if outlet.version != expected_version:
        raise ConflictError(outlet)
    changed = _apply(outlet, data)
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise ConflictError(outlet) from exc
    if {"name", "aliases"} & set(changed):
        _refresh_contacts(outlet)
    record(actor, "outlet.updated", outlet, fields=changed)
    return outlet


def _refresh_contacts(outlet: Outlet) -> None:
    """The contacts of ``outlet`` are found by its names only while it is alive."""
    from crm.contacts.services import refresh_outlet_contacts  # contacts import outlets

    refresh_outlet_contacts(outlet)


def soft_delete_outlet(actor: User | None, outlet: Outlet) -> None:
    send_to_trash(outlet, actor.id if actor else None)
    _refresh_contacts(outlet)
    record(actor, "outlet.deleted", outlet, name=outlet.name)


def restore_outlet(actor: User | None, outlet: Outlet) -> None:
    take_out_of_trash(outlet)
    _refresh_contacts(outlet)
    record(actor, "outlet.restored", outlet, name=outlet.name)


def purge_deleted_outlets(actor: User | None, older_than: dt.timedelta) -> int:
    """Remove for good the outlets deleted more than ``older_than`` ago."""
    count = purge_trash(Outlet, older_than)
    if count:
        record(actor, "outlet.purged", None, count=count)
    return count


def alive_outlets() -> Select[Outlet]:
    return select(Outlet).where(Outlet.deleted_at.is_(None))


def outlet_choices() -> list[Outlet]:
    return list(db.session.scalars(alive_outlets().order_by(Outlet.name_key)))


def search_outlets(query: str, kind: str | None = None) -> Select[Outlet]:
    """Alive outlets whose name or aliases contain every folded word of ``query``."""
    stmt = alive_outlets().order_by(Outlet.name_key, Outlet.id)
    for word in fold(query or "").split()[:8]:
        stmt = stmt.where(Outlet.search_text.contains(word, autoescape=True))
    if kind:
        stmt = stmt.where(Outlet.kind == OutletKind(kind))
    return stmt


def get_outlet_or_404(outlet_id: int, *, deleted: bool = False) -> Outlet:
    stmt = select(Outlet).where(Outlet.id == outlet_id)
    stmt = stmt.where(Outlet.deleted_at.is_not(None) if deleted else Outlet.deleted_at.is_(None))
    return db.first_or_404(stmt)


def deleted_outlets() -> Select[Outlet]:
    return select(Outlet).where(Outlet.deleted_at.is_not(None)).order_by(
        Outlet.deleted_at.desc(), Outlet.id.desc())
