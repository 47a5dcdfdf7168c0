"""The duplicate warning on create and edit: a simple indexed check until the de-duplication
engine exists. Likely the same person: same email, same phone, or same folded name at one of
the same outlets. Only contacts the user may see are ever shown."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from crm.auth.models import User
from crm.contacts.models import Contact, ContactEmail, ContactPhone, contact_outlet
from crm.contacts.normalise import name_key
from crm.contacts.services import ContactData, normalised, visible_contacts
from crm.extensions import db


def find_duplicates(user: User, data: ContactData, *, exclude_id: int | None = None,
                    limit: int = 5) -> list[Contact]:
    data = normalised(data)
    conditions = []
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
    return list(db.session.scalars(stmt.order_by(Contact.sort_key).limit(limit)))
