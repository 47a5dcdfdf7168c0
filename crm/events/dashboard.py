"""The RSVP dashboard of an event: counts per session by status, by inviting body and by
outlet kind, and the list of answers with its filters.

Only the invitations of contacts the reader sees are counted or listed (another body's private
contact does not exist for them); an erased contact's answers stay as anonymous counts. Each
table is one grouped statement, whatever the number of invitations.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal, or_, select
from sqlalchemy.orm import selectinload

from crm.auth.models import User
from crm.contacts.models import Contact, contact_outlet
from crm.contacts.services import visible_contacts
from crm.events.models import Event, EventSession, Invitation, Response, ResponseStatus
from crm.extensions import db
from crm.orgs.models import Organisation
from crm.outlets.models import Outlet

# the columns of the count tables, in order: every status, then the two totals
STATUSES = (ResponseStatus.ACCEPTED, ResponseStatus.OFFERED, ResponseStatus.WAITLISTED,
            ResponseStatus.DECLINED, ResponseStatus.CANCELLED, ResponseStatus.PENDING)
INVITED, CHECKED_IN = "invited", "checked_in"
COLUMNS = (INVITED, *(s.value for s in STATUSES), CHECKED_IN)
NO_OUTLET = ""


def seen_invitation(user: User) -> ColumnElement[bool]:
    """Invitations of contacts ``user`` sees, and those of erased contacts (anonymous)."""
    return or_(Invitation.contact_id.is_(None), Invitation.contact_id.in_(
        visible_contacts(user).with_only_columns(Contact.id)))


def listed_invitation(user: User) -> ColumnElement[bool]:
    """Invitations whose person ``user`` may see by name."""
    return Invitation.contact_id.in_(visible_contacts(user).with_only_columns(Contact.id))


def outlet_kind() -> ColumnElement[str | None]:
    """The kind of the contact's first outlet (by name), as a correlated scalar."""
    return (select(Outlet.kind).join(contact_outlet, contact_outlet.c.outlet_id == Outlet.id)
            .where(contact_outlet.c.contact_id == Invitation.contact_id,
                   Outlet.deleted_at.is_(None))
            .order_by(Outlet.name_key, Outlet.id).limit(1).scalar_subquery())


@dataclass
class Counts:
    """One row of a count table: how many answers in each column."""

    label: str
    values: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COLUMNS, 0))

    def add(self, status: str, checked_in: int, count: int) -> None:
        self.values[INVITED] += count
        self.values[status] += count
        self.values[CHECKED_IN] += checked_in


@dataclass
class SessionCounts:
    session: EventSession
    total: Counts
    by_organisation: list[Counts]
    by_outlet_kind: list[Counts]  # labels are outlet kinds ("" for none)


def _grouped(user: User, event: Event, key: Any = None) -> dict[tuple[int, object], Counts]:
    """Counts per (session, ``key``) of the event's answers the reader may count."""
    label_column = key if key is not None else literal(None)
    stmt = (select(Response.session_id, label_column, Response.status, func.count(),
                   func.count(Response.checked_in_at))
            .join(Invitation, Invitation.id == Response.invitation_id)
            .where(Invitation.event_id == event.id, seen_invitation(user))
            .group_by(Response.session_id, Response.status, *([key] if key is not None else [])))
    found: dict[tuple[int, object], Counts] = {}
    row: Any
    for row in db.session.execute(stmt):
        session_id, label, status, count, checked_in = row
        counts = found.setdefault((int(session_id), label), Counts(str(label or "")))
        counts.add(str(status), int(checked_in), int(count))
    return found


def session_counts(user: User, event: Event) -> list[SessionCounts]:
    """For each session of the event: totals, then by inviting body and by outlet kind."""
    totals = _grouped(user, event, None)
    names = dict(db.session.execute(select(Organisation.id, Organisation.short_name)).all())
    by_org = _grouped(user, event, Invitation.organisation_id)
    by_kind = _grouped(user, event, outlet_kind())
    result = []
    for session in event.sessions:
        orgs = sorted(((names.get(int(str(key)), "?"), counts) for (sid, key), counts
                       in by_org.items() if sid == session.id), key=lambda pair: pair[0])
        for name, counts in orgs:
            counts.label = name
        kinds = sorted((c for (sid, _key), c in by_kind.items() if sid == session.id),
                       key=lambda c: (c.label == NO_OUTLET, c.label))
        result.append(SessionCounts(session, totals.get((session.id, None), Counts("")),
                                    [c for _n, c in orgs], kinds))
    return result


@dataclass(frozen=True)
class AnswerFilter:
    """The filters of the answer list; None or "" means any."""

    session_id: int | None = None
    status: str = ""  # a ResponseStatus value, or "checked_in"
    organisation_id: int | None = None
    outlet_kind: str = ""  # an OutletKind value, or "none"


def answers(user: User, event: Event, flt: AnswerFilter) -> Select[Response, Invitation, Contact]:
    """The answers the reader may see by name, filtered, by session then name."""
    kind = outlet_kind()
    stmt = (select(Response, Invitation, Contact)
            .join(Invitation, Invitation.id == Response.invitation_id)
            .join(Contact, Contact.id == Invitation.contact_id)
            .join(EventSession, EventSession.id == Response.session_id)
            .where(Invitation.event_id == event.id, listed_invitation(user)))
    if flt.session_id:
        stmt = stmt.where(Response.session_id == flt.session_id)
    if flt.status == CHECKED_IN:
        stmt = stmt.where(Response.checked_in_at.is_not(None))
    elif flt.status in {s.value for s in ResponseStatus}:
        stmt = stmt.where(Response.status == flt.status)
    if flt.organisation_id:
        stmt = stmt.where(Invitation.organisation_id == flt.organisation_id)
    if flt.outlet_kind == "none":
        stmt = stmt.where(kind.is_(None))
    elif flt.outlet_kind:
        stmt = stmt.where(kind == flt.outlet_kind)
    return stmt.order_by(EventSession.starts_at, EventSession.id, Contact.sort_key,
                         Contact.id).options(selectinload(Contact.outlets))


def inviting_bodies(event: Event) -> list[Organisation]:
    """The bodies that invited someone to the event (the organisation filter's choices)."""
    return list(db.session.scalars(select(Organisation).where(Organisation.id.in_(
        select(Invitation.organisation_id).where(Invitation.event_id == event.id)))
        .order_by(Organisation.short_name)))


def grouped_by_session(rows: list[tuple[Response, Invitation, Contact]]) \
        -> dict[int, list[tuple[Response, Invitation, Contact]]]:
    found: dict[int, list[tuple[Response, Invitation, Contact]]] = defaultdict(list)
    for row in rows:
        found[row[0].session_id].append(row)
    return found
