"""The worker's side of a mailing: resolve the recipients once, then deliver each row at most
once over one reused SMTP connection.

Deliveries are claimed ``mailing_claim_batch`` at a time (pending → sending, each with a fresh
unsubscribe token whose hash only is stored) in one UPDATE committed before their SMTP
transactions; each answer is settled in memory — sent, bounced (5xx: the address is marked
bounced), pending again with a growing delay (4xx, until ``mailing_max_attempts``) or failed —
and the batch's outcomes, contact flags and audit entries are committed together after its last
message. A row still "sending" after ``mailing_stale_claim`` belongs to a batch whose worker
died before that commit, sent or not yet tried: it becomes "uncertain" and is never sent again
automatically; a manager may re-send it explicitly. A settled row is never claimed again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import secrets
import smtplib
import time
from dataclasses import dataclass, replace
from email.utils import parseaddr
from typing import NamedTuple

from babel.lists import format_list
from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import bindparam, case, func, insert, select, update

from crm.audit.services import Entry, record, record_many
from crm.auth.models import User
from crm.contacts.models import Contact
from crm.database import UTCDateTime, affected_rows, utcnow
from crm.extensions import db
from crm.mail.services import SmtpSettings, connect  # the transport, through its service
from crm.mailings import attachments as attach
from crm.mailings import compose, mime
from crm.mailings import logos as logos_of
from crm.mailings.models import (
    Delivery,
    DeliveryStatus,
    Exclusion,
    Mailing,
    MailingStatus,
)
from crm.mailings.personalise import combined, personalisers
from crm.mailings.recipients import resolve
from crm.orgs.services import of_organisation, the_organisation
from crm.security import external_url
from crm.settings import settings


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sender_addresses(mailing: Mailing, default: str) -> tuple[str, str]:
    """The From and Reply-To of the mailing's own body (MAILING_SENDERS, else the default)."""
    return settings().mailing_senders.get(mailing.organisation.short_name, (default, ""))


def start_mailing(mailing_id: int, default_sender: str) -> bool:
    """Queued → sending, once: resolve the recipients and write the snapshot. Commits."""
    claimed = affected_rows(
        update(Mailing).where(Mailing.id == mailing_id, Mailing.status == MailingStatus.QUEUED)
        .values(status=MailingStatus.SENDING, started_at=utcnow())
        .execution_options(synchronize_session=False))
    if claimed != 1:
        db.session.rollback()
        return False
    mailing = db.session.get_one(Mailing, mailing_id)
    actor = db.session.get_one(User, mailing.sent_by_id)
    resolved = resolve(actor, mailing)
    domain = parseaddr(sender_addresses(mailing, default_sender)[0])[1].rpartition("@")[2]
    if resolved.recipients:  # one INSERT per thousand rows or so, not one per row
        db.session.execute(insert(Delivery), [{
            "mailing_id": mailing.id, "contact_id": contact.id, "email": contact.primary_email,
            "name": contact.full_name[:200], "civility": contact.civility.value,
            "first_name": contact.first_name, "last_name": contact.last_name,
            "outlet": contact.outlets[0].name[:200] if contact.outlets else "",
            "with_notice": contact.information_sent_at is None,
            "message_id": f"<m{mailing.id}.c{contact.id}.{secrets.token_hex(8)}"
                          f"@{domain or 'localhost'}>"} for contact in resolved.recipients])
    if resolved.excluded:
        db.session.execute(insert(Exclusion), [
            {"mailing_id": mailing.id, "contact_id": contact_id, "name": name[:200],
             "reason": reason} for contact_id, name, reason in resolved.excluded])
    record(actor, "mailing.started", mailing, recipients=len(resolved.recipients),
           excluded={k.value: v for k, v in resolved.counts().items()})
    db.session.commit()
    return True


def mark_uncertain(mailing_id: int) -> int:
    """Deliveries claimed long ago and never settled become uncertain. Commits."""
    stale = utcnow() - settings().mailing_stale_claim
    count = affected_rows(
        update(Delivery).where(Delivery.mailing_id == mailing_id,
                               Delivery.status == DeliveryStatus.SENDING,
                               Delivery.claimed_at <= stale)
        .values(status=DeliveryStatus.UNCERTAIN).execution_options(synchronize_session=False))
    if count:
        record(None, "mailing.uncertain", db.session.get_one(Mailing, mailing_id), count=count)
    db.session.commit()
    return count


