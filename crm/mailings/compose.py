"""What one recipient receives: merge fields in a sandbox, Markdown to HTML with its plain-text
twin, each sender body in the header and its own unsubscribe link in the footer, the contact
block, the RGPD notice the first time, and the RFC 8058 unsubscribe headers.

Officers and managers write the body: it is rendered by a ``SandboxedEnvironment`` (no
attribute access to Python internals) from plain values only, and the Markdown renderer has
raw HTML turned off, so nothing typed in a mailing becomes markup that was not escaped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, parseaddr
from functools import lru_cache

from jinja2 import Template, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

MERGE_FIELDS = ("civilite", "prenom", "nom", "media", "salutation")
_ENV = SandboxedEnvironment(autoescape=False)
_HTML_ENV = SandboxedEnvironment(autoescape=True)  # values typed in a contact are escaped
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
CIVILITIES = {"mr": "Monsieur", "mrs": "Madame"}


class MergeError(ValueError):
    """The text cannot be rendered: a syntax error in its merge fields."""


@dataclass(frozen=True)
class Recipient:
    email: str
    civility: str = "none"
    first_name: str = ""
    last_name: str = ""
    outlet: str = ""

    def merge_values(self) -> dict[str, str]:
        civilite = CIVILITIES.get(self.civility, "")
        return {"civilite": civilite, "prenom": self.first_name, "nom": self.last_name,
                "media": self.outlet,
                "salutation": f"{civilite}," if civilite else "Madame, Monsieur,"}


@dataclass(frozen=True)
class Sender:
    name: str
    unsubscribe_url: str


@dataclass(frozen=True)
class Envelope:
    """Headers: addresses, ids, and the unsubscribe link and mailto of RFC 2369 / 8058."""

    from_address: str
    reply_to: str
    message_id: str
    unsubscribe_url: str
    unsubscribe_mailto: str


@dataclass(frozen=True)
class Content:
    subject: str
    body: str  # Markdown with merge fields
    senders: list[Sender]
    footer: str = ""  # the contact block, plain text
    notice: str = ""  # the RGPD information notice, when it is the first message
    labels: dict[str, str] = field(default_factory=dict)


def check_template(text: str) -> None:
    """MergeError when ``text`` does not compile, or reaches for what the sandbox refuses
    (called when the mailing is saved, so that the worker never meets it)."""
    sample = Recipient("a@example.fr", "mrs", "Anne", "MARTIN", "Le Bien Public")
    merge(text, sample)
    merge_html(text, sample)


@lru_cache(maxsize=64)
def _text_template(text: str) -> Template:
    return _ENV.from_string(text)


@lru_cache(maxsize=64)
def _html_template(markdown: str) -> Template:
    """The body's HTML with its merge fields still to fill: Markdown is rendered once per
    mailing, and each recipient's values go in escaped."""
    return _HTML_ENV.from_string(_MARKDOWN.render(markdown))


def merge(text: str, recipient: Recipient) -> str:
    try:
        return str(_text_template(text).render(recipient.merge_values()))
    except TemplateError as exc:
        raise MergeError(str(exc)) from exc


def merge_html(markdown: str, recipient: Recipient) -> str:
    try:
        return str(_html_template(markdown).render(recipient.merge_values()))
    except TemplateError as exc:
        raise MergeError(str(exc)) from exc


def render(content: Content, recipient: Recipient) -> tuple[str, str, str]:
    """The subject, plain text and HTML ``recipient`` receives."""
    subject = " ".join(merge(content.subject, recipient).split())
    body = merge(content.body, recipient)
    unsubscribe = content.labels.get("unsubscribe", "Unsubscribe from %s")
    text_parts = [" · ".join(s.name for s in content.senders), "", body.strip(), ""]
    if content.footer:
        text_parts += ["--", content.footer, ""]
    if content.notice:
        text_parts += [content.notice, ""]
    text_parts += [f"{unsubscribe % s.name}: {s.unsubscribe_url}" for s in content.senders]
    html = _html(content, merge_html(content.body, recipient), unsubscribe)
    return subject, "\n".join(text_parts) + "\n", html


def _html(content: Content, body_html: str, unsubscribe: str) -> str:
    header = "".join(f"<strong>{escape(s.name)}</strong>" if i == 0 else
                     f" · <strong>{escape(s.name)}</strong>"
                     for i, s in enumerate(content.senders))
    links = "<br>".join(f'<a href="{escape(s.unsubscribe_url)}">{escape(unsubscribe % s.name)}</a>'
                        for s in content.senders)
    footer = f"<hr><p>{_lines(content.footer)}</p>" if content.footer else ""
    notice = f"<p><small>{_lines(content.notice)}</small></p>" if content.notice else ""
    return (f'<!doctype html><html lang="fr"><head><meta charset="utf-8"></head><body>'
            f"<p>{header}</p>{body_html}{footer}{notice}"
            f"<p><small>{links}</small></p></body></html>")


def _lines(text: str) -> Markup:
    return Markup("<br>").join(escape(line) for line in text.splitlines())


def build(envelope: Envelope, recipient: Recipient, subject: str, text: str,
          html: str) -> Message:
    """The message, a plain-text and an HTML part. A header holding CR or LF is refused.

    Built with the standard library's compat32 classes: the ``EmailMessage`` header registry
    parses every header it is given again, which costs more than the SMTP dialogue itself.
    """
    name = f"{recipient.first_name} {recipient.last_name}".strip()
    headers = {"From": envelope.from_address, "Reply-To": envelope.reply_to,
               "Message-ID": envelope.message_id, "Subject": subject, "To": name,
               "List-Unsubscribe": f"<{envelope.unsubscribe_url}>, <{envelope.unsubscribe_mailto}>",
               "address": recipient.email}
    for key, value in headers.items():
        if "\r" in value or "\n" in value:
            raise ValueError(f"{key}: a header cannot hold a line break")
    msg = MIMEMultipart("alternative")
    msg["From"] = _address(envelope.from_address)
    msg["To"] = formataddr((name, recipient.email), charset="utf-8")
    if envelope.reply_to:
        msg["Reply-To"] = _address(envelope.reply_to)
    msg["Subject"] = Header(subject, "utf-8").encode() if not subject.isascii() else subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = envelope.message_id
    msg["List-Unsubscribe"] = headers["List-Unsubscribe"]
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.attach(MIMEText(text, "plain", "utf-8"))
    msg.attach(MIMEText(html, "html", "utf-8"))
    return msg


def _address(value: str) -> str:
    name, address = parseaddr(value)
    return formataddr((name, address), charset="utf-8")
