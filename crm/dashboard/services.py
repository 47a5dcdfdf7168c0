"""What the home page shows: my open tasks, my organisation's recent interactions and the
number of interactions per week by kind. Each is one query, whatever the volume."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy import Select, TextClause, bindparam, text

from crm.auth.models import User
from crm.database import UTCDateTime
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


@cache
def _weekly_counts(weeks: int) -> TextClause:
    """weeks x kinds counts in one statement, each an index range on (organisation, kind,
    happened_at): it reads only the index entries it counts and groups nothing. Written once
    as text: built with ``select()`` the 84 sub-queries cost more to construct than to run."""
    one = ("(SELECT count(*) FROM interaction WHERE organisation_id = :org AND kind = :k{k} "
           "AND happened_at >= :b{i} AND happened_at < :b{j} AND deleted_at IS NULL)")
    columns = [one.format(k=k, i=i, j=i + 1)
               for k in range(len(InteractionKind)) for i in range(weeks)]
    return text("SELECT " + ", ".join(columns)).bindparams(
        *[bindparam(f"b{i}", type_=UTCDateTime()) for i in range(weeks + 1)])


def weekly_chart(user: User, today: dt.date, zone: ZoneInfo, weeks: int = 12) -> WeeklyChart:
    """My organisation's interactions per week (Monday to Sunday, local time) and kind."""
    first = today - dt.timedelta(days=today.weekday(), weeks=weeks - 1)
    bounds = [dt.datetime.combine(first + dt.timedelta(weeks=i), dt.time.min, tzinfo=zone)
              for i in range(weeks + 1)]
    kinds = list(InteractionKind)
    params: dict[str, object] = {"org": user.organisation_id,
                                 **{f"b{i}": b for i, b in enumerate(bounds)},
                                 **{f"k{k}": kind.value for k, kind in enumerate(kinds)}}
    counts = db.session.execute(_weekly_counts(weeks), params).one()
    series = {kind: list(counts[k * weeks:(k + 1) * weeks]) for k, kind in enumerate(kinds)}
    return WeeklyChart([b.date() for b in bounds[:-1]],
                       {kind: values for kind, values in series.items() if any(values)})