class Composer:
    """Renders one mailing for each recipient. What every message shares is built once — the
    text and HTML around the body for recipients with and without the RGPD notice, the
    senders' logos, the attached files encoded, the constant headers — and kept as plain
    values (the commits between batches expire the mailing's ORM objects). Each message is
    then its merge fields, its unsubscribe token, its headers and what registered features
    add for that recipient (``crm.mailings.personalise``)."""

    def __init__(self, mailing: Mailing, default_sender: str) -> None:
        from_address, reply_to = sender_addresses(mailing, default_sender)
        self.mailto = parseaddr(reply_to or from_address)[1]
        self.slot = secrets.token_hex(16)  # in the links, replaced by each recipient's token
        self.url = external_url("mailings.unsubscribe", token=self.slot)
        static = current_app.static_folder or "static"
        logos = {o.id: logos_of.inline_part(static, o.short_name) for o in mailing.senders}
        senders = [compose.Sender(o.name, f"{self.url}?org={o.id}",
                                  f"cid:{logo.content_id}" if (logo := logos[o.id]) else "",
                                  external_url("privacy.notice", org_id=o.id),
                                  of_organisation(o), the_organisation(o))
                   for o in mailing.senders]
        with force_locale("fr"):
            labels = {"unsubscribe": gettext("Stop the messages %(of_name)s", of_name="%s"),
                      "notice": gettext("How %(name)s uses your data", name="%s")}
            notice = gettext(
                "You receive this message as a press contact %(of_senders)s, who keep your "
                "professional details to send you their press releases and invitations. You "
                "may object at any time with the links below, and ask to see, correct or erase "
                "your data by replying to this message. Each body's information notice, linked "
                "below, says why and how long; you may also complain to the CNIL (cnil.fr).",
                of_senders=format_list([s.of_name for s in senders], locale="fr"))
        content = compose.Content(subject=mailing.subject, body=mailing.body, senders=senders,
                                  labels=labels, footer=mailing.footer)
        self.shells = {False: compose.Shell(content, self.slot),
                       True: compose.Shell(replace(content, notice=notice), self.slot)}
        self.layout = mime.Layout(from_address, reply_to, attach.mail_parts(mailing.id),
                                  [logo for logo in logos.values() if logo is not None])
        self.personalisers = personalisers(mailing, preview=False)

    def message(self, delivery: Delivery | Claimed, token: str) -> bytes:
        extras = combined(self.personalisers, delivery.contact_id, delivery.email)
        recipient = compose.Recipient(delivery.email, delivery.civility, delivery.first_name,
                                      delivery.last_name, delivery.outlet)
        subject, text, html = self.shells[delivery.with_notice].render(recipient, extras.fields,
                                                                       token)
        url = self.url.replace(self.slot, token)
        headers = mime.Headers(
            f"{delivery.first_name} {delivery.last_name}".strip(), delivery.email, subject,
            delivery.message_id,
            f"<{url}>, <mailto:{self.mailto}?subject=unsubscribe%20{token}>")
        return self.layout.message(headers, text, html, extras.parts)


class Claimed(NamedTuple):
    """A delivery this worker claimed, with what its message needs (one row of the claim)."""

    id: int
    contact_id: int | None
    email: str
    civility: str
    first_name: str
    last_name: str
    outlet: str
    with_notice: bool
    message_id: str
    attempts: int
    mailing_id: int


_CLAIMED = [getattr(Delivery, name) for name in Claimed._fields]


@dataclass
class Outcome:
    """What the SMTP answer made of a claimed delivery, written with its batch."""

    delivery: Claimed
    status: DeliveryStatus
    code: int | None
    error: str | None
    at: dt.datetime
    next_attempt_at: dt.datetime | None = None


def _claim(mailing_id: int, limit: int) -> tuple[list[Claimed], dict[int, str]]:
    """Claim up to ``limit`` due pending deliveries of the mailing (pending → sending, each
    with the hash of a fresh unsubscribe token) in one UPDATE. Return the rows this worker got
    (another worker may have taken some of those it saw), with their tokens. The caller commits
    before sending any of them.

    RETURNING (SQLite 3.35+, PostgreSQL) reads the claimed rows in the same statement."""
    due = list(db.session.scalars(select(Delivery.id).where(
        Delivery.mailing_id == mailing_id, Delivery.status == DeliveryStatus.PENDING,
        Delivery.next_attempt_at <= utcnow()).order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(limit)))
    if not due:
        return [], {}
    tokens = {i: secrets.token_urlsafe(32) for i in due}
    rows = db.session.execute(
        update(Delivery).where(Delivery.id.in_(due), Delivery.status == DeliveryStatus.PENDING)
        .values(status=DeliveryStatus.SENDING, claimed_at=utcnow(),
                attempts=Delivery.attempts + 1,
                unsubscribe_hash=case({i: token_hash(t) for i, t in tokens.items()},
                                      value=Delivery.id))
        .returning(*_CLAIMED), execution_options={"synchronize_session": False}).all()
    return sorted((Claimed._make(row) for row in rows), key=lambda c: c.id), tokens


def settle(delivery: Claimed, code: int | None, error: str | None) -> Outcome:
    """The outcome of the SMTP answer to a claimed delivery (written by ``_write``): sent,
    bounced (5xx), failed (4xx or no answer, attempts used up) or pending again later."""
    now = utcnow()
    error = (error or None) and error[:500]
    if error is None:
        return Outcome(delivery, DeliveryStatus.SENT, code, None, now)
    if code is not None and code >= 500:
        return Outcome(delivery, DeliveryStatus.BOUNCED, code, error, now)
    if delivery.attempts >= settings().mailing_max_attempts:
        return Outcome(delivery, DeliveryStatus.FAILED, code, error, now)
    return Outcome(delivery, DeliveryStatus.PENDING, code, error, now,
                   next_attempt_at=now + dt.timedelta(minutes=2 ** delivery.attempts))


