"""The duplicate warning on create and edit. Only contacts the user may see are ever shown.

Two layers: an indexed check (same email, same phone, or same folded name at one of the same
outlets), then a single-record lookup of the de-duplication engine among the contacts that
share an email, a phone or the beginning of the surname, with the weights of the last
whole-file scan ("Aline PERIN" at Le Progrès finds "Aline PERRIN"). Before any scan, the
indexed check alone."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import selectinload

from crm.auth.models import User
from crm.contacts.core.normalise import fold, name_key
from crm.contacts.models import Contact, ContactEmail, ContactPhone, contact_outlet
from crm.contacts.services import ContactData, contact_data, normalised, visible_contacts
from crm.extensions import db


def find_duplicates(user: User, data: ContactData, *, exclude_id: int | None = None,
                    limit: int = 5) -> list[Contact]:
    data = normalised(data)
    conditions: list[ColumnElement[bool]] = []
    if data.emails:
        conditions.append(Contact.id.in_(
            select(ContactEmail.contact_id).where(ContactEmail.email.in_(data.emails))))
    if data.phones:
        conditions.append(Contact.id.in_(
            select(ContactPhone.contact_id).where(ContactPhone.e164.in_(data.phones))))
    if data.outlet_ids:
        same_outlet = select(contact_outlet.c.contact_id).where(
            contact_outlet.c.outlet_id.in_(data.outlet_ids))
        conditions.append((Contact.name_key == name_key(data.first_name, data.last_name))
                          & Contact.id.in_(same_outlet))
    if not conditions:
        return []
    stmt = visible_contacts(user).where(or_(*conditions))
    if exclude_id is not None:
        stmt = stmt.where(Contact.id != exclude_id)
    stmt = stmt.options(selectinload(Contact.outlets), selectinload(Contact.emails))
    sure = list(db.session.scalars(stmt.order_by(Contact.sort_key).limit(limit)))
    likely = [c for c in _engine_matches(user, data, exclude_id) if c not in sure]
    return (sure + likely)[:limit]


def new_duplicates(user: User, contact: Contact, data: ContactData) -> list[Contact]:
    """The possible duplicates that an edit of ``contact`` to ``data`` brings: those it
    already had before the edit were shown (and reviewed) before, so they are not asked again."""
    found = find_duplicates(user, data, exclude_id=contact.id)
    if not found:
        return []
    before = set(find_duplicates(user, contact_data(contact), exclude_id=contact.id, limit=50))
    return [c for c in found if c not in before]


ENGINE_CANDIDATES = 300


def _engine_matches(user: User, data: ContactData, exclude_id: int | None) -> list[Contact]:
    from crm.dedupe.services import likely_duplicates  # the engine builds on contacts

    prefix = fold(data.last_name).replace(" ", "")[:3]
    if len(prefix) < 3:
        return []
    stmt = visible_contacts(user).where(
        Contact.sort_key.startswith(prefix, autoescape=True)
        | Contact.id.in_(select(ContactEmail.contact_id).where(
            ContactEmail.email.in_(data.emails or ["-"])))
        | Contact.id.in_(select(ContactPhone.contact_id).where(
            ContactPhone.e164.in_(data.phones or ["-"]))))
    if exclude_id is not None:
        stmt = stmt.where(Contact.id != exclude_id)
    candidates = list(db.session.scalars(stmt.options(
        selectinload(Contact.outlets), selectinload(Contact.emails),
        selectinload(Contact.phones)).limit(ENGINE_CANDIDATES)))
    record = {"first_name": data.first_name, "last_name": data.last_name,
              "emails": data.emails, "phones": data.phones,
              "outlets": [o.name for c in candidates for o in c.outlets
                          if o.id in data.outlet_ids][:1] or [], "id": None}
    found = likely_duplicates(user, record, candidates) or []
    by_id = {c.id: c for c in candidates}
    return [by_id[p.right] for p in found if p.right in by_id]
