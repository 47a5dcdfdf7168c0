"""The worker's side of a mailing: resolve the recipients once, then deliver each row at most
once over one reused SMTP connection.

Each delivery is claimed (pending → sending, with a fresh unsubscribe token whose hash only is
stored) and committed before the SMTP transaction, then settled after it: sent, bounced (5xx:
the address is marked bounced), pending again with a growing delay (4xx, until
``mailing_max_attempts``) or failed. A row still "sending" after ``mailing_stale_claim`` was
claimed by a worker that died between the SMTP answer and the commit: it becomes "uncertain"
and is never sent again automatically; a manager may re-send it explicitly.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import secrets
import smtplib
import time
from email.utils import parseaddr

from flask_babel import force_locale, gettext
from sqlalchemy import case, func, select, update

from crm.audit.services import record
from crm.auth.models import User
from crm.contacts.models import Contact
from crm.database import utcnow
from crm.extensions import db
from crm.mail.services import SmtpSettings, connect  # the transport, through its service
from crm.mailings import compose
from crm.mailings.models import (
    Delivery,
    DeliveryStatus,
    Exclusion,
    Mailing,
    MailingStatus,
)
from crm.mailings.recipients import resolve
from crm.security import external_url
from crm.settings import settings

BATCH = 200
LINK_SLOT = "link-slot"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sender_addresses(mailing: Mailing, default: str) -> tuple[str, str]:
    """The From and Reply-To of the mailing's own body (MAILING_SENDERS, else the default)."""
    return settings().mailing_senders.get(mailing.organisation.short_name, (default, ""))


def start_mailing(mailing_id: int, default_sender: str) -> bool:
    """Queued → sending, once: resolve the recipients and write the snapshot. Commits."""
    claimed = db.session.execute(
        update(Mailing).where(Mailing.id == mailing_id, Mailing.status == MailingStatus.QUEUED)
        .values(status=MailingStatus.SENDING, started_at=utcnow()),
        execution_options={"synchronize_session": False})
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        return False
    mailing = db.session.get_one(Mailing, mailing_id)
    actor = db.session.get_one(User, mailing.sent_by_id)
    resolved = resolve(actor, mailing)
    domain = parseaddr(sender_addresses(mailing, default_sender)[0])[1].rpartition("@")[2]
    for contact in resolved.recipients:
        db.session.add(Delivery(
            mailing_id=mailing.id, contact_id=contact.id, email=contact.primary_email,
            name=contact.full_name[:200], civility=contact.civility.value,
            first_name=contact.first_name, last_name=contact.last_name,
            outlet=contact.outlets[0].name[:200] if contact.outlets else "",
            with_notice=contact.information_sent_at is None,
            message_id=f"<m{mailing.id}.c{contact.id}.{secrets.token_hex(8)}@{domain or 'localhost'}>"))
    for contact_id, name, reason in resolved.excluded:
        db.session.add(Exclusion(mailing_id=mailing.id, contact_id=contact_id, name=name[:200],
                                 reason=reason))
    record(actor, "mailing.started", mailing, recipients=len(resolved.recipients),
           excluded={k.value: v for k, v in resolved.counts().items()})
    db.session.commit()
    return True


def mark_uncertain(mailing_id: int) -> int:
    """Deliveries claimed long ago and never settled become uncertain. Commits."""
    stale = utcnow() - settings().mailing_stale_claim
    result = db.session.execute(
        update(Delivery).where(Delivery.mailing_id == mailing_id,
                               Delivery.status == DeliveryStatus.SENDING,
                               Delivery.claimed_at <= stale)
        .values(status=DeliveryStatus.UNCERTAIN), execution_options={"synchronize_session": False})
    count = int(result.rowcount or 0)  # type: ignore[attr-defined]
    if count:
        record(None, "mailing.uncertain", db.session.get_one(Mailing, mailing_id), count=count)
    db.session.commit()
    return count


