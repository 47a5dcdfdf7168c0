"""Task verbs and scope. Verbs flush, audit and queue their e-mail; the caller commits.

Scope: a task is visible to the users of the organisation that created it and to the
users of the assignee's organisation (tasks are how the bodies hand work to each other).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, case, nulls_last, or_, select
from sqlalchemy.orm import aliased, selectinload

from crm.audit.services import record
from crm.auth.models import Role, User
from crm.contacts.models import Contact
from crm.contacts.services import visible_contacts
from crm.database import utcnow
from crm.extensions import db
from crm.i18n import N_
from crm.interactions.models import Interaction
from crm.interactions.services import visible_interactions
from crm.mail.services import queue_email
from crm.outlets.models import Outlet
from crm.tasks.listing import IdPage as IdPage
from crm.tasks.listing import TaskLine as TaskLine
from crm.tasks.listing import task_page as task_page
from crm.tasks.models import Priority, Task, TaskComment, TaskStatus


@dataclass
class TaskData:
    title: str
    assignee_id: int
    due_on: dt.date | None = None
    priority: Priority = Priority.NORMAL
    description: str | None = None
    contact_id: int | None = None
    outlet_id: int | None = None
    interaction_id: int | None = None


def in_scope(user: User) -> ColumnElement[bool]:
    colleagues = select(User.id).where(User.organisation_id == user.organisation_id)
    return or_(Task.organisation_id == user.organisation_id, Task.assignee_id.in_(colleagues))


def visible_tasks(user: User) -> Select[Task]:
    return select(Task).where(in_scope(user))


def with_details(stmt: Select[Task]) -> Select[Task]:
    return stmt.options(selectinload(Task.contact), selectinload(Task.outlet))


def get_task_or_404(user: User, task_id: int) -> Task:
    return db.first_or_404(visible_tasks(user).where(Task.id == task_id).options(
        selectinload(Task.comments), selectinload(Task.contact), selectinload(Task.outlet),
        selectinload(Task.created_by), selectinload(Task.interaction)))


def urgency_order(today: dt.date) -> tuple[Any, ...]:
    """Open and overdue first, then open by due date (undated last), then closed ones.

    Only indexed columns (assignee, status, due date): the sort reads no table row.
    """
    rank = case((Task.status != TaskStatus.OPEN, 2), (Task.due_on < today, 0), else_=1)
    return (rank, nulls_last(Task.due_on.asc()), Task.id)


def my_tasks(user: User, status: TaskStatus | None, today: dt.date) -> Select[int]:
    """The ids of ``user``'s tasks, most urgent first (for ``task_page``)."""
    stmt = select(Task.id).where(Task.assignee_id == user.id)
    if status is not None:
        stmt = stmt.where(Task.status == status)
    return stmt.order_by(*urgency_order(today))


def team_tasks(user: User, today: dt.date, *, status: TaskStatus | None,
               organisation_id: int | None, assignee_id: int | None) -> Select[int]:
    """Ids of visible tasks grouped by assignee (name order), most urgent first in each."""
    assignee = aliased(User)
    # the scope through the joined assignee: no IN sub-query to probe for every task
    stmt = select(Task.id).join(assignee, Task.assignee_id == assignee.id).where(or_(
        Task.organisation_id == user.organisation_id,
        assignee.organisation_id == user.organisation_id))
    if status is not None:
        stmt = stmt.where(Task.status == status)
    if organisation_id:
        stmt = stmt.where(assignee.organisation_id == organisation_id)
    if assignee_id:
        stmt = stmt.where(Task.assignee_id == assignee_id)
    return stmt.order_by(assignee.full_name, assignee.id, *urgency_order(today))


def can_change(user: User, task: Task) -> bool:
    """The assignee, the creator, or a manager of the creating organisation."""
    return user.id in (task.assignee_id, task.created_by_id) or (
        user.has_role(Role.MANAGER) and task.organisation_id == user.organisation_id)


def active_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not user.is_enabled:
        raise ValueError("the assignee must be an active user")
    return user


def _notify(actor: User, task: Task) -> None:
    assignee = task.assignee
    if assignee.id != actor.id and assignee.notify_tasks and assignee.is_enabled:
        queue_email(assignee.email, N_("A task has been assigned to you"), "task_assigned",
                    locale=assignee.locale or "fr", task=task, actor=actor)


def _check_links(actor: User, task: Task, data: TaskData) -> None:
    """A new link must point at a record ``actor`` may see (kept links stay as they are)."""
    if data.contact_id and data.contact_id != task.contact_id and not db.session.scalar(
            visible_contacts(actor).where(Contact.id == data.contact_id)):
        raise ValueError("unknown contact")
    if data.interaction_id and data.interaction_id != task.interaction_id and not \
            db.session.scalar(visible_interactions(actor).where(
                Interaction.id == data.interaction_id)):
        raise ValueError("unknown interaction")
    if data.outlet_id and data.outlet_id != task.outlet_id and not db.session.scalar(
            select(Outlet.id).where(Outlet.id == data.outlet_id, Outlet.deleted_at.is_(None))):
        raise ValueError("unknown outlet")


def _apply(task: Task, data: TaskData) -> None:
    if not data.title.strip():
        raise ValueError("a title is required")
    task.assignee = active_user(data.assignee_id)
    task.title, task.due_on, task.priority = data.title.strip(), data.due_on, data.priority
    task.description = (data.description or "").strip() or None
    task.contact_id, task.outlet_id = data.contact_id, data.outlet_id
    task.interaction_id = data.interaction_id
    task.updated_at = utcnow()


def create_task(actor: User, data: TaskData) -> Task:
    """A new open task created by ``actor``; the assignee is told by e-mail if it is not them."""
    task = Task(created_by_id=actor.id, organisation_id=actor.organisation_id)
    _check_links(actor, task, data)
    _apply(task, data)
    db.session.add(task)
    db.session.flush()
    record(actor, "task.created", task, assignee=task.assignee_id)
    _notify(actor, task)
    return task


def update_task(actor: User, task: Task, data: TaskData) -> None:
    """Edit; a new assignee is audit-logged as a reassignment and told by e-mail."""
    if not can_change(actor, task):
        raise PermissionError("only the assignee, the creator or a manager")
    previous = task.assignee_id
    _check_links(actor, task, data)
    _apply(task, data)
    db.session.flush()
    record(actor, "task.updated", task)
    if task.assignee_id != previous:
        record(actor, "task.reassigned", task, previous=previous, assignee=task.assignee_id)
        _notify(actor, task)


def set_status(actor: User, task: Task, status: TaskStatus) -> None:
    if not can_change(actor, task):
        raise PermissionError("only the assignee, the creator or a manager")
    if task.status == status:
        return
    task.status = status
    task.closed_at = None if status == TaskStatus.OPEN else utcnow()
    task.updated_at = utcnow()
    db.session.flush()
    action = {TaskStatus.DONE: "task.completed", TaskStatus.CANCELLED: "task.cancelled",
              TaskStatus.OPEN: "task.reopened"}[status]
    record(actor, action, task)


def add_comment(actor: User, task: Task, body: str) -> TaskComment:
    if not body.strip():
        raise ValueError("an empty comment")
    comment = TaskComment(author_id=actor.id, body=body.strip())
    task.comments.append(comment)
    db.session.flush()
    record(actor, "task.commented", task)
    return comment


def assignable_users() -> list[User]:
    """Every active user of every body, by organisation then name."""
    return list(db.session.scalars(select(User).where(User.is_enabled.is_(True))
                                   .order_by(User.organisation_id, User.full_name)))