_SETTLE = (update(Delivery.__table__).where(Delivery.__table__.c.id == bindparam("b_id"))
           .values(status=bindparam("b_status"), smtp_code=bindparam("b_code"),
                   error=bindparam("b_error"),
                   sent_at=func.coalesce(bindparam("b_sent_at", type_=UTCDateTime()),
                                         Delivery.__table__.c.sent_at),
                   next_attempt_at=func.coalesce(bindparam("b_next", type_=UTCDateTime()),
                                                 Delivery.__table__.c.next_attempt_at)))


def _write(outcomes: list[Outcome]) -> None:
    """Write a batch's outcomes, their contacts' flags and audit entries (the caller commits):
    one UPDATE per row (executemany), one per contact flag, the audit events in one insert.
    A flag that changes bumps the contact's version, so that an edit begun before it is
    caught as stale instead of writing the old value back."""
    if not outcomes:
        return
    db.session.execute(_SETTLE, [
        {"b_id": o.delivery.id, "b_status": o.status, "b_code": o.code, "b_error": o.error,
         "b_sent_at": o.at if o.status == DeliveryStatus.SENT else None,
         "b_next": o.next_attempt_at} for o in outcomes])
    informed = sorted(o.delivery.contact_id for o in outcomes if o.delivery.contact_id
                      and o.status == DeliveryStatus.SENT and o.delivery.with_notice)
    bounced = sorted(o.delivery.contact_id for o in outcomes if o.delivery.contact_id
                     and o.status == DeliveryStatus.BOUNCED)
    if informed:
        db.session.execute(update(Contact).where(
            Contact.id.in_(informed), Contact.information_sent_at.is_(None)).values(
            information_sent_at=utcnow(), version=Contact.version + 1),
            execution_options={"synchronize_session": False})
    if bounced:
        db.session.execute(update(Contact).where(
            Contact.id.in_(bounced), Contact.is_email_bounced.is_(False)).values(
            is_email_bounced=True, version=Contact.version + 1),
            execution_options={"synchronize_session": False})
    settled = [(o, o.delivery.contact_id) for o in outcomes
               if o.delivery.contact_id and o.status != DeliveryStatus.PENDING]
    ids = sorted({contact_id for _o, contact_id in settled if contact_id})
    rows = db.session.execute(select(Contact.id, Contact.organisation_id).where(
        Contact.id.in_(ids))).all() if ids else []
    bodies: dict[int, int] = {row[0]: row[1] for row in rows}
    record_many([Entry(f"mailing.{o.status.value}", Contact.__tablename__, contact_id,
                       bodies[contact_id],
                       {"mailing_id": o.delivery.mailing_id, "delivery_id": o.delivery.id})
                 for o, contact_id in settled if contact_id in bodies])


def deliver(mailing_id: int, smtp: SmtpSettings) -> int:
    """Send the due pending deliveries of the mailing; return how many were attempted.

    Per batch of ``mailing_claim_batch``: the claim is committed before the first SMTP
    transaction, each SMTP answer is settled in memory, and after the batch's last message its
    outcomes, contact flags and audit events are written and committed together, in the same
    transaction as the next batch's claim. A worker killed inside a batch leaves all of that
    batch's rows "sending" (uncertain later, never re-sent automatically), those it had not
    tried yet included; the outcomes of earlier batches are committed and stay."""
    mailing = db.session.get_one(Mailing, mailing_id)
    composer = Composer(mailing, smtp.sender)
    rate, per_claim = settings().mailing_rate_per_minute, settings().mailing_claim_batch
    interval, attempted = (60.0 / rate if rate else 0.0), 0
    conn: smtplib.SMTP | None = None
    next_at = time.monotonic()
    outcomes: list[Outcome] = []
    try:
        while True:
            _write(outcomes)  # the previous batch's outcomes, and the next claim: one commit
            claimed, tokens = _claim(mailing_id, per_claim)
            db.session.commit()
            if not claimed:
                break
            outcomes = []
            for delivery in claimed:
                if interval:
                    time.sleep(max(0.0, next_at - time.monotonic()))
                    next_at = time.monotonic() + interval
                try:
                    message = composer.message(delivery, tokens[delivery.id])
                except (compose.MergeError, ValueError) as exc:  # nothing was sent
                    outcomes.append(Outcome(delivery, DeliveryStatus.FAILED, None,
                                            str(exc)[:500], utcnow()))
                    continue
                conn, code, error = _send(conn, smtp, composer.layout.sender, delivery.email,
                                          message)
                attempted += 1
                outcomes.append(settle(delivery, code, error))
    finally:
        if conn is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                conn.quit()
    return attempted


def _send(conn: smtplib.SMTP | None, smtp: SmtpSettings, sender: str, email: str,
          message: bytes) -> tuple[smtplib.SMTP | None, int | None, str | None]:
    """(connection to reuse, SMTP code, error): error None when the server took it."""
    try:
        conn = conn or connect(smtp)
        conn.sendmail(sender, [email], message)
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
