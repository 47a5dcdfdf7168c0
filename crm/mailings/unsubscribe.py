"""Unsubscribing from a mailing's link: the token names one delivery (only its hash is
stored); the contact opts out of the bodies that sent it, or of every mailing. Idempotent."""

from __future__ import annotations

from sqlalchemy import select, update

from crm.audit.services import record
from crm.contacts.models import Contact, ContactOptOut
from crm.database import affected_rows
from crm.extensions import db
from crm.mailings.models import Delivery
from crm.mailings.sending import token_hash


def find_delivery(token: str) -> Delivery | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(Delivery).where(
        Delivery.unsubscribe_hash == token_hash(token)))


def unsubscribe(delivery: Delivery, organisation_ids: list[int] | None) -> bool:
    """Opt the contact out of ``organisation_ids`` (None: of every mailing); True when
    something changed. Stops nothing else: the contact stays in the file."""
    contact = db.session.get(Contact, delivery.contact_id) if delivery.contact_id else None
    if contact is None:
        return False
    if organisation_ids is None:
        changed = affected_rows(update(Contact).where(
            Contact.id == contact.id, Contact.is_opted_out.is_(False)).values(
            is_opted_out=True, version=Contact.version + 1)
            .execution_options(synchronize_session=False))
    else:
        have = set(db.session.scalars(select(ContactOptOut.organisation_id).where(
            ContactOptOut.contact_id == contact.id)))
        new = sorted(set(organisation_ids) - have)
        db.session.add_all(ContactOptOut(contact_id=contact.id, organisation_id=o) for o in new)
        changed = len(new)
        if changed:  # an edit begun before this is stale: it must not drop the opt-out
            db.session.execute(update(Contact).where(Contact.id == contact.id).values(
                version=Contact.version + 1).execution_options(synchronize_session=False))
    if changed:
        record(None, "contact.unsubscribed", contact, mailing_id=delivery.mailing_id,
               organisations=organisation_ids if organisation_ids is not None else "all")
    db.session.flush()
    return bool(changed)
