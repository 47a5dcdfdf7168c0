"""Who a mailing goes to, resolved when it is sent: the contacts of its lists and segments and
those chosen one by one (the selection), as the sending manager sees them, de-duplicated by
address, and those left out with the reason.

A co-signed mailing comes from each of its bodies: a contact who opted out of any of them is
left out. The suppression list (people erased on request) is checked here again, as at import.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.auth.models import User
from crm.contacts.models import Contact
from crm.contacts.services import visible_contacts
from crm.extensions import db
from crm.lists.services import deleted_member_ids, member_ids
from crm.mailings.models import ExclusionReason, Mailing, mailing_contact
from crm.privacy.models import Suppression, SuppressionKind
from crm.privacy.services import digest

CHUNK = 500


@dataclass
class Resolved:
    recipients: list[Contact] = field(default_factory=list)
    excluded: list[tuple[int, str, ExclusionReason]] = field(default_factory=list)

    def counts(self) -> dict[ExclusionReason, int]:
        found: dict[ExclusionReason, int] = {}
        for _id, _name, reason in self.excluded:
            found[reason] = found.get(reason, 0) + 1
        return found


def resolve(actor: User, mailing: Mailing) -> Resolved:
    """The recipients of ``mailing`` now, in contact order, and the contacts left out."""
    ids: set[int] = set()
    deleted: set[int] = set()
    for source in mailing.lists:
        ids.update(member_ids(actor, source))
        deleted.update(deleted_member_ids(actor, source))
    chosen = selected(actor, mailing)
    ids.update(chosen[False])
    deleted.update(chosen[True])
    result = Resolved()
    senders = {o.id for o in mailing.senders}
    seen: set[str] = set()
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        contacts = list(db.session.scalars(select(Contact).where(
            Contact.id.in_(ordered[start:start + CHUNK])).order_by(Contact.id).options(
            selectinload(Contact.emails), selectinload(Contact.opt_outs),
            selectinload(Contact.outlets))))
        suppressed = _suppressed({c.primary_email for c in contacts if c.primary_email})
        for contact in contacts:
            reason = _reason(contact, senders, suppressed, seen)
            if reason is None:
                seen.add((contact.primary_email or "").lower())
                result.recipients.append(contact)
            else:
                result.excluded.append((contact.id, contact.full_name, reason))
    for contact_id, name in db.session.execute(select(Contact.id, Contact.first_name + " " +
                                                      Contact.last_name).where(
            Contact.id.in_(sorted(deleted - ids)))):
        result.excluded.append((contact_id, name.strip(), ExclusionReason.DELETED))
    return result


def selected(actor: User, mailing: Mailing) -> dict[bool, set[int]]:
    """The contacts chosen one by one that ``actor`` sees: alive (False) and in the trash
    (True)."""
    chosen = select(mailing_contact.c.contact_id).where(mailing_contact.c.mailing_id == mailing.id)
    return {deleted: set(db.session.scalars(visible_contacts(actor, deleted=deleted)
                                            .with_only_columns(Contact.id)
                                            .where(Contact.id.in_(chosen))))
            for deleted in (False, True)}


def _reason(contact: Contact, senders: set[int], suppressed: set[str],
            seen: set[str]) -> ExclusionReason | None:
    email = (contact.primary_email or "").lower()
    if email and email in suppressed:
        return ExclusionReason.SUPPRESSED
    if contact.is_opted_out:
        return ExclusionReason.OPTED_OUT
    if senders & {o.organisation_id for o in contact.opt_outs}:
        return ExclusionReason.SENDER_OPT_OUT
    if contact.is_email_bounced:
        return ExclusionReason.BOUNCED
    if not email:
        return ExclusionReason.NO_EMAIL
    if email in seen:
        return ExclusionReason.DUPLICATE
    return None


def _suppressed(emails: set[str]) -> set[str]:
    """The addresses among ``emails`` whose digest is in the suppression list."""
    by_digest = {digest(SuppressionKind.EMAIL, e): e.lower() for e in emails}
    if not by_digest:
        return set()
    found = db.session.scalars(select(Suppression.digest).where(
        Suppression.kind == SuppressionKind.EMAIL, Suppression.digest.in_(list(by_digest))))
    return {by_digest[d] for d in found}
