"""SMTP transport on the standard library: settings, message building, one connection."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    timeout: float = 15
    starttls: bool = False
    ssl: bool = False
    username: str = ""
    password: str = ""

    @classmethod
    def from_config(cls, cfg: Mapping[str, Any]) -> SmtpSettings:
        return cls(host=cfg["MAIL_SERVER"], port=int(cfg["MAIL_PORT"]),
                   sender=cfg["MAIL_DEFAULT_SENDER"], timeout=float(cfg["MAIL_TIMEOUT"]),
                   starttls=bool(cfg["MAIL_USE_STARTTLS"]), ssl=bool(cfg["MAIL_USE_SSL"]),
                   username=cfg["MAIL_USERNAME"], password=cfg["MAIL_PASSWORD"])


def build_message(*, sender: str, recipient: str, subject: str, text: str, html: str | None,
                  message_id: str) -> EmailMessage:
    """A text/plain message with an optional HTML alternative; CR/LF in headers is refused."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = recipient
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = message_id
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    return msg


def connect(settings: SmtpSettings) -> smtplib.SMTP:
    context = ssl.create_default_context()
    conn: smtplib.SMTP
    if settings.ssl:
        conn = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                context=context)
    else:
        conn = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        if settings.starttls:
            conn.starttls(context=context)
    if settings.username:
        conn.login(settings.username, settings.password)
    return conn
