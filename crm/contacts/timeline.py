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
        """Built once for the rows and the count: a statement costs more to build than the
        database takes to run it."""
        union: Subquery | None = self._query_args.get("union")
        if union is None:
            parts = _sources(self._query_args["user"], self._query_args["contact_id"],
                             self._query_args["kind"])
            union = self._query_args["union"] = (union_all(*parts).subquery() if len(parts) > 1
                                                 else parts[0].subquery())
        return union

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
    """The page's rows of each source, as the columns the timeline shows (no ORM objects:
    a page of 25 costs three plain statements)."""
    found: dict[tuple[str, int], Entry] = {}
    if ids["interaction"]:
        for i in db.session.execute(select(
                Interaction.id, Interaction.happened_at, Interaction.kind, Interaction.subject,
                Interaction.visibility, Interaction.coverage_url, Interaction.coverage_title,
                User.full_name.label("author_name"))
                .outerjoin(User, User.id == Interaction.author_id)
                .where(Interaction.id.in_(ids["interaction"]))):
            found["interaction", i.id] = Entry("interaction", i.happened_at, i)
    if ids["task"]:
        for t in db.session.execute(select(
                Task.id, Task.created_at, Task.title, Task.status, Task.due_on,
                User.full_name.label("assignee_name"))
                .join(User, User.id == Task.assignee_id).where(Task.id.in_(ids["task"]))):
            found["task", t.id] = Entry("task", t.created_at, t)
    if ids["audit"]:
        for e in db.session.execute(select(
                AuditEvent.id, AuditEvent.created_at, AuditEvent.action, AuditEvent.details,
                User.full_name.label("actor_name"))
                .outerjoin(User, User.id == AuditEvent.actor_id)
                .where(AuditEvent.id.in_(ids["audit"]))):
            found["audit", e.id] = Entry("audit", e.created_at, e)
    return found


def contact_timeline(user: User, contact: Contact, kind: str = "", page: int = 1) -> TimelinePage:
    """One page of ``contact``'s timeline as ``user`` may see it; ``kind`` is in ``FILTERS``."""
    kind = kind if kind in FILTERS else ""
    return TimelinePage(page=page, per_page=PER_PAGE, error_out=False,
                        user=user, contact_id=contact.id, kind=kind)
