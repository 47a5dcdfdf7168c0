"""The persons' rights (RGPD art. 15 to 21): erasure on request and the suppression list
checked by every import, the objection (a global opt-out), and the log of requests.

Erasing a contact deletes it for good, with its emails, phones, beats, opt-outs, list and block
entries, the duplicates merged into it, and the copies an import kept of its rows. What remains
is a digest of each email and phone in the suppression list: an import refuses a row holding
one of them, so that the person does not come back with the next file. The digest is an HMAC
keyed with ``SUPPRESSION_KEY`` (by default a fixed key of the application): the list can say
"this address was erased", never which addresses were. The audit log keeps the event with ids
and counts only, as it does for every contact event; the events about the erased contacts are
pseudonymised (their target becomes an "erased contact" that no row answers to). The mailings
keep their deliveries to the person as anonymous rows: the counts stay, the address, name and
message id go.

Each request of a person is logged (``PrivacyRequest``) with the date it was received and the
date it was answered, for the one-month deadline (art. 12(3)).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
from collections.abc import Iterable

from sqlalchemy import Select, String, cast, literal, or_, select, update

from crm.audit.models import AuditEvent
from crm.audit.services import record
from crm.auth.models import Role, User
from crm.clock import local_today
from crm.contacts.models import Contact
from crm.contacts.services import contact_data, is_owner, update_contact
from crm.database import affected_rows
from crm.dedupe.models import ContactMerge
from crm.events.services import forget_contacts
from crm.extensions import db
from crm.imports.models import ImportBatch, ImportRow
from crm.mailings.models import Delivery, DeliveryStatus, Exclusion
from crm.privacy.models import (
    PrivacyRequest,
    RequestKind,
    RequestStatus,
    Suppression,
    SuppressionKind,
)
from crm.settings import settings

ERASED_TARGET = "erased_contact"  # the audit target of events about an erased contact
ERASED_EMAIL = "erased-recipient-"  # a delivery's address once its person is erased


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


def may_handle_requests(user: User, contact: Contact) -> bool:
    """An admin of the body that owns the contact answers the person's requests."""
    return user.has_role(Role.ADMIN) and is_owner(user, contact)


@dataclasses.dataclass(frozen=True)
class Received:
    """How a request came: by whom or by which channel, and on which day."""

    requester: str = ""
    received_on: dt.date | None = None


def log_request(actor: User, kind: RequestKind, contact: Contact | None, received: Received, *,
                answered: bool = False) -> PrivacyRequest:
    """Log a request of the person about ``contact``, answered today if ``answered``."""
    request = PrivacyRequest(
        organisation_id=actor.organisation_id, kind=kind, contact_id=contact.id if contact else None,
        requester=received.requester.strip()[:300], received_on=received.received_on or local_today(),
        created_by_id=actor.id)
    if answered:
        request.status, request.answered_on = RequestStatus.ANSWERED, local_today()
        request.answered_by_id = actor.id
    db.session.add(request)
    db.session.flush()
    action = {RequestKind.ACCESS: "privacy.access_requested",
              RequestKind.RECTIFY: "privacy.rectification_requested",
              RequestKind.ERASE: "privacy.erasure_requested",
              RequestKind.OBJECT: "privacy.objection_requested"}[kind]
    record(actor, action, request, answered=answered)
    return request


def answer_request(actor: User, request: PrivacyRequest) -> bool:
    """Mark ``request`` answered today; False when it already was (a double click)."""
    done = affected_rows(update(PrivacyRequest).where(
        PrivacyRequest.id == request.id, PrivacyRequest.status == RequestStatus.OPEN).values(
        status=RequestStatus.ANSWERED, answered_on=local_today(), answered_by_id=actor.id)
        .execution_options(synchronize_session=False))
    db.session.expire(request)
    if done:
        record(actor, "privacy.request_answered", request)
    return bool(done)


def body_requests(user: User) -> Select[PrivacyRequest]:
    """The requests of the user's body: open ones first, oldest deadline first."""
    return select(PrivacyRequest).where(
        PrivacyRequest.organisation_id == user.organisation_id).order_by(
        (PrivacyRequest.status == RequestStatus.ANSWERED), PrivacyRequest.received_on,
        PrivacyRequest.id)


