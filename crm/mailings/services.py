"""Mailing verbs and scope. Verbs flush and audit; the caller commits.

Scope: a mailing is seen by the managers of its body and of the bodies that co-sign it;
only its own body's managers edit or send it. "Send" is a conditional transition
(draft → queued): a double click or a second manager finds it queued and sends nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Select, delete, func, insert, or_, select, update

from crm.audit.services import record
from crm.auth.models import Role, User
from crm.contacts.models import Contact
from crm.contacts.services import visible_contacts
from crm.database import affected_rows, utcnow
from crm.extensions import db
from crm.imports.services import block_text
from crm.lists.services import get_visible_list
from crm.mail.services import queue_rendered
from crm.mailings.compose import check_template
from crm.mailings.mime import Part as Part  # re-exported: see the extension point below
from crm.mailings.models import (
    Delivery,
    DeliveryStatus,
    Exclusion,
    Mailing,
    MailingStatus,
    mailing_contact,
    mailing_sender,
)
from crm.mailings.personalise import Extras as Extras  # the extension point (personalise)
from crm.mailings.personalise import Personaliser as Personaliser
from crm.mailings.personalise import PersonaliserFactory as PersonaliserFactory
from crm.mailings.personalise import register_personaliser as register_personaliser
from crm.mailings.preview import Rendered
from crm.orgs.models import Organisation


class AlreadySent(RuntimeError):
    """The mailing left the draft state (sent, or being sent) before this request."""


@dataclass
class MailingData:
    subject: str
    body: str
    sender_ids: list[int] = field(default_factory=list)
    list_ids: list[int] = field(default_factory=list)
    contact_block_id: int | None = None  # the footer, or none
    contact_ids: list[int] | None = None  # contacts chosen one by one; None: unchanged


def in_scope(user: User) -> ColumnElement[bool]:
    cosigned = select(mailing_sender.c.mailing_id).where(
        mailing_sender.c.organisation_id == user.organisation_id)
    return or_(Mailing.organisation_id == user.organisation_id, Mailing.id.in_(cosigned))


def visible_mailings(user: User) -> Select[Mailing]:
    return select(Mailing).where(in_scope(user)).order_by(Mailing.created_at.desc(),
                                                          Mailing.id.desc())


def get_mailing_or_404(user: User, mailing_id: int) -> Mailing:
    return db.first_or_404(select(Mailing).where(in_scope(user), Mailing.id == mailing_id))


def may_send(user: User, mailing: Mailing) -> bool:
    return user.has_role(Role.MANAGER) and user.organisation_id == mailing.organisation_id


def _apply(actor: User, mailing: Mailing, data: MailingData) -> None:
    if not data.subject.strip() or not data.body.strip():
        raise ValueError("a subject and a body are required")
    check_template(data.subject)
    check_template(data.body)
    senders = set(data.sender_ids) | {actor.organisation_id}
    mailing.senders = list(db.session.scalars(select(Organisation).where(
        Organisation.id.in_(senders))))
    mailing.lists = [get_visible_list(actor, i) for i in sorted(set(data.list_ids))]
    mailing.subject, mailing.body = " ".join(data.subject.split())[:255], data.body
    footer = block_text(actor, data.contact_block_id) if data.contact_block_id else ""
    if footer is None:
        raise ValueError("this contact block is not visible")
    mailing.contact_block_id, mailing.footer = data.contact_block_id, footer
    mailing.updated_at = utcnow()


def create_mailing(actor: User, data: MailingData) -> Mailing:
    mailing = Mailing(organisation_id=actor.organisation_id, created_by_id=actor.id,
                      subject="", body="")
    _apply(actor, mailing, data)
    db.session.add(mailing)
    db.session.flush()
    _select(actor, mailing, data.contact_ids)
    record(actor, "mailing.created", mailing, selected=len(data.contact_ids or []))
    return mailing


def update_mailing(actor: User, mailing: Mailing, data: MailingData) -> None:
    if not mailing.is_draft:
        raise AlreadySent("only a draft can be changed")
    _apply(actor, mailing, data)
    _select(actor, mailing, data.contact_ids)
    record(actor, "mailing.updated", mailing)


def _select(actor: User, mailing: Mailing, contact_ids: list[int] | None) -> None:
    """The draft's selection becomes the contacts of ``contact_ids`` that ``actor`` sees."""
    if contact_ids is None:
        return
    db.session.execute(delete(mailing_contact).where(mailing_contact.c.mailing_id == mailing.id))
    visible = sorted(set(db.session.scalars(visible_contacts(actor).with_only_columns(
        Contact.id).where(Contact.id.in_(sorted(set(contact_ids)))))))
    if visible:
        db.session.execute(insert(mailing_contact), [
            {"mailing_id": mailing.id, "contact_id": i} for i in visible])


def selected_ids(mailing: Mailing) -> list[int]:
    """The contacts chosen one by one for ``mailing`` (whoever sees them)."""
    return list(db.session.scalars(select(mailing_contact.c.contact_id).where(
        mailing_contact.c.mailing_id == mailing.id).order_by(mailing_contact.c.contact_id)))


def selectable(actor: User, contact_ids: list[int]) -> list[Contact]:
    """The contacts of ``contact_ids`` that ``actor`` sees, by name (a selection's choices)."""
    if not contact_ids:
        return []
    return list(db.session.scalars(visible_contacts(actor).where(
        Contact.id.in_(sorted(set(contact_ids)))).order_by(Contact.last_name, Contact.first_name,
                                                            Contact.id)))


