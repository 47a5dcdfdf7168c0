"""Queue system e-mail in the caller's transaction; deliver it later, at most once.

``queue_email`` only adds an outbox row: nothing leaves before the transaction commits,
and a rolled-back transaction sends nothing. ``deliver_pending`` (run by the worker)
claims each row (pending → sending) and commits before talking to SMTP, then settles it.
A row left in "sending" by a crash is never re-sent automatically. ``start_devmail`` runs
the development SMTP server that keeps each message in a file (``flask devmail``, ``flask dev``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
import smtplib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from flask import render_template
from flask_babel import force_locale, gettext
from sqlalchemy import select, update

from crm.database import affected_rows, utcnow
from crm.extensions import db
from crm.mail.models import OutboxMessage, OutboxStatus
from crm.mail.smtp import SmtpSettings, build_message, connect

if TYPE_CHECKING:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import SMTP, Envelope, Session

SESSION_FLAG = "outbox_queued"


def queue_email(recipient: str, subject: str, template: str, *, locale: str = "fr",
                **context: object) -> OutboxMessage:
    """Add a message rendered from ``emails/<template>.txt`` and ``.html`` in ``locale``.

    ``subject`` is a message id translated in that locale too.
    """
    domain = recipient.rpartition("@")[2] or "localhost"
    with force_locale(locale):
        message = OutboxMessage(
            recipient=recipient,
            subject=gettext(subject),
            body_text=render_template(f"emails/{template}.txt", **context),
            body_html=render_template(f"emails/{template}.html", **context),
            message_id=f"<relais.{secrets.token_hex(12)}@{domain}>",
        )
    db.session.add(message)
    db.session.info[SESSION_FLAG] = True
    return message


def queue_rendered(recipient: str, subject: str, text: str, html: str | None) -> OutboxMessage:
    """Add a message already rendered by its feature (a mailing's test send)."""
    domain = recipient.rpartition("@")[2] or "localhost"
    message = OutboxMessage(recipient=recipient, subject=subject[:255], body_text=text,
                            body_html=html, message_id=f"<relais.{secrets.token_hex(12)}@{domain}>")
    db.session.add(message)
    db.session.info[SESSION_FLAG] = True
    return message


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def _claim(message_id: int) -> bool:
    claimed = affected_rows(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.SENDING, claimed_at=utcnow(),
                attempts=OutboxMessage.attempts + 1)
    )
    db.session.commit()
    return claimed == 1


def _settle(message: OutboxMessage, report: DeliveryReport, max_attempts: int,
            error: Exception | None) -> None:
    if error is None:
        message.status, message.sent_at, message.last_error = OutboxStatus.SENT, utcnow(), None
        report.sent.append(message.id)
    elif _is_permanent(error) or message.attempts >= max_attempts:
        message.status, message.last_error = OutboxStatus.FAILED, str(error)[:500]
        report.failed.append(message.id)
    else:
        message.status, message.last_error = OutboxStatus.PENDING, str(error)[:500]
        message.next_attempt_at = utcnow() + dt.timedelta(minutes=2 ** message.attempts)
        report.retrying.append(message.id)
    db.session.commit()


def _is_permanent(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def deliver_pending(settings: SmtpSettings, *, max_attempts: int, limit: int = 200) -> DeliveryReport:
    """Send due pending messages over one SMTP connection. Commits per message."""
    report = DeliveryReport()
    due = list(db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= utcnow())
        .order_by(OutboxMessage.id).limit(limit)
    ))
    if not due:
        return report
    conn: smtplib.SMTP | None = None
    try:
        for message_id in due:
            if not _claim(message_id):
                continue  # another worker took it
            message = db.session.get_one(OutboxMessage, message_id)
            error: Exception | None = None
            try:
                conn = conn or connect(settings)
                conn.send_message(build_message(
                    sender=settings.sender, recipient=message.recipient, subject=message.subject,
                    text=message.body_text, html=message.body_html, message_id=message.message_id))
            except (smtplib.SMTPException, OSError) as exc:
                error = exc
                if not isinstance(exc, smtplib.SMTPRecipientsRefused):
                    conn = None  # the connection may be broken: open a new one next time
            _settle(message, report, max_attempts, error)
    finally:
        if conn is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                conn.quit()
    return report


def uncertain_messages(older_than: dt.timedelta) -> list[OutboxMessage]:
    """Messages claimed but never settled: the worker died mid-send."""
    return list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.SENDING,
                                    OutboxMessage.claimed_at < utcnow() - older_than)
    ))


class MaildirHandler:
    """Stores each received message as instance/mail/<time>-<random>.eml; relays nothing."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
        path = self.folder / f"{stamp}-{secrets.token_hex(3)}.eml"
        content = envelope.original_content or envelope.content or b""
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return "250 Message accepted for delivery"


def start_devmail(folder: Path, host: str, port: int) -> Controller:
    """Start the development SMTP server (``flask devmail``, ``flask dev``) in a thread."""
    from aiosmtpd.controller import Controller  # development only: not loaded by the app

    controller = Controller(MaildirHandler(folder), hostname=host, port=port)
    controller.start()
    return controller
