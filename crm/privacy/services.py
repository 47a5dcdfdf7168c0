"""Erasure on request (RGPD art. 17) and the suppression list checked by every import.

Erasing a contact deletes it for good, with its emails, phones, beats, opt-outs, list and block
entries, the duplicates merged into it, and the copies an import kept of its rows. What remains
is a digest of each email and phone in the suppression list: an import refuses a row holding
one of them, so that the person does not come back with the next file. The digest is an HMAC
keyed with ``SUPPRESSION_KEY`` (by default a fixed key of the application): the list can say
"this address was erased", never which addresses were. The audit log keeps the event with ids
and counts only, as it does for every contact event.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

from sqlalchemy import or_, select, update

from crm.audit.services import record
from crm.auth.models import Role, User
from crm.contacts.models import Contact
from crm.dedupe.models import ContactMerge
from crm.events.services import forget_contacts
from crm.extensions import db
from crm.imports.models import ImportBatch, ImportRow
from crm.privacy.models import Suppression, SuppressionKind
from crm.settings import settings


def digest(kind: SuppressionKind, value: str) -> str:
    """The suppression digest of an email (lower-cased) or an E.164 phone number."""
    key = settings().suppression_key
    text = value.strip().lower()  # emails are stored lower-cased, phones in E.164
    return hmac.new(key, f"{kind}:{text}".encode(), hashlib.sha256).hexdigest()


def is_suppressed(emails: Iterable[str], phones: Iterable[str]) -> bool:
    """Whether any of these emails or E.164 phones belongs to an erased person."""
    email, phone = SuppressionKind.EMAIL, SuppressionKind.PHONE
    wanted = [(email, digest(email, e)) for e in emails if e] + \
             [(phone, digest(phone, p)) for p in phones if p]
    if not wanted:
        return False
    return db.session.scalar(select(Suppression.id).where(or_(*(
        (Suppression.kind == kind) & (Suppression.digest == value) for kind, value in wanted)))
        .limit(1)) is not None


def may_erase(user: User, contact: Contact) -> bool:
    """A manager (or admin) of the body that owns the contact."""
    return user.has_role(Role.MANAGER) and contact.organisation_id == user.organisation_id


def erase_contact(actor: User, contact: Contact) -> int:
    """Erase ``contact`` and the duplicates merged into it; return how many contacts went."""
    if not may_erase(actor, contact):
        raise PermissionError("only a manager of the owning body erases a contact")
    merged = db.session.scalars(select(ContactMerge.merged_id).where(
        ContactMerge.kept_id == contact.id, ContactMerge.undone_at.is_(None))).all()
    ids = [contact.id, *merged]
    people = db.session.scalars(select(Contact).where(Contact.id.in_(ids))).all()
    _suppress(actor, {(SuppressionKind.EMAIL, e.email) for c in people for e in c.emails} |
              {(SuppressionKind.PHONE, p.e164) for c in people for p in c.phones})
    db.session.execute(update(ImportRow).where(or_(
        ImportRow.contact_id.in_(ids), ImportRow.match_contact_id.in_(ids))).values(
        raw={}, values={}, before=None, evidence=[]),
        execution_options={"synchronize_session": False})
    named = select(ImportRow.batch_id).where(or_(
        ImportRow.contact_id.in_(ids), ImportRow.match_contact_id.in_(ids)))
    db.session.execute(update(ImportBatch).where(ImportBatch.id.in_(named)).values(
        source_text=None), execution_options={"synchronize_session": False})
    forget_contacts(ids)  # their event answers stay, as anonymous counts
    record(actor, "contact.erased", contact, contacts=len(ids))
    for person in people:
        db.session.delete(person)
    db.session.flush()
    return len(ids)


def _suppress(actor: User, values: set[tuple[SuppressionKind, str]]) -> None:
    known = {(kind, value) for kind, value in db.session.execute(
        select(Suppression.kind, Suppression.digest))}
    for kind, value in sorted(values):
        entry = (kind, digest(kind, value))
        if entry not in known:
            known.add(entry)
            db.session.add(Suppression(kind=kind, digest=entry[1],
                                       organisation_id=actor.organisation_id))
    db.session.flush()
