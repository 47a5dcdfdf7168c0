"""Contact verbs and the organisation scope. Verbs flush and audit; the caller commits.

Scope: shared contacts are visible to every body, private ones only to their owner
organisation; anything else is answered as if it did not exist (404).

Rights over a shared contact: any body may edit it, but its visibility stays the owner's
choice and another body can only add opt-outs (and the bounce flag), never clear them; only
the owner body sends it to the trash or restores it (``delete_contact``,
``restore_deleted_contact``; ``OwnerOnly`` otherwise).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm.exc import StaleDataError

from crm.audit.services import record
from crm.auth.models import User
from crm.contacts.core.normalise import (
    fold,
    is_web_url,
    name_key,
    normalise_email,
    parse_phone,
    phone_search_tokens,
    search_text,
    sort_key,
)

# the label of each contact field, of each outlet kind, and the label tables of the contact
# pages (with ``plain`` to pass them to a template), for the pages of other features
from crm.contacts.labels import FIELD_LABELS as FIELD_LABELS
from crm.contacts.labels import LABELS as LABELS
from crm.contacts.labels import OUTLET_KIND as OUTLET_KIND
from crm.contacts.labels import plain as plain
from crm.contacts.models import (
    Civility,
    Contact,
    ContactBeat,
    ContactEmail,
    ContactKind,
    ContactOptOut,
    ContactPhone,
    LegalBasis,
    PhoneKind,
    Visibility,
)
from crm.contacts.rights import OwnerOnly, another_body_may_write, is_owner
from crm.database import purge_trash, send_to_trash, take_out_of_trash, utcnow
from crm.errors import ConflictError
from crm.extensions import db
from crm.outlets.models import Outlet

__all__ = ["ContactData", "OwnerOnly", "create_contact", "is_owner", "update_contact"]


@dataclass
class ContactData:
    """Plain, editable values of a contact. The first email and phone are the primary ones."""

    last_name: str
    source: str
    first_name: str = ""
    civility: Civility = Civility.NONE
    kind: ContactKind = ContactKind.JOURNALIST
    job_title: str | None = None
    outlet_ids: list[int] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    beats: list[str] = field(default_factory=list)
    area: str | None = None
    social_links: list[str] = field(default_factory=list)
    notes: str | None = None
    visibility: Visibility = Visibility.SHARED
    legal_basis: LegalBasis = LegalBasis.LEGITIMATE_INTEREST
    information_sent_at: dt.datetime | None = None
    is_opted_out: bool = False
    is_email_bounced: bool = False
    opt_out_organisation_ids: list[int] = field(default_factory=list)


_ENUMS = {"civility": Civility, "kind": ContactKind, "visibility": Visibility,
          "legal_basis": LegalBasis}


def snapshot(data: ContactData) -> dict[str, Any]:
    """``data`` as JSON-ready values (enums as their value, dates in ISO 8601), kept for an
    undo (imports, merges)."""
    out = asdict(data)
    if data.information_sent_at:
        out["information_sent_at"] = data.information_sent_at.isoformat()
    return {k: (v.value if hasattr(v, "value") else v) for k, v in out.items()}


def from_snapshot(values: dict[str, Any]) -> ContactData:
    """The ``ContactData`` a ``snapshot`` was taken of."""
    out = {f.name: values[f.name] for f in fields(ContactData)}
    for name, enum_type in _ENUMS.items():
        out[name] = enum_type(out[name])
    if out.get("information_sent_at"):
        out["information_sent_at"] = dt.datetime.fromisoformat(out["information_sent_at"])
    return ContactData(**out)


def contact_data(contact: Contact) -> ContactData:
    """The current values of ``contact``, in the shape a form submits them."""
    return ContactData(
        last_name=contact.last_name, source=contact.source, first_name=contact.first_name,
        civility=contact.civility, kind=contact.kind, job_title=contact.job_title,
        outlet_ids=sorted(o.id for o in contact.outlets),
        emails=[e.email for e in contact.emails], phones=[p.e164 for p in contact.phones],
        beats=[b.name for b in contact.beats], area=contact.area,
        social_links=list(contact.social_links or []), notes=contact.notes,
        visibility=contact.visibility, legal_basis=contact.legal_basis,
        information_sent_at=contact.information_sent_at, is_opted_out=contact.is_opted_out,
        is_email_bounced=contact.is_email_bounced,
        opt_out_organisation_ids=sorted(o.organisation_id for o in contact.opt_outs),
    )


def normalised(data: ContactData) -> ContactData:
    """``data`` with emails, phones, beats and links normalised and de-duplicated.

    Raises ``ValueError`` (``InvalidEmail``, ``InvalidPhone``) on a value that cannot be kept.
    """
    links = [link.strip() for link in data.social_links if link.strip()]
    if bad := [link for link in links if not is_web_url(link)]:
        raise ValueError(f"not an http(s) address: {bad[0]}")
    beats: dict[str, str] = {}
    for beat in data.beats:
        if beat.strip() and fold(beat):
            beats.setdefault(fold(beat)[:80], beat.strip()[:80])
    return ContactData(**{
        **{f.name: getattr(data, f.name) for f in fields(ContactData)},
        "last_name": data.last_name.strip(), "first_name": data.first_name.strip(),
        "source": data.source.strip(),
        "emails": list(dict.fromkeys(normalise_email(e) for e in data.emails if e.strip())),
        "phones": list(dict.fromkeys(parse_phone(p).e164 for p in data.phones if p.strip())),
        "beats": list(beats.values()), "social_links": list(dict.fromkeys(links)),
        "outlet_ids": sorted(set(data.outlet_ids)),
        "opt_out_organisation_ids": sorted(set(data.opt_out_organisation_ids)),
    })


def _apply(contact: Contact, data: ContactData) -> list[str]:
    """Write normalised ``data`` onto ``contact``; return the names of the changed fields."""
    data = normalised(data)
    if not data.last_name or not data.source:
        raise ValueError("last name and source are required")
    before = contact_data(contact) if contact.id else None
    with db.session.no_autoflush:  # one UPDATE per save, so one version step
        _copy(contact, data)
    after = contact_data(contact)
    return [f.name for f in fields(ContactData)
            if before is None or getattr(before, f.name) != getattr(after, f.name)]


def _copy(contact: Contact, data: ContactData) -> None:
    for name in ("civility", "first_name", "last_name", "kind", "job_title", "area", "notes",
                 "visibility", "source", "legal_basis", "information_sent_at", "is_opted_out",
                 "is_email_bounced"):
        setattr(contact, name, getattr(data, name))
    contact.job_title = contact.job_title or None
    contact.notes = contact.notes or None
    contact.area = contact.area or None
    contact.social_links = data.social_links
    contact.name_key = name_key(data.first_name, data.last_name)
    contact.sort_key = sort_key(data.last_name, data.first_name)
    contact.outlets = list(db.session.scalars(
        select(Outlet).where(Outlet.id.in_(data.outlet_ids)))) if data.outlet_ids else []
    _set_children(contact, data)
    refresh_search_text(contact)
    contact.updated_at = utcnow()


def _set_children(contact: Contact, data: ContactData) -> None:
    """Replace emails, phones, beats and opt-outs, keeping the rows that did not change."""
    emails = {e.email: e for e in contact.emails}
    contact.emails = [emails.get(e) or ContactEmail(email=e) for e in data.emails]
    for i, email in enumerate(contact.emails):
        email.is_primary = i == 0
    switchboards = {o.switchboard_phone for o in contact.outlets if o.switchboard_phone}
    phones = {p.e164: p for p in contact.phones}
    contact.phones = [phones.get(p) or ContactPhone(e164=p) for p in data.phones]
    for i, phone in enumerate(contact.phones):
        phone.is_primary = i == 0
        phone.kind = (PhoneKind.SWITCHBOARD if phone.e164 in switchboards
                      else PhoneKind(parse_phone(phone.e164).kind))
    beats = {b.key: b for b in contact.beats}
    contact.beats = [beats.get(fold(b)[:80]) or ContactBeat(name=b, key=fold(b)[:80])
                     for b in data.beats]
    opt_outs = {o.organisation_id: o for o in contact.opt_outs}
    contact.opt_outs = [opt_outs.get(i) or ContactOptOut(organisation_id=i)
                        for i in data.opt_out_organisation_ids]
    # the order of a list is what tells the primary one, so keep it in the session as well
    contact.emails.sort(key=lambda e: not e.is_primary)
    contact.phones.sort(key=lambda p: not p.is_primary)


def refresh_search_text(contact: Contact) -> None:
    """Rebuild the folded text that the search index covers."""
    outlet_words = [w for o in contact.outlets if o.deleted_at is None
                    for w in (o.name, *(o.aliases or []))]
    phone_words = [t for p in contact.phones for t in phone_search_tokens(p.e164)]
    contact.search_text = search_text(
        contact.first_name, contact.last_name, *(e.email for e in contact.emails),
        *phone_words, *outlet_words, *(b.name for b in contact.beats))


def refresh_outlet_contacts(outlet: Outlet) -> None:
    """An outlet was renamed: its contacts' search text follows."""
    for contact in db.session.scalars(select(Contact).where(Contact.outlets.contains(outlet))):
        refresh_search_text(contact)
    db.session.flush()


