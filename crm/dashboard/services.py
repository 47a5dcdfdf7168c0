"""What the home page shows: my open tasks, my organisation's recent interactions and the
number of interactions per week by kind. Each is one query, whatever the volume."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, case, func, literal, select

from crm.auth.models import User
from crm.extensions import db
from crm.interactions.models import Interaction, InteractionKind
from crm.interactions.services import visible_interactions, with_details
from crm.tasks.models import TaskStatus
from crm.tasks.services import IdPage, my_tasks, task_page


def my_open_tasks(user: User, today: dt.date, limit: int = 10) -> IdPage:
    """The ``limit`` most urgent of my open tasks, and (``total``) how many are open."""
    return task_page(my_tasks(user, TaskStatus.OPEN, today), 1, limit)


def recent_interactions(user: User, limit: int = 10) -> list[Interaction]:
    """My organisation's latest interactions (private ones included: they are ours)."""
    stmt: Select[Interaction] = visible_interactions(user).where(
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


def _week_of(bounds: list[dt.datetime], low: int, high: int) -> ColumnElement[int] | int:
    """The week (``low`` to ``high - 1``) of an interaction of those weeks, by halving: a
    handful of comparisons per row, the same on both databases (local weeks are not all
    as long: a fixed-width division would put the hour of a clock change in the wrong one)."""
    if high - low == 1:
        return low
    middle = (low + high) // 2
    return case((Interaction.happened_at < bounds[middle], _week_of(bounds, low, middle)),
                else_=_week_of(bounds, middle, high))


def weekly_chart(user: User, today: dt.date, zone: ZoneInfo, weeks: int = 12) -> WeeklyChart:
    """My organisation's interactions per week (Monday to Sunday, local time) and kind, in
    one grouped statement: a range of the (organisation, happened_at, kind) index."""
    first = today - dt.timedelta(days=today.weekday(), weeks=weeks - 1)
    bounds = [dt.datetime.combine(first + dt.timedelta(weeks=i), dt.time.min, tzinfo=zone)
              for i in range(weeks + 1)]
    week = _week_of(bounds, 0, weeks)
    rows = select(Interaction.kind, (week if isinstance(week, ColumnElement)
                                     else literal(week)).label("week")).where(
        Interaction.organisation_id == user.organisation_id,
        Interaction.happened_at >= bounds[0], Interaction.happened_at < bounds[-1],
        Interaction.deleted_at.is_(None)).subquery()
    counts = {kind: [0] * weeks for kind in InteractionKind}
    for kind, index, count in db.session.execute(
            select(rows.c.kind, rows.c.week, func.count()).group_by(rows.c.kind, rows.c.week)):
        counts[InteractionKind(str(kind))][int(str(index))] = int(str(count))
    return WeeklyChart([b.date() for b in bounds[:-1]],
                       {kind: values for kind, values in counts.items() if any(values)})
