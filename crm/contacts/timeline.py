"""A contact's timeline: its visible interactions, tasks and audit events in one list, read
through the services of interactions and tasks (it changes nothing).

One UNION query picks the page (newest first); one query per source loads its rows,
so a page costs the same number of queries whatever the length of the history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, Subquery, func, literal, select, union_all

from crm.audit.models import AuditEvent
from crm.auth.models import User
from crm.contacts.models import Contact
from crm.extensions import db
from crm.interactions import services as interaction_services
from crm.interactions.models import Interaction, InteractionKind
from crm.tasks import services as task_services
from crm.tasks.models import Task

FILTERS = ("interactions", "tasks", "history", *(k.value for k in InteractionKind))
PER_PAGE = 25


@dataclass(frozen=True)
class Entry:
    source: str  # "interaction", "task" or "audit"
    at: dt.datetime
    item: Any


def _sources(user: User, contact_id: int, kind: str) -> list[Select[str, dt.datetime, int]]:
    parts: list[Select[str, dt.datetime, int]] = []
    if kind not in ("tasks", "history"):
        stmt = interaction_services.contact_interactions(user, contact_id)
        if kind in InteractionKind.__members__.values():
            stmt = stmt.where(Interaction.kind == InteractionKind(kind))
        parts.append(stmt.with_only_columns(
            literal("interaction").label("source"), Interaction.happened_at.label("at"),
            Interaction.id.label("id")))
    if kind in ("", "tasks"):
        parts.append(task_services.visible_tasks(user).where(Task.contact_id == contact_id)
                     .with_only_columns(literal("task").label("source"),
                                        Task.created_at.label("at"), Task.id.label("id")))
    if kind in ("", "history"):
        parts.append(select(literal("audit").label("source"), AuditEvent.created_at.label("at"),
                            AuditEvent.id.label("id"))
                     .where(AuditEvent.target_type == Contact.__tablename__,
                            AuditEvent.target_id == contact_id))
    return parts


class TimelinePage(Pagination):
    def _union(self) -> Subquery:
        parts = _sources(**self._query_args)
        return union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()

    def _query_items(self) -> list[Entry]:
        union = self._union()
        rows = db.session.execute(
            select(union.c.source, union.c.id).order_by(
                union.c.at.desc(), union.c.source, union.c.id.desc())
            .limit(self.per_page).offset(self._query_offset)).all()
        loaded = _load({src: [r.id for r in rows if r.source == src]
                        for src in ("interaction", "task", "audit")})
        entries = [loaded.get((r.source, r.id)) for r in rows]
        return [e for e in entries if e is not None]

    def _query_count(self) -> int:
        return int(db.session.scalar(select(func.count()).select_from(self._union())) or 0)


def _load(ids: dict[str, list[int]]) -> dict[tuple[str, int], Entry]:
    found: dict[tuple[str, int], Entry] = {}
    if ids["interaction"]:
        for i in db.session.scalars(interaction_services.with_details(
                select(Interaction).where(Interaction.id.in_(ids["interaction"])))):
            found["interaction", i.id] = Entry("interaction", i.happened_at, i)
    if ids["task"]:
        for t in db.session.scalars(select(Task).where(Task.id.in_(ids["task"]))):
            found["task", t.id] = Entry("task", t.created_at, t)
    if ids["audit"]:
        for e in db.session.scalars(select(AuditEvent).where(AuditEvent.id.in_(ids["audit"]))):
            found["audit", e.id] = Entry("audit", e.created_at, e)
    return found


def contact_timeline(user: User, contact: Contact, kind: str = "", page: int = 1) -> TimelinePage:
    """One page of ``contact``'s timeline as ``user`` may see it; ``kind`` is in ``FILTERS``."""
    kind = kind if kind in FILTERS else ""
    return TimelinePage(page=page, per_page=PER_PAGE, error_out=False,
                        user=user, contact_id=contact.id, kind=kind)
