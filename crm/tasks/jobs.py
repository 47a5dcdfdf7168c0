"""The daily digest of overdue tasks, sent to each assignee who keeps task e-mail on."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from sqlalchemy import select

from crm.auth.models import User
from crm.clock import local_today
from crm.extensions import db
from crm.i18n import N_
from crm.jobs import crontab, periodic_task
from crm.mail.services import queue_email
from crm.tasks.models import Task, TaskStatus


def queue_overdue_digests(today: dt.date) -> int:
    """Queue one digest per user with overdue open tasks; return how many were queued."""
    rows = db.session.execute(
        select(User, Task).join(Task, Task.assignee_id == User.id)
        .where(Task.status == TaskStatus.OPEN, Task.due_on < today,
               User.is_enabled.is_(True), User.notify_tasks.is_(True))
        .order_by(User.id, Task.due_on, Task.id)).all()
    count = 0
    for user, pairs in groupby(rows, key=lambda row: row[0]):
        tasks = [task for _user, task in pairs]
        queue_email(user.email, N_("Your overdue tasks"), "tasks_overdue",
                    locale=user.locale or "fr", user=user, tasks=tasks, today=today)
        count += 1
    return count


@periodic_task(crontab(hour="6", minute="30"))
def daily_overdue_digest() -> None:
    queue_overdue_digests(local_today())
    db.session.commit()
