"""List and segment verbs, their scope and their members. Verbs flush and audit; the caller
commits.

Scope: a shared list is seen (and used) by every body, a private one by its own body only;
anything else answers 404. Only the owner body renames, deletes or changes a list's members.
Members are always read through the reader's contact scope: another body's private contact
in a shared list is neither shown nor counted, and a contact in the trash is no member.

A segment stores the contact list page's search and filters (``criteria``) and is evaluated
each time it is read, as the reader: the contacts they see that match it today.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, Select, delete, func, or_, select

from crm.audit.services import record
from crm.auth.models import User
from crm.contacts.models import Contact, ContactKind, Visibility
from crm.contacts.search import ContactFilters, contacts_query
from crm.contacts.services import visible_contacts
from crm.database import utcnow
from crm.extensions import db
from crm.imports.models import ImportBatch, ImportRow
from crm.lists.models import ContactList, ListKind, ListMember, ListVisibility
from crm.outlets.models import OutletKind

_FILTER_TYPES: dict[str, Any] = {
    "organisation_id": int, "visibility": Visibility, "kind": ContactKind,
    "outlet_kind": OutletKind, "outlet_id": int, "beat": str, "area": str,
    "has_email": bool, "opted_out": bool, "bounced": bool,
}


class NotOwner(PermissionError):
    """Only the body that owns the list may change it."""


def criteria_of(query: str, filters: ContactFilters) -> dict[str, Any]:
    """What a segment stores of the contact list's search and filters (JSON-ready)."""
    kept = {k: (v.value if hasattr(v, "value") else v) for k, v in asdict(filters).items()
            if v is not None}
    return {"q": query.strip()[:200], "filters": kept}


def filters_of(criteria: dict[str, Any]) -> tuple[str, ContactFilters]:
    """The search and filters a segment stored; ValueError when they are not well formed."""
    if not isinstance(criteria, dict) or not isinstance(criteria.get("q", ""), str):
        raise ValueError("criteria must be a mapping with a text query")
    raw = criteria.get("filters") or {}
    if not isinstance(raw, dict) or set(raw) - set(_FILTER_TYPES):
        raise ValueError("unknown filters")
    values: dict[str, Any] = {}
    for name, value in raw.items():
        kind = _FILTER_TYPES[name]
        wrong_bool = kind is bool and not isinstance(value, bool)
        wrong_int = kind is int and (isinstance(value, bool) or not isinstance(value, int))
        if wrong_bool or wrong_int or (kind is str and not isinstance(value, str)):
            raise ValueError(f"{name}: wrong type")
        values[name] = kind(value)
    return criteria.get("q", ""), ContactFilters(**values)


def in_scope(user: User) -> ColumnElement[bool]:
    return or_(ContactList.visibility == ListVisibility.SHARED,
               ContactList.organisation_id == user.organisation_id)


def visible_lists(user: User) -> Select[ContactList]:
    return select(ContactList).where(in_scope(user)).order_by(
        func.lower(ContactList.name), ContactList.id)


def get_list_or_404(user: User, list_id: int) -> ContactList:
    return db.first_or_404(select(ContactList).where(in_scope(user), ContactList.id == list_id))


def get_visible_list(user: User, list_id: int) -> ContactList:
    """The list ``list_id`` if ``user`` sees it, else ValueError (a forged id in a form)."""
    found = db.session.scalar(select(ContactList).where(in_scope(user),
                                                         ContactList.id == list_id))
    if found is None:
        raise ValueError("unknown list")
    return found


def may_change(user: User, contact_list: ContactList) -> bool:
    return user.organisation_id == contact_list.organisation_id


def owned_lists(user: User) -> list[ContactList]:
    """The static lists ``user``'s body may add contacts to."""
    return list(db.session.scalars(visible_lists(user).where(
        ContactList.organisation_id == user.organisation_id,
        ContactList.kind == ListKind.STATIC)))