class Composer:
    """Renders one mailing for each recipient (its content built once)."""

    def __init__(self, mailing: Mailing, default_sender: str) -> None:
        self.mailing = mailing
        self.from_address, self.reply_to = sender_addresses(mailing, default_sender)
        self.mailto = parseaddr(self.reply_to or self.from_address)[1]
        base = external_url("mailings.unsubscribe", token=LINK_SLOT)
        self.url = base
        with force_locale("fr"):
            self.labels = {"unsubscribe": gettext("Unsubscribe from %(name)s", name="%s")}
            self.notice = gettext(
                "You receive this message as a press contact of %(senders)s, who keep your "
                "professional details to send you their press releases and invitations "
                "(legitimate interest). You may object at any time with the links below, and "
                "ask to see, correct or erase your data by replying to this message. You may "
                "also complain to the CNIL (cnil.fr).",
                senders=", ".join(o.name for o in mailing.senders))

    def message(self, delivery: Delivery, token: str):  # type: ignore[no-untyped-def]
        url = self.url.replace(LINK_SLOT, token)
        senders = [compose.Sender(o.name, f"{url}?org={o.id}") for o in self.mailing.senders]
        content = compose.Content(subject=self.mailing.subject, body=self.mailing.body,
                                  senders=senders, labels=self.labels, footer=self.mailing.footer,
                                  notice=self.notice if delivery.with_notice else "")
        recipient = compose.Recipient(delivery.email, delivery.civility, delivery.first_name,
                                      delivery.last_name, delivery.outlet)
        subject, text, html = compose.render(content, recipient)
        envelope = compose.Envelope(self.from_address, self.reply_to, delivery.message_id, url,
                                    f"mailto:{self.mailto}?subject=unsubscribe%20{token}")
        return compose.build(envelope, recipient, subject, text, html)


def _claim(tokens: dict[int, str]) -> list[int]:
    """Claim the pending deliveries among ``tokens``' keys, each with the hash of its token,
    and commit; return those this worker got (another worker may have taken some)."""
    hashes = {i: token_hash(t) for i, t in tokens.items()}
    db.session.execute(
        update(Delivery).where(Delivery.id.in_(list(hashes)),
                               Delivery.status == DeliveryStatus.PENDING)
        .values(status=DeliveryStatus.SENDING, claimed_at=utcnow(),
                attempts=Delivery.attempts + 1,
                unsubscribe_hash=case(hashes, value=Delivery.id)),
        execution_options={"synchronize_session": False})
    db.session.commit()
    return sorted(db.session.scalars(select(Delivery.id).where(
        Delivery.id.in_(list(hashes)), Delivery.status == DeliveryStatus.SENDING,
        Delivery.unsubscribe_hash.in_(list(hashes.values())))))


def settle(delivery: Delivery, code: int | None, error: str | None) -> None:
    """Record the SMTP outcome of a claimed delivery (the caller commits)."""
    contact = db.session.get(Contact, delivery.contact_id) if delivery.contact_id else None
    delivery.smtp_code, delivery.error = code, (error or None) and error[:500]
    if error is None:
        delivery.status, delivery.sent_at = DeliveryStatus.SENT, utcnow()
        if delivery.with_notice and contact is not None:
            db.session.execute(update(Contact).where(
                Contact.id == contact.id, Contact.information_sent_at.is_(None)).values(
                information_sent_at=utcnow()), execution_options={"synchronize_session": False})
    elif code is not None and code >= 500:
        delivery.status = DeliveryStatus.BOUNCED
        if contact is not None:
            db.session.execute(update(Contact).where(Contact.id == contact.id).values(
                is_email_bounced=True), execution_options={"synchronize_session": False})
    elif delivery.attempts >= settings().mailing_max_attempts:
        delivery.status = DeliveryStatus.FAILED
    else:
        delivery.status = DeliveryStatus.PENDING
        delivery.next_attempt_at = utcnow() + dt.timedelta(minutes=2 ** delivery.attempts)
    if contact is not None and delivery.status != DeliveryStatus.PENDING:
        record(None, f"mailing.{delivery.status.value}", contact,
               mailing_id=delivery.mailing_id, delivery_id=delivery.id)


