"""The retention review: the contacts of a body whose last meaningful exchange (an interaction
logged by an officer — a call, an interview, a reply, an RSVP —, never a mailing received) is
older than the retention period, and what an admin decides for each: keep it (with a reason,
until the next period), erase it, or anonymise it (the record stays for the counts, with
nothing left that names the person)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum

from sqlalchemy import Select, exists, func, or_, select

from crm.audit.services import record
from crm.auth.models import User
from crm.clock import day_start, local_today
from crm.contacts.models import Civility, Contact
from crm.contacts.services import contact_data, update_contact
from crm.events.services import forget_contacts
from crm.extensions import db
from crm.orgs.models import Organisation
from crm.privacy.models import RetentionKeep, add_months
from crm.privacy.services import erase_contact, forget_history
from crm.settings import settings

ANONYMOUS = "ANONYME"  # the last name left on an anonymised contact
ANONYMISED_SOURCE = "Anonymisé (durée de conservation)"


class Decision(enum.StrEnum):
    KEEP = "keep"
    ERASE = "erase"
    ANONYMISE = "anonymise"


def cutoff(today: dt.date | None = None) -> dt.datetime:
    """Exchanges before this instant are past the retention period."""
    return day_start(add_months(today or local_today(), -settings().privacy.retention_months))


def candidates(organisation_id: int, today: dt.date | None = None) -> Select[Contact]:
    """The body's contacts past the period, not kept for now, not anonymised, oldest first."""
    today = today or local_today()
    kept = exists().where(RetentionKeep.contact_id == Contact.id, RetentionKeep.until >= today)
    # the last meaningful exchange, or the creation of a contact that never had one
    last = func.coalesce(Contact.last_interaction_at, Contact.created_at)
    return select(Contact).where(
        Contact.organisation_id == organisation_id, Contact.deleted_at.is_(None),
        last < cutoff(today), ~kept,
        or_(Contact.last_name != ANONYMOUS, Contact.emails.any(), Contact.phones.any()),
    ).order_by(last, Contact.id)


def count_candidates(organisation_id: int) -> int:
    stmt = candidates(organisation_id).with_only_columns(Contact.id).order_by(None)
    return db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def chosen(actor: User, ids: list[int]) -> list[Contact]:
    """The candidates of the actor's body among ``ids`` (anything else is left alone)."""
    return list(db.session.scalars(candidates(actor.organisation_id).where(Contact.id.in_(ids))))


def keep_contacts(actor: User, contacts: list[Contact], reason: str) -> int:
    until = add_months(local_today(), settings().privacy.retention_months)
    for contact in contacts:
        db.session.add(RetentionKeep(contact_id=contact.id, organisation_id=actor.organisation_id,
                                     reason=reason.strip()[:500], until=until,
                                     kept_by_id=actor.id))
        record(actor, "contact.kept", contact, until=until.isoformat())
    db.session.flush()
    return len(contacts)


def anonymise_contact(actor: User, contact: Contact) -> None:
    """Leave nothing that names the person: names, addresses, numbers, links, notes and
    beats go, with what history rows copied of them; outlets, kind, area and the links to
    interactions stay for the counts."""
    data = dataclasses.replace(
        contact_data(contact), last_name=ANONYMOUS, first_name="", civility=Civility.NONE,
        job_title=None, emails=[], phones=[], beats=[], social_links=[], notes=None,
        source=ANONYMISED_SOURCE)
    update_contact(actor, contact, data, expected_version=contact.version)
    forget_history([contact.id])
    forget_contacts([contact.id])
    record(actor, "contact.anonymised", contact)


def decide(actor: User, decision: Decision, ids: list[int], reason: str = "") -> int:
    """Apply ``decision`` to the chosen candidates; return how many were concerned."""
    contacts = chosen(actor, ids)
    if decision == Decision.KEEP:
        return keep_contacts(actor, contacts, reason)
    for contact in contacts:
        if decision == Decision.ERASE:
            erase_contact(actor, contact, on_request=False)
        else:
            anonymise_contact(actor, contact)
    db.session.flush()
    return len(contacts)


def review_all() -> dict[str, int]:
    """How many contacts each body has to review (the periodic job logs it)."""
    found = {}
    for organisation in db.session.scalars(select(Organisation).order_by(Organisation.name)):
        count = count_candidates(organisation.id)
        found[organisation.short_name] = count
        if count:
            record(None, "retention.review_due", organisation, count=count)
    return found