def create_contact(actor: User | None, data: ContactData, *, organisation_id: int) -> Contact:
    """A new contact owned by ``organisation_id``. Raises ``ValueError`` on unusable values."""
    contact = Contact(organisation_id=organisation_id)
    _apply(contact, data)
    db.session.add(contact)
    db.session.flush()
    record(actor, "contact.created", contact)
    return contact


def update_contact(actor: User | None, contact: Contact, data: ContactData, *,
                   expected_version: int) -> Contact:
    """Apply ``data``, within another body's rights when ``actor`` is not of the owner body
    (see ``another_body_may_write``); raise ``ConflictError`` when ``expected_version`` is not
    the stored one."""
    if not is_owner(actor, contact):
        data = another_body_may_write(contact_data(contact), data)
    return _update(actor, contact, data, expected_version=expected_version)


def put_back_contact(actor: User | None, contact: Contact, data: ContactData, *,
                     expected_version: int) -> Contact:
    """Write back values saved before a merge, as its undo: exactly, whoever undoes it (an
    undo only reverts, so another body's limits on edits do not apply)."""
    return _update(actor, contact, data, expected_version=expected_version)


def _update(actor: User | None, contact: Contact, data: ContactData, *,
            expected_version: int) -> Contact:
    if contact.version != expected_version:
        raise ConflictError(contact)
    changed = _apply(contact, data)
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise ConflictError(contact) from exc
    if changed:
        record(actor, "contact.updated", contact, fields=changed)
    return contact


