"""What the home page shows: my open tasks, my organisation's recent interactions and the
number of interactions per week by kind. Each is one query, whatever the volume."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, Integer, Select, bindparam, cast, extract, func, select

from crm.auth.models import User
from crm.extensions import db
from crm.interactions.models import Interaction, InteractionKind
from crm.interactions.services import visible_interactions, with_details
from crm.tasks.models import Task, TaskStatus
from crm.tasks.services import urgency_order
from crm.tasks.services import with_details as task_details


def my_open_tasks(user: User, today: dt.date, limit: int = 10) -> list[Task]:
    return list(db.session.scalars(task_details(
        select(Task).where(Task.assignee_id == user.id, Task.status == TaskStatus.OPEN))
        .order_by(*urgency_order(today)).limit(limit)))


def count_open_tasks(user: User) -> int:
    return int(db.session.scalar(select(func.count(Task.id)).where(
        Task.assignee_id == user.id, Task.status == TaskStatus.OPEN)) or 0)


def recent_interactions(user: User, limit: int = 10) -> list[Interaction]:
    """My organisation's latest interactions (private ones included: they are ours)."""
    stmt: Select[tuple[Interaction]] = visible_interactions(user).where(
        Interaction.organisation_id == user.organisation_id)
    return list(db.session.scalars(with_details(stmt).order_by(
        Interaction.happened_at.desc(), Interaction.id.desc()).limit(limit)))


@dataclass(frozen=True)
class WeeklyChart:
    weeks: list[dt.date]  # the Monday of each week, oldest first
    series: dict[InteractionKind, list[int]]  # kinds with at least one interaction

    def as_data(self, labels: dict[InteractionKind, str], date_label: Callable[[dt.date], str]
                ) -> dict[str, object]:
        return {"labels": [date_label(w) for w in self.weeks],
                "series": [{"label": labels[k], "data": v} for k, v in self.series.items()]}


def _week_index(start: dt.datetime):  # type: ignore[no-untyped-def]
    """Whole weeks between ``start`` and ``happened_at``, in the database's own arithmetic."""
    if db.session.get_bind().dialect.name == "sqlite":
        stored = start.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
        days = func.julianday(Interaction.happened_at) - func.julianday(stored)
        return cast(days / 7, Integer)
    since = bindparam("chart_start", start, type_=DateTime(timezone=True))
    return cast(func.floor(extract("epoch", Interaction.happened_at - since) / 604800), Integer)


def weekly_chart(user: User, today: dt.date, zone: ZoneInfo, weeks: int = 12) -> WeeklyChart:
    """My organisation's interactions per week (Monday to Sunday, local time) and kind."""
    first = today - dt.timedelta(days=today.weekday(), weeks=weeks - 1)
    start = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    week = _week_index(start).label("week")
    rows = db.session.execute(
        select(week, Interaction.kind, func.count()).where(
            Interaction.organisation_id == user.organisation_id,
            Interaction.happened_at >= start, Interaction.deleted_at.is_(None))
        .group_by(week, Interaction.kind)).all()
    series: dict[InteractionKind, list[int]] = {}
    for index, kind, count in rows:
        if 0 <= index < weeks:
            series.setdefault(InteractionKind(kind), [0] * weeks)[index] += count
    ordered = {k: series[k] for k in InteractionKind if k in series}
    return WeeklyChart([first + dt.timedelta(weeks=i) for i in range(weeks)], ordered)
