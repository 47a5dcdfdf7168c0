"""The contact search: one accent- and case-insensitive search box, filters and sort.

Both databases match the same thing: every word of the query is a prefix of a word of the
contact's folded ``search_text``. SQLite answers through the FTS5 table ``contact_fts``;
PostgreSQL through the GIN index on the generated ``search_vector`` column (its
``to_tsvector('simple', search_text)``). Both come from migration 0002.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnClause,
    ColumnElement,
    Integer,
    Select,
    and_,
    column,
    exists,
    func,
    literal_column,
    or_,
    select,
    text,
)

from crm.auth.models import User
from crm.contacts.core.normalise import fold, search_tokens
from crm.contacts.models import (
    Contact,
    ContactBeat,
    ContactEmail,
    ContactKind,
    ContactOptOut,
    Visibility,
    contact_outlet,
)
from crm.contacts.services import visible_contacts
from crm.extensions import db
from crm.outlets.models import Outlet, OutletKind

SORTS = {
    "name": (Contact.sort_key, Contact.id),
    "-updated": (Contact.updated_at.desc(), Contact.id.desc()),
    "-created": (Contact.created_at.desc(), Contact.id.desc()),
}


@dataclass(frozen=True)
class ContactFilters:
    organisation_id: int | None = None
    visibility: Visibility | None = None
    kind: ContactKind | None = None
    outlet_kind: OutletKind | None = None
    outlet_id: int | None = None
    beat: str | None = None
    area: str | None = None
    has_email: bool | None = None
    opted_out: bool | None = None
    bounced: bool | None = None


def matching(query: str, dialect: str) -> ColumnElement[bool] | None:
    """The search condition for ``query`` on ``dialect``, or None when there is nothing to find."""
    tokens = search_tokens(query)
    if not tokens:
        return None
    if dialect == "postgresql":
        tsquery = " & ".join(f"{t}:*" for t in tokens)
        # contact.search_vector: generated column of migration 0002, unknown to the model
        vector: ColumnClause[Any] = literal_column("contact.search_vector")
        return vector.op("@@")(func.to_tsquery(literal_column("'simple'::regconfig"), tsquery))
    if dialect == "sqlite":
        fts = " ".join(f'"{t}"*' for t in tokens)  # tokens are folded words: no quotes inside
        ids = text("SELECT rowid FROM contact_fts WHERE contact_fts MATCH :fts").bindparams(
            fts=fts).columns(column("rowid", Integer))
        return Contact.id.in_(ids)
    return and_(*(Contact.search_text.contains(t, autoescape=True) for t in tokens))


def _filtered(stmt: Select[Contact], f: ContactFilters,
              user: User) -> Select[Contact]:
    simple = {Contact.organisation_id: f.organisation_id, Contact.visibility: f.visibility,
              Contact.kind: f.kind, Contact.area: f.area,
              Contact.is_email_bounced: f.bounced}
    for col, value in simple.items():
        if value is not None:
            stmt = stmt.where(col == value)
    if f.outlet_kind is not None or f.outlet_id is not None:
        outlet = select(contact_outlet.c.contact_id).join(
            Outlet, Outlet.id == contact_outlet.c.outlet_id)
        if f.outlet_kind is not None:
            outlet = outlet.where(Outlet.kind == f.outlet_kind)
        if f.outlet_id is not None:
            outlet = outlet.where(Outlet.id == f.outlet_id)
        stmt = stmt.where(Contact.id.in_(outlet))
    if f.beat:
        stmt = stmt.where(exists().where(ContactBeat.contact_id == Contact.id,
                                         ContactBeat.key == fold(f.beat)))
    if f.has_email is not None:
        has = exists().where(ContactEmail.contact_id == Contact.id)
        stmt = stmt.where(has if f.has_email else ~has)
    if f.opted_out is not None:
        opted = or_(Contact.is_opted_out, exists().where(ContactOptOut.contact_id == Contact.id))
        stmt = stmt.where(opted if f.opted_out else ~opted)
    return stmt


def contacts_query(user: User, query: str = "", filters: ContactFilters | None = None,
                   sort: str = "name") -> Select[Contact]:
    """The statement behind the list page, without eager loading or paging."""
    stmt = _filtered(visible_contacts(user), filters or ContactFilters(), user)
    condition = matching(query, db.session.get_bind().dialect.name)
    if condition is not None:
        stmt = stmt.where(condition)
    return stmt.order_by(*SORTS.get(sort, SORTS["name"]))