def _check(user: User, contact_list: ContactList) -> None:
    if not may_change(user, contact_list):
        raise NotOwner("only the owner body changes a list")


def create_list(actor: User, name: str, *, visibility: ListVisibility = ListVisibility.SHARED,
                criteria: dict[str, Any] | None = None) -> ContactList:
    """A new static list, or a segment when ``criteria`` (see ``criteria_of``) is given."""
    if not name.strip():
        raise ValueError("a name is required")
    if criteria is not None:
        filters_of(criteria)  # refuse what could not be evaluated later
    contact_list = ContactList(
        name=name.strip()[:200], visibility=visibility, criteria=criteria,
        kind=ListKind.SEGMENT if criteria is not None else ListKind.STATIC,
        organisation_id=actor.organisation_id, created_by_id=actor.id)
    db.session.add(contact_list)
    db.session.flush()
    record(actor, "list.created", contact_list, kind=contact_list.kind.value)
    return contact_list


def update_list(actor: User, contact_list: ContactList, name: str,
                visibility: ListVisibility) -> None:
    _check(actor, contact_list)
    if not name.strip():
        raise ValueError("a name is required")
    contact_list.name, contact_list.visibility = name.strip()[:200], visibility
    contact_list.updated_at = utcnow()
    record(actor, "list.updated", contact_list)


def delete_list(actor: User, contact_list: ContactList) -> None:
    _check(actor, contact_list)
    record(actor, "list.deleted", contact_list, name=contact_list.name)
    db.session.delete(contact_list)
    db.session.flush()


def add_members(actor: User, contact_list: ContactList, contact_ids: Iterable[int]) -> int:
    """Add the contacts ``actor`` sees among ``contact_ids``; return how many were new."""
    _check(actor, contact_list)
    if contact_list.is_segment:
        raise ValueError("a segment has no members of its own")
    wanted = set(contact_ids)
    seen = set(db.session.scalars(visible_contacts(actor).with_only_columns(Contact.id).where(
        Contact.id.in_(wanted)))) if wanted else set()
    present = set(db.session.scalars(select(ListMember.contact_id).where(
        ListMember.list_id == contact_list.id, ListMember.contact_id.in_(seen))))
    new = sorted(seen - present)
    db.session.add_all(ListMember(list_id=contact_list.id, contact_id=i) for i in new)
    contact_list.updated_at = utcnow()
    db.session.flush()
    if new:
        record(actor, "list.members_added", contact_list, count=len(new))
    return len(new)


def add_import(actor: User, contact_list: ContactList, batch_id: int) -> int:
    """Add the contacts an import of ``actor``'s body created or updated."""
    batch = db.session.scalar(select(ImportBatch).where(
        ImportBatch.id == batch_id, ImportBatch.organisation_id == actor.organisation_id))
    if batch is None:
        raise ValueError("unknown import")
    ids = db.session.scalars(select(ImportRow.contact_id).where(
        ImportRow.batch_id == batch.id, ImportRow.contact_id.is_not(None)))
    return add_members(actor, contact_list, [i for i in ids if i is not None])


def remove_member(actor: User, contact_list: ContactList, contact_id: int) -> None:
    _check(actor, contact_list)
    db.session.execute(delete(ListMember).where(ListMember.list_id == contact_list.id,
                                                ListMember.contact_id == contact_id))
    contact_list.updated_at = utcnow()
    record(actor, "list.member_removed", contact_list, contact_id=contact_id)


def members_query(reader: User, contact_list: ContactList) -> Select[Contact]:
    """The contacts of the list as ``reader`` sees them, in name order."""
    if contact_list.is_segment:
        query, filters = filters_of(contact_list.criteria or {})
        return contacts_query(reader, query, filters)
    members = select(ListMember.contact_id).where(ListMember.list_id == contact_list.id)
    return visible_contacts(reader).where(Contact.id.in_(members)).order_by(
        Contact.sort_key, Contact.id)


