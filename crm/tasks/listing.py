"""Pages of tasks as the lists show them: plain lines, not ORM objects.

The list's order and filter are a statement of task ids (``my_tasks``, ``team_tasks``); a
page takes its ids, then one statement reads what the lines show (title, dates, assignee,
and the contact and outlet it is about, when the reader may see them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import aliased

from crm.auth.models import User
from crm.contacts.models import Contact
from crm.contacts.services import in_scope as contact_in_scope
from crm.extensions import db
from crm.orgs.models import Organisation
from crm.outlets.models import Outlet
from crm.tasks.models import Priority, Task, TaskStatus


@dataclass(frozen=True)
class TaskLine:
    """A task as a list line shows it; ``contact_name`` is ``None`` when the reader may not
    see the contact, ``outlet_name`` when the outlet is in the trash."""

    id: int
    title: str
    due_on: dt.date | None
    priority: Priority
    status: TaskStatus
    assignee_id: int
    assignee_name: str
    assignee_organisation: str
    contact_id: int | None
    contact_name: str | None
    outlet_id: int | None
    outlet_name: str | None

    def is_overdue(self, today: dt.date) -> bool:
        return self.status == TaskStatus.OPEN and self.due_on is not None and self.due_on < today


def _lines(reader: User, ids: list[int]) -> dict[int, TaskLine]:
    assignee = aliased(User)
    seen = and_(Contact.deleted_at.is_(None), contact_in_scope(reader))
    rows = db.session.execute(select(
        Task.id, Task.title, Task.due_on, Task.priority, Task.status, Task.assignee_id,
        assignee.full_name.label("assignee_name"), Organisation.short_name,
        Contact.id.label("contact_id"), Contact.first_name, Contact.last_name,
        seen.label("seen"), Outlet.id.label("outlet_id"), Outlet.name,
        Outlet.deleted_at.label("outlet_deleted_at"))
        .join(assignee, assignee.id == Task.assignee_id)
        .join(Organisation, Organisation.id == assignee.organisation_id)
        .outerjoin(Contact, Contact.id == Task.contact_id)
        .outerjoin(Outlet, Outlet.id == Task.outlet_id)
        .where(Task.id.in_(ids)))
    return {row.id: TaskLine(
        row.id, row.title, row.due_on, row.priority, row.status, row.assignee_id,
        row.assignee_name, row.short_name,
        contact_id=row.contact_id if row.seen else None,
        contact_name=f"{row.first_name} {row.last_name}".strip() if row.seen else None,
        outlet_id=row.outlet_id,
        outlet_name=row.name if row.outlet_id and row.outlet_deleted_at is None else None)
        for row in rows}


class IdPage(Pagination):
    """A page of tasks sorted by ids first: the sort carries ids only, then the page's lines
    load by primary key (a deferred join). ``select``: an ordered ``select(Task.id)``;
    ``reader``: the user reading the list."""

    def _query_items(self) -> list[TaskLine]:
        ids = list(db.session.scalars(self._query_args["select"]
                                      .limit(self.per_page).offset(self._query_offset)))
        lines = _lines(self._query_args["reader"], ids) if ids else {}
        return [lines[i] for i in ids if i in lines]

    def _query_count(self) -> int:
        sub = self._query_args["select"].order_by(None).subquery()
        return int(db.session.scalar(select(func.count()).select_from(sub)) or 0)


def task_page(reader: User, stmt: Select[int], page: int, per_page: int = 50) -> IdPage:
    return IdPage(page=page, per_page=per_page, error_out=False, select=stmt, reader=reader)
