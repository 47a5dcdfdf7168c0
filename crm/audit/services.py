"""Write and read the audit log. ``record`` joins the caller's transaction (it only adds)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import has_request_context, request
from sqlalchemy import Select, delete, insert, select

from crm.audit.models import AuditEvent
from crm.auth.models import User
from crm.clock import day_start
from crm.database import affected_rows, utcnow
from crm.extensions import db


def record(actor: User | None, action: str, target: Any = None, **details: Any) -> AuditEvent:
    """Add an audit event for ``action`` by ``actor`` on ``target`` (a model or None).

    ``details`` must hold no secrets and as little personal data as the event needs.
    """
    organisation_id = actor.organisation_id if actor is not None else None
    if organisation_id is None and target is not None:
        organisation_id = getattr(target, "organisation_id", None)
    event = AuditEvent(
        actor=actor,
        organisation_id=organisation_id,
        action=action,
        target_type=target.__tablename__ if target is not None else None,
        target_id=getattr(target, "id", None),
        details=_jsonable(details),
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event


@dataclass(frozen=True)
class Entry:
    """One event of ``record_many``: by the system (no actor), on one record."""

    action: str
    target_type: str
    target_id: int
    organisation_id: int | None
    details: dict[str, Any]


def record_many(entries: list[Entry]) -> None:
    """Add many events by the system in one INSERT (a worker's batch: a mailing's outcomes),
    without building an ORM object for each. Joins the caller's transaction."""
    if not entries:
        return
    now = utcnow()
    db.session.execute(insert(AuditEvent), [
        {"created_at": now, "actor_id": None, "organisation_id": e.organisation_id,
         "action": e.action, "target_type": e.target_type, "target_id": e.target_id,
         "details": _jsonable(e.details), "ip": None} for e in entries])


def _jsonable(details: dict[str, Any]) -> dict[str, Any]:
    return {k: v if isinstance(v, (str, int, float, bool, type(None), list)) else str(v)
            for k, v in details.items()}


@dataclass(frozen=True)
class AuditFilter:
    action: str | None = None
    actor_id: int | None = None
    organisation_id: int | None = None
    target_type: str | None = None
    target_id: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None


def audit_query(flt: AuditFilter) -> Select[AuditEvent]:
    stmt = select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    if flt.action:
        stmt = stmt.where(AuditEvent.action == flt.action)
    if flt.actor_id:
        stmt = stmt.where(AuditEvent.actor_id == flt.actor_id)
    if flt.organisation_id:
        stmt = stmt.where(AuditEvent.organisation_id == flt.organisation_id)
    if flt.target_type:
        stmt = stmt.where(AuditEvent.target_type == flt.target_type)
    if flt.target_id:
        stmt = stmt.where(AuditEvent.target_id == flt.target_id)
    if flt.since:
        stmt = stmt.where(AuditEvent.created_at >= day_start(flt.since))
    if flt.until:
        stmt = stmt.where(AuditEvent.created_at < day_start(flt.until + dt.timedelta(days=1)))
    return stmt


def known_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def purge_old_events(retention_days: int) -> int:
    """Delete events past retention (the only deletion the log allows; run by the worker)."""
    cutoff = utcnow() - dt.timedelta(days=retention_days)
    return affected_rows(delete(AuditEvent).where(AuditEvent.created_at < cutoff))
