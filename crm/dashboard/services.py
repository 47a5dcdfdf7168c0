"""What the home page shows: my open tasks, my organisation's recent interactions and the
number of interactions per week by kind. Each is one query, whatever the volume."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, bindparam, case, func, literal, select

from crm.auth.models import User
from crm.contacts.models import Contact
from crm.contacts.services import in_scope as contact_in_scope
from crm.extensions import db
from crm.interactions.models import Interaction, InteractionKind, interaction_contact
from crm.interactions.services import visible_interactions
from crm.tasks.models import TaskStatus
from crm.tasks.services import IdPage, my_tasks, task_page


def my_open_tasks(user: User, today: dt.date, limit: int = 10) -> IdPage:
    """The ``limit`` most urgent of my open tasks, and (``total``) how many are open."""
    return task_page(user, my_tasks(user, TaskStatus.OPEN, today), 1, limit)


@dataclass(frozen=True)
class RecentInteraction:
    """An interaction as the home page lists it, with the names of the contacts it is about
    that the reader may see (sorted as contacts are)."""

    id: int
    subject: str
    kind: InteractionKind
    happened_at: dt.datetime
    people: list[str] = field(default_factory=list)


def recent_interactions(user: User, limit: int = 10) -> list[RecentInteraction]:
    """My organisation's latest interactions (private ones included: they are ours), read
    as columns: the interactions, then the names of their visible contacts."""
    stmt = visible_interactions(user).where(
        Interaction.organisation_id == user.organisation_id).with_only_columns(
        Interaction.id, Interaction.subject, Interaction.kind, Interaction.happened_at
    ).order_by(Interaction.happened_at.desc(), Interaction.id.desc()).limit(limit)
    found = {row.id: RecentInteraction(row.id, row.subject, row.kind, row.happened_at)
             for row in db.session.execute(stmt)}
    if found:
        names = select(interaction_contact.c.interaction_id, Contact.first_name,
                       Contact.last_name).join(
            Contact, Contact.id == interaction_contact.c.contact_id).where(
            interaction_contact.c.interaction_id.in_(list(found)),
            Contact.deleted_at.is_(None), contact_in_scope(user)).order_by(Contact.sort_key)
        for interaction_id, first_name, last_name in db.session.execute(names):
            found[interaction_id].people.append(f"{first_name} {last_name}".strip())
    return list(found.values())


@dataclass(frozen=True)
class WeeklyChart:
    weeks: list[dt.date]  # the Monday of each week, oldest first
    series: dict[InteractionKind, list[int]]  # kinds with at least one interaction

    def as_data(self, labels: dict[InteractionKind, str], date_label: Callable[[dt.date], str]
                ) -> dict[str, object]:
        return {"labels": [date_label(w) for w in self.weeks],
                "series": [{"label": labels[k], "data": v} for k, v in self.series.items()]}


def _week_of(low: int, high: int) -> ColumnElement[int] | int:
    """The week (``low`` to ``high - 1``) of an interaction of those weeks, by halving: a
    handful of comparisons per row, the same on both databases (local weeks are not all
    as long: a fixed-width division would put the hour of a clock change in the wrong one).
    Week ``i`` starts at the bound parameter ``week_i``."""
    if high - low == 1:
        return low
    middle = (low + high) // 2
    return case((Interaction.happened_at < bindparam(f"week_{middle}"), _week_of(low, middle)),
                else_=_week_of(middle, high))


@cache
def _chart_statement(weeks: int) -> Select[InteractionKind, int, int]:
    """The grouped statement of a chart of ``weeks`` weeks, built once: its bounds and the
    organisation are parameters (building it costs more than the database takes to run it)."""
    week = _week_of(0, weeks)
    rows = select(Interaction.kind, (week if isinstance(week, ColumnElement)
                                     else literal(week)).label("week")).where(
        Interaction.organisation_id == bindparam("organisation"),
        Interaction.happened_at >= bindparam("week_0"),
        Interaction.happened_at < bindparam(f"week_{weeks}"),
        Interaction.deleted_at.is_(None)).subquery()
    return select(rows.c.kind, rows.c.week, func.count()).group_by(rows.c.kind, rows.c.week)


def weekly_chart(user: User, today: dt.date, zone: ZoneInfo, weeks: int = 12) -> WeeklyChart:
    """My organisation's interactions per week (Monday to Sunday, local time) and kind, in
    one grouped statement: a range of the (organisation, happened_at, kind) index."""
    first = today - dt.timedelta(days=today.weekday(), weeks=weeks - 1)
    bounds = [dt.datetime.combine(first + dt.timedelta(weeks=i), dt.time.min, tzinfo=zone)
              for i in range(weeks + 1)]
    counts = {kind: [0] * weeks for kind in InteractionKind}
    params = {f"week_{i}": bound for i, bound in enumerate(bounds)}
    for kind, index, count in db.session.execute(
            _chart_statement(weeks), {"organisation": user.organisation_id, **params}):
        counts[InteractionKind(str(kind))][int(str(index))] = int(str(count))
    return WeeklyChart([b.date() for b in bounds[:-1]],
                       {kind: values for kind, values in counts.items() if any(values)})