def search_ids(reader: User, criteria: dict[str, Any]) -> list[int]:
    """The contacts ``reader`` sees that match a contact list search (``criteria_of``), in
    name order; ValueError when the criteria are not well formed."""
    query, filters = filters_of(criteria)
    return list(db.session.scalars(contacts_query(reader, query, filters).with_only_columns(
        Contact.id)))


def member_ids(reader: User, contact_list: ContactList) -> list[int]:
    return list(db.session.scalars(members_query(reader, contact_list).with_only_columns(
        Contact.id)))


def member_count(reader: User, contact_list: ContactList) -> int:
    sub = members_query(reader, contact_list).with_only_columns(Contact.id).order_by(None)
    return int(db.session.scalar(select(func.count()).select_from(sub.subquery())) or 0)


def importable_batches(user: User) -> list[ImportBatch]:
    """The committed imports of ``user``'s body, newest first (to add their contacts)."""
    return list(db.session.scalars(select(ImportBatch).where(
        ImportBatch.organisation_id == user.organisation_id,
        ImportBatch.committed_at.is_not(None), ImportBatch.undone_at.is_(None)).order_by(
        ImportBatch.created_at.desc(), ImportBatch.id.desc()).limit(50)))


def lists_of_contact(user: User, contact_id: int) -> list[ContactList]:
    """The static lists ``user`` sees that hold the contact."""
    held = select(ListMember.list_id).where(ListMember.contact_id == contact_id)
    return list(db.session.scalars(visible_lists(user).where(ContactList.id.in_(held))))


def search_args(contact_list: ContactList) -> dict[str, str]:
    """The contact list page's query string that shows a segment's search."""
    query, filters = filters_of(contact_list.criteria or {})
    args = {"q": query} if query else {}
    names = {"organisation_id": "organisation"}
    for name, value in asdict(filters).items():
        if value is None or name == "outlet_id":
            continue
        if isinstance(value, bool):
            args[name] = "yes" if value else "no"
        else:
            args[names.get(name, name)] = str(getattr(value, "value", value))
    return args


def member_counts(reader: User, lists: list[ContactList]) -> dict[int, int]:
    """The member count of each list as ``reader`` sees it: one statement for all the static
    lists, one for all the segments (each its own search, as a scalar subquery of the same
    SELECT, ``SEGMENTS_PER_STATEMENT`` at most)."""
    static = [x.id for x in lists if not x.is_segment]
    counts = dict.fromkeys(static, 0)
    if static:
        seen = visible_contacts(reader).with_only_columns(Contact.id).subquery()
        for list_id, count in db.session.execute(
                select(ListMember.list_id, func.count()).join(seen, seen.c.id == ListMember.contact_id)
                .where(ListMember.list_id.in_(static)).group_by(ListMember.list_id)):
            counts[list_id] = int(count)
    segments = [x for x in lists if x.is_segment]
    for start in range(0, len(segments), SEGMENTS_PER_STATEMENT):
        chunk = segments[start:start + SEGMENTS_PER_STATEMENT]
        row = db.session.execute(select(*(_count_of(reader, segment) for segment in chunk))).one()
        counts.update({segment.id: int(n or 0) for segment, n in zip(chunk, row, strict=True)})
    return counts


SEGMENTS_PER_STATEMENT = 50


def _count_of(reader: User, segment: ContactList) -> ScalarSelect[int]:
    sub = members_query(reader, segment).with_only_columns(Contact.id).order_by(None)
    return select(func.count()).select_from(sub.subquery()).scalar_subquery()


def deleted_member_ids(reader: User, contact_list: ContactList) -> list[int]:
    """The members of a static list that ``reader`` sees in the trash (left out of a send)."""
    if contact_list.is_segment:
        return []
    members = select(ListMember.contact_id).where(ListMember.list_id == contact_list.id)
    return list(db.session.scalars(visible_contacts(reader, deleted=True).with_only_columns(
        Contact.id).where(Contact.id.in_(members))))