def get_request_or_404(user: User, request_id: int) -> PrivacyRequest:
    return db.first_or_404(body_requests(user).where(PrivacyRequest.id == request_id))


def contact_requests(contact_id: int) -> list[PrivacyRequest]:
    return list(db.session.scalars(select(PrivacyRequest).where(
        PrivacyRequest.contact_id == contact_id).order_by(PrivacyRequest.received_on)))


def object_to_processing(actor: User, contact: Contact, received: Received) -> PrivacyRequest:
    """Restriction or objection (art. 18 and 21): a global opt-out, answered at once."""
    if not may_handle_requests(actor, contact):
        raise PermissionError("only an admin of the owning body answers the person")
    data = dataclasses.replace(contact_data(contact), is_opted_out=True)
    update_contact(actor, contact, data, expected_version=contact.version)
    return log_request(actor, RequestKind.OBJECT, contact, received, answered=True)


def erase_contact(actor: User, contact: Contact, received: Received | None = None, *,
                  on_request: bool = True) -> int:
    """Erase ``contact`` and the duplicates merged into it; return how many contacts went.

    On the person's request their emails and phones go to the suppression list and the
    request is logged, answered; an erasure at the end of the retention period does neither
    (the list serves objections only)."""
    if not may_erase(actor, contact):
        raise PermissionError("only a manager of the owning body erases a contact")
    merged = db.session.scalars(select(ContactMerge.merged_id).where(
        ContactMerge.kept_id == contact.id, ContactMerge.undone_at.is_(None))).all()
    ids = [contact.id, *merged]
    people = db.session.scalars(select(Contact).where(Contact.id.in_(ids))).all()
    if on_request:
        _suppress(actor, {(SuppressionKind.EMAIL, e.email) for c in people for e in c.emails} |
                  {(SuppressionKind.PHONE, p.e164) for c in people for p in c.phones})
        log_request(actor, RequestKind.ERASE, None, received or Received(), answered=True)
    forget_history(ids)
    forget_contacts(ids)  # their event answers stay, as anonymous counts
    pseudonymise_events(ids)
    record(actor, "contact.erased", None, contacts=len(ids), on_request=on_request)
    for person in people:
        db.session.delete(person)
    db.session.flush()
    return len(ids)


def forget_history(ids: list[int]) -> None:
    """Empty what history rows copied of these contacts: the copies imports kept of their
    rows, and their deliveries and exclusions, kept as anonymous rows for the mailings' counts."""
    db.session.execute(update(ImportRow).where(or_(
        ImportRow.contact_id.in_(ids), ImportRow.match_contact_id.in_(ids))).values(
        raw={}, values={}, before=None, evidence=[]),
        execution_options={"synchronize_session": False})
    named = select(ImportRow.batch_id).where(or_(
        ImportRow.contact_id.in_(ids), ImportRow.match_contact_id.in_(ids)))
    db.session.execute(update(ImportBatch).where(ImportBatch.id.in_(named)).values(
        source_text=None), execution_options={"synchronize_session": False})
    db.session.execute(update(Delivery).where(  # never sent to them now
        Delivery.contact_id.in_(ids), Delivery.status == DeliveryStatus.PENDING).values(
        status=DeliveryStatus.FAILED), execution_options={"synchronize_session": False})
    number = cast(Delivery.id, String)
    db.session.execute(update(Delivery).where(Delivery.contact_id.in_(ids)).values(
        contact_id=None, email=literal(ERASED_EMAIL).concat(number), name="", civility="none",
        first_name="", last_name="", outlet="", error=None, unsubscribe_hash=None,
        message_id=literal("<erased.").concat(number).concat(">")),
        execution_options={"synchronize_session": False})
    db.session.execute(update(Exclusion).where(Exclusion.contact_id.in_(ids)).values(
        contact_id=None, name=""), execution_options={"synchronize_session": False})


def pseudonymise_events(ids: list[int]) -> None:
    """The audit events about these contacts name an erased contact from now on: the id no
    longer leads to anyone, even when the database gives it to a new contact."""
    db.session.execute(update(AuditEvent).where(
        AuditEvent.target_type == "contact", AuditEvent.target_id.in_(ids)).values(
        target_type=ERASED_TARGET), execution_options={"synchronize_session": False})


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
