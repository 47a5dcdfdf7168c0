"""One page of the contact list, as light rows rather than ORM objects.

A page is a fixed number of statements whatever its size: the rows, the count (in the rows'
statement for a search), then the outlets, primary emails, primary phones and beats
of the page's contacts, one statement each. Plain rows keep a 50-line page
of a 100,000-contact file within a few times the cost of a trivial page (bench/contacts.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import Select, func, select

from crm.auth.models import User
from crm.contacts.core.normalise import search_tokens
from crm.contacts.models import (
    Contact,
    ContactBeat,
    ContactEmail,
    ContactKind,
    ContactPhone,
    Visibility,
    contact_outlet,
)
from crm.contacts.search import SORTS, ContactFilters, contacts_query
from crm.extensions import db
from crm.orgs.models import Organisation
from crm.outlets.models import Outlet

PER_PAGE = 50
COUNT_CAP = 10_000


class OutletRef(NamedTuple):
    id: int
    name: str
    deleted: bool = False  # in the trash: shown, not linked (its page answers 404)


@dataclass
class ContactRow:
    """What a list line shows of a contact."""

    id: int
    civility: str
    first_name: str
    last_name: str
    kind: ContactKind
    job_title: str | None
    area: str | None
    visibility: Visibility
    is_opted_out: bool
    is_email_bounced: bool
    organisation_short_name: str
    outlets: list[OutletRef] = field(default_factory=list)
    beats: list[str] = field(default_factory=list)
    primary_email: str | None = None
    primary_phone: str | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


ROW_COLUMNS = (Contact.id, Contact.civility, Contact.first_name, Contact.last_name, Contact.kind,
               Contact.job_title, Contact.area, Contact.visibility, Contact.is_opted_out,
               Contact.is_email_bounced, Organisation.short_name)


def _attach_details(rows: list[ContactRow]) -> None:
    """Outlets, primary email and phone, beats: one statement each for the whole page."""
    by_id = {row.id: row for row in rows}
    if not by_id:
        return
    ids = list(by_id)
    outlets: Select[int, int, str, bool] = select(contact_outlet.c.contact_id, Outlet.id, Outlet.name,
                     Outlet.deleted_at.is_not(None)).join(
        Outlet, Outlet.id == contact_outlet.c.outlet_id).where(
        contact_outlet.c.contact_id.in_(ids)).order_by(Outlet.name_key)
    for contact_id, outlet_id, name, deleted in db.session.execute(outlets):
        by_id[contact_id].outlets.append(OutletRef(outlet_id, name, deleted))
    for contact_id, email in db.session.execute(select(
            ContactEmail.contact_id, ContactEmail.email).where(
            ContactEmail.contact_id.in_(ids), ContactEmail.is_primary)):
        by_id[contact_id].primary_email = email
    for contact_id, e164 in db.session.execute(select(
            ContactPhone.contact_id, ContactPhone.e164).where(
            ContactPhone.contact_id.in_(ids), ContactPhone.is_primary)):
        by_id[contact_id].primary_phone = e164
    for contact_id, name in db.session.execute(select(ContactBeat.contact_id, ContactBeat.name)
                                               .where(ContactBeat.contact_id.in_(ids))
                                               .order_by(ContactBeat.key)):
        by_id[contact_id].beats.append(name)


class CappedPagination(SelectPagination):
    """Counts at most ``COUNT_CAP`` matches, so that a broad list never counts the whole file.

    Beyond the cap the page says "more than 10,000 results" (``is_capped``) and offers the
    pages up to the cap; a search or a filter narrows the rest.
    """

    is_capped = False

    def _page(self, stmt: Any) -> list[Any]:
        stmt = stmt.limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(stmt))

    def _query_items(self) -> list[ContactRow]:
        rows = [ContactRow(*row) for row in self._page(self._query_args["select"])]
        _attach_details(rows)
        return rows

    def _query_count(self) -> int:
        sub = self._query_args["count_select"].with_only_columns(Contact.id).order_by(None)
        sub = sub.limit(COUNT_CAP + 1).subquery()
        total = int(self._query_args["session"].scalar(select(func.count()).select_from(sub)))
        self.is_capped = total > COUNT_CAP
        return min(total, COUNT_CAP)


class SearchPagination(CappedPagination):
    """A search result page whose rows carry the number of matches in their last column.

    A search is bounded by its index matches, which the sort reads in full anyway: counting
    them in the same statement saves a second pass (see ``_counted_rows``).
    """

    window_total: int | None = None

    def _query_items(self) -> list[ContactRow]:
        found = self._page(self._query_args["select"])
        if found:
            self.window_total = int(found[0][-1])
        rows = [ContactRow(*row[:-1]) for row in found]
        _attach_details(rows)
        return rows

    def _query_count(self) -> int:
        if self.window_total is None:  # past the last page: count the usual way
            return super()._query_count()
        return self.window_total


def _counted_rows(stmt: Select[Contact], sort: str, dialect: str) -> Select[*tuple[Any, ...]]:
    """The list rows of the search ``stmt`` plus the number of matches, in one statement.

    SQLite: ``count(*) OVER ()``. PostgreSQL 15 costs a LIMIT above that window as if it
    could stop early and walks the sort index testing every row, so there the matches go
    through a MATERIALIZED CTE (one GIN scan) that gives both the rows and their count.
    """
    if dialect != "postgresql":
        return _rows(stmt).add_columns(func.count().over())
    matches = stmt.with_only_columns(Contact.id).order_by(None).cte("matches")
    matches = matches.prefix_with("MATERIALIZED")
    total = select(func.count()).select_from(matches).scalar_subquery()
    return select(*ROW_COLUMNS, total).join_from(
        Contact, Organisation, Organisation.id == Contact.organisation_id).where(
        Contact.id.in_(select(matches.c.id))).order_by(*SORTS.get(sort, SORTS["name"]))


def _rows(stmt: Select[Contact]) -> Select[*tuple[Any, ...]]:
    return stmt.with_only_columns(*ROW_COLUMNS).join(
        Organisation, Organisation.id == Contact.organisation_id)


def search_contacts(user: User, query: str = "", filters: ContactFilters | None = None,
                    sort: str = "name", page: int = 1, per_page: int = PER_PAGE) -> Pagination:
    """One page of ``ContactRow`` for the contacts ``user`` may see that match ``query`` and
    ``filters``, in a constant number of statements."""
    stmt = contacts_query(user, query, filters, sort)
    pagination: type[CappedPagination]
    if search_tokens(query):
        dialect = db.session.get_bind().dialect.name
        pagination, rows = SearchPagination, _counted_rows(stmt, sort, dialect)
    else:
        pagination, rows = CappedPagination, _rows(stmt)
    return pagination(select=rows, count_select=stmt, session=db.session, page=page,
                      per_page=per_page, max_per_page=200, error_out=False)