def deliver(mailing_id: int, smtp: SmtpSettings) -> int:
    """Send the due pending deliveries of the mailing; return how many were attempted."""
    mailing = db.session.get_one(Mailing, mailing_id)
    composer = Composer(mailing, smtp.sender)
    rate, per_claim = settings().mailing_rate_per_minute, settings().mailing_claim_batch
    interval, attempted = (60.0 / rate if rate else 0.0), 0
    conn: smtplib.SMTP | None = None
    next_at = time.monotonic()
    try:
        while due := list(db.session.scalars(select(Delivery.id).where(
                Delivery.mailing_id == mailing_id, Delivery.status == DeliveryStatus.PENDING,
                Delivery.next_attempt_at <= utcnow()).order_by(Delivery.id).limit(BATCH))):
            for start in range(0, len(due), per_claim):
                tokens = {i: secrets.token_urlsafe(32) for i in due[start:start + per_claim]}
                for delivery_id in _claim(tokens):
                    if interval:
                        time.sleep(max(0.0, next_at - time.monotonic()))
                        next_at = time.monotonic() + interval
                    delivery = db.session.get_one(Delivery, delivery_id)
                    try:
                        message = composer.message(delivery, tokens[delivery_id])
                    except compose.MergeError as exc:  # checked when saved: nothing was sent
                        delivery.status, delivery.error = DeliveryStatus.FAILED, str(exc)[:500]
                        continue
                    conn, code, error = _send(conn, smtp, delivery.email, message)
                    attempted += 1
                    settle(delivery, code, error)
                db.session.commit()  # the outcomes of this claim
    finally:
        if conn is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                conn.quit()
    return attempted


def _send(conn, smtp: SmtpSettings, email: str, message):  # type: ignore[no-untyped-def]
    """(connection to reuse, SMTP code, error): error None when the server took it."""
    try:
        conn = conn or connect(smtp)
        conn.send_message(message, to_addrs=[email])
        return conn, 250, None
    except smtplib.SMTPRecipientsRefused as exc:
        code, answer = next(iter(exc.recipients.values()))
        return conn, code, f"{code} {answer.decode(errors='replace')}"
    except smtplib.SMTPResponseException as exc:
        _close(conn)
        return None, exc.smtp_code, f"{exc.smtp_code} {exc.smtp_error!r}"
    except (smtplib.SMTPException, OSError) as exc:
        _close(conn)
        return None, None, str(exc) or type(exc).__name__


def _close(conn: smtplib.SMTP | None) -> None:
    if conn is not None:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            conn.close()


def finish(mailing_id: int) -> bool:
    """Done when no delivery is pending or being sent. Commits."""
    mailing = db.session.get_one(Mailing, mailing_id)
    left = db.session.scalar(select(func.count()).select_from(Delivery).where(
        Delivery.mailing_id == mailing_id,
        Delivery.status.in_([DeliveryStatus.PENDING, DeliveryStatus.SENDING])))
    if left or mailing.status != MailingStatus.SENDING:
        return False
    mailing.status, mailing.finished_at = MailingStatus.DONE, utcnow()
    record(None, "mailing.finished", mailing)
    db.session.commit()
    return True


def process_mailing(mailing_id: int, smtp: SmtpSettings) -> None:
    """Everything the worker does for a mailing; safe to run again at any time."""
    start_mailing(mailing_id, smtp.sender)
    mailing = db.session.get(Mailing, mailing_id)
    if mailing is None or mailing.status != MailingStatus.SENDING:
        return
    mark_uncertain(mailing_id)
    deliver(mailing_id, smtp)
    finish(mailing_id)


def active_mailings() -> list[int]:
    return list(db.session.scalars(select(Mailing.id).where(Mailing.status.in_(
        [MailingStatus.QUEUED, MailingStatus.SENDING])).order_by(Mailing.id)))