def delete_contact(actor: User | None, contact: Contact) -> None:
    """A user sends ``contact`` to the trash: the owner body only (``OwnerOnly``)."""
    if not is_owner(actor, contact):
        raise OwnerOnly("only the owner body deletes a contact")
    soft_delete_contact(actor, contact)


def restore_deleted_contact(actor: User | None, contact: Contact) -> None:
    """A user takes ``contact`` out of the trash: the owner body only (``OwnerOnly``)."""
    if not is_owner(actor, contact):
        raise OwnerOnly("only the owner body restores a contact")
    restore_contact(actor, contact)


def soft_delete_contact(actor: User | None, contact: Contact) -> None:
    """Move ``contact`` to the trash, as part of an operation with its own rights and undo
    (a merge, the undo of an import); a user's deletion is ``delete_contact``."""
    send_to_trash(contact, actor.id if actor else None)
    record(actor, "contact.deleted", contact)


def restore_contact(actor: User | None, contact: Contact) -> None:
    """Take ``contact`` out of the trash, as the undo of a merge does; a user's restoring is
    ``restore_deleted_contact``."""
    take_out_of_trash(contact)
    record(actor, "contact.restored", contact)


def purge_deleted_contacts(actor: User | None, older_than: dt.timedelta) -> int:
    """Remove for good the contacts in the trash for longer than ``older_than``."""
    count = purge_trash(Contact, older_than)
    if count:
        record(actor, "contact.purged", None, count=count)
    return count


def in_scope(user: User) -> ColumnElement[bool]:
    return or_(Contact.visibility == Visibility.SHARED,
               Contact.organisation_id == user.organisation_id)


def visible_contacts(user: User, *, deleted: bool = False) -> Select[Contact]:
    """Contacts ``user`` may see: alive ones, or those in the trash when ``deleted``."""
    alive = Contact.deleted_at.is_not(None) if deleted else Contact.deleted_at.is_(None)
    return select(Contact).where(and_(alive, in_scope(user)))


def get_contact_or_404(user: User, contact_id: int, *, deleted: bool = False) -> Contact:
    return db.first_or_404(visible_contacts(user, deleted=deleted).where(Contact.id == contact_id))


def tag_contacts(actor: User | None, contacts: list[Contact], beat: str) -> int:
    """Add the beat ``beat`` to each of ``contacts`` that lacks it; return how many changed."""
    key, changed = fold(beat)[:80], 0
    if not key:
        raise ValueError("empty beat")
    for contact in contacts:
        if key not in {b.key for b in contact.beats}:
            contact.beats.append(ContactBeat(name=beat.strip()[:80], key=key))
            refresh_search_text(contact)
            contact.updated_at = utcnow()
            changed += 1
    db.session.flush()
    for contact in contacts:
        record(actor, "contact.tagged", contact, beat=beat.strip()[:80])
    return changed


def outlet_contacts(user: User, outlet_id: int, page: int = 1) -> Pagination:
    """One page of the contacts ``user`` may see who work at the outlet, as the contact list
    shows them (the outlet's page)."""
    from crm.contacts.listing import search_contacts  # the list's query builds on this module
    from crm.contacts.search import ContactFilters

    return search_contacts(user, "", ContactFilters(outlet_id=outlet_id), page=page)


def find_duplicate_contacts(user: User, data: ContactData) -> list[Contact]:
    """The contacts ``user`` sees that ``data`` may describe: the contact form's duplicate
    lookup, for other features that create contacts (a walk-in at an event's door)."""
    from crm.contacts.duplicates import find_duplicates  # it builds on these services

    return find_duplicates(user, data)