def send_mailing(actor: User, mailing: Mailing) -> None:
    """Queue ``mailing`` for the worker, once: AlreadySent if it is no longer a draft."""
    if not may_send(actor, mailing):
        raise PermissionError("only a manager of the sending body sends a mailing")
    queued = affected_rows(
        update(Mailing).where(Mailing.id == mailing.id, Mailing.status == MailingStatus.DRAFT)
        .values(status=MailingStatus.QUEUED, queued_at=utcnow(), sent_by_id=actor.id)
        .execution_options(synchronize_session=False))
    if queued != 1:
        raise AlreadySent("the mailing was already sent")
    db.session.refresh(mailing)
    record(actor, "mailing.queued", mailing, lists=len(mailing.lists),
           senders=[o.short_name for o in mailing.senders])


TEST_PREFIX = "[TEST] "


def send_test(actor: User, mailing: Mailing, message: Rendered) -> str:
    """Queue ``message`` (the draft as one recipient reads it) to ``actor``'s own address in
    the system outbox, its subject prefixed "[TEST]"; no delivery is counted. Returns the
    address it goes to."""
    if not may_send(actor, mailing):
        raise PermissionError("only a manager of the sending body tests a mailing")
    if not mailing.is_draft:
        raise AlreadySent("only a draft is tested")
    queue_rendered(actor.email, TEST_PREFIX + message.subject, message.text, message.html)
    record(actor, "mailing.test_sent", mailing, to=actor.email, contact_id=message.contact_id)
    return actor.email


def schedule_mailing(actor: User, mailing: Mailing, send_at: dt.datetime) -> None:
    """Have the worker queue ``mailing`` at ``send_at`` (aware, in the future), as if
    ``actor`` pressed "Send" then; it stays a draft until that time."""
    if not may_send(actor, mailing):
        raise PermissionError("only a manager of the sending body sends a mailing")
    if not mailing.is_draft:
        raise AlreadySent("only a draft is scheduled")
    if send_at <= utcnow():
        raise ValueError("the time to send is past")
    mailing.send_at, mailing.sent_by_id = send_at, actor.id
    record(actor, "mailing.scheduled", mailing, send_at=send_at.isoformat())


def unschedule_mailing(actor: User, mailing: Mailing) -> None:
    """Back to a plain draft, unless the worker queued it in the meantime."""
    if not may_send(actor, mailing):
        raise PermissionError("only a manager of the sending body sends a mailing")
    if not mailing.is_draft:
        raise AlreadySent("the mailing was already queued")
    mailing.send_at, mailing.sent_by_id = None, None
    record(actor, "mailing.unscheduled", mailing)


def queue_due_mailings() -> list[int]:
    """Scheduled drafts whose time has come become queued, each once (draft → queued is a
    conditional update: a draft cancelled or queued meanwhile is left alone). Commits."""
    now, queued = utcnow(), []
    for mailing_id in db.session.scalars(select(Mailing.id).where(
            Mailing.status == MailingStatus.DRAFT, Mailing.send_at <= now).order_by(Mailing.id)):
        if affected_rows(
                update(Mailing).where(Mailing.id == mailing_id,
                                      Mailing.status == MailingStatus.DRAFT, Mailing.send_at <= now)
                .values(status=MailingStatus.QUEUED, queued_at=now)
                .execution_options(synchronize_session=False)) == 1:
            queued.append(mailing_id)
    for mailing_id in queued:
        mailing = db.session.get_one(Mailing, mailing_id)
        db.session.refresh(mailing)
        record(None, "mailing.queued", mailing, scheduled=True, lists=len(mailing.lists))
    db.session.commit()
    return queued


def resend_delivery(actor: User, delivery: Delivery) -> None:
    """A manager's explicit decision to send an uncertain or failed delivery again."""
    if not may_send(actor, delivery.mailing):
        raise PermissionError("only a manager of the sending body re-sends")
    if delivery.status not in (DeliveryStatus.UNCERTAIN, DeliveryStatus.FAILED):
        raise AlreadySent("only an uncertain or failed delivery is sent again")
    delivery.status, delivery.next_attempt_at, delivery.error = (
        DeliveryStatus.PENDING, utcnow(), None)
    mailing = delivery.mailing
    if mailing.status == MailingStatus.DONE:
        mailing.status, mailing.finished_at = MailingStatus.SENDING, None
    record(actor, "mailing.resent", mailing, delivery_id=delivery.id,
           contact_id=delivery.contact_id)


def status_counts(mailing: Mailing) -> dict[DeliveryStatus, int]:
    rows = db.session.execute(select(Delivery.status, func.count()).where(
        Delivery.mailing_id == mailing.id).group_by(Delivery.status))
    return {DeliveryStatus(status): int(n) for status, n in rows}


def deliveries(mailing: Mailing, status: DeliveryStatus | None = None) -> Select[Delivery]:
    stmt = select(Delivery).where(Delivery.mailing_id == mailing.id)
    if status is not None:
        stmt = stmt.where(Delivery.status == status)
    return stmt.order_by(Delivery.last_name, Delivery.first_name, Delivery.id)


def exclusions(mailing: Mailing) -> list[Exclusion]:
    return list(db.session.scalars(select(Exclusion).where(
        Exclusion.mailing_id == mailing.id).order_by(Exclusion.reason, Exclusion.name)))


def get_delivery_or_404(mailing: Mailing, delivery_id: int) -> Delivery:
    return db.first_or_404(select(Delivery).where(Delivery.mailing_id == mailing.id,
                                                  Delivery.id == delivery_id))


def sender_choices() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))


def contact_deliveries(contact_id: int) -> list[Delivery]:
    """The messages a contact was sent (their mailings are named on the contact's page)."""
    return list(db.session.scalars(select(Delivery).where(
        Delivery.contact_id == contact_id).order_by(Delivery.id.desc()).limit(50)))
