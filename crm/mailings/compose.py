"""What one recipient reads: merge fields in a sandbox, Markdown to HTML with its plain-text
twin, each sender body's logo and name in the header and its own unsubscribe link in the
footer, the contact block, and the RGPD notice the first time. ``crm.mailings.mime`` puts it
into a message.

Officers and managers write the body: it is rendered by a ``SandboxedEnvironment`` (no
attribute access to Python internals) from plain values only, and the Markdown renderer has
raw HTML turned off, so nothing typed in a mailing becomes markup that was not escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
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
    logo: str = ""  # the logo's src: "cid:…" in a message, a static URL on a page
    notice_url: str = ""  # the body's public information notice (RGPD)
    of_name: str = ""  # the name after "de" in French ("de l’Agence…"); else the name
    the_name: str = ""  # the name with its article in French ("l’Agence…"); else the name


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
    return _render(_text_template, text, recipient.merge_values())


def merge_html(markdown: str, recipient: Recipient) -> str:
    return _render(_html_template, markdown, recipient.merge_values())


def render(content: Content, recipient: Recipient,
           fields: Mapping[str, str] | None = None) -> tuple[str, str, str]:
    """The subject, plain text and HTML ``recipient`` receives (``fields``: merge fields a
    feature adds for this recipient, such as an invitation's answer link)."""
    return Shell(content).render(recipient, fields)


class Shell:
    """A mailing's text and HTML around its body, built once: the senders' header and logos,
    the footer, the notice and the unsubscribe links. Each recipient's message is then the
    body's merge fields filled in, and ``slot`` (in the links) replaced by their token."""

    def __init__(self, content: Content, slot: str = "") -> None:
        self.content, self.slot = content, slot
        unsubscribe = content.labels.get("unsubscribe", "Unsubscribe from %s")
        head = [" · ".join(s.name for s in content.senders), ""]
        tail = [""]
        if content.footer:
            tail += ["--", content.footer, ""]
        if content.notice:
            tail += [content.notice, ""]
        tail += [f"{unsubscribe % (s.of_name or s.name)}: {s.unsubscribe_url}"
                 for s in content.senders]
        notice = content.labels.get("notice", "How %s uses your data")
        tail += [f"{notice % (s.the_name or s.name)}: {s.notice_url}"
                 for s in content.senders if s.notice_url]
        self.text_head = "\n".join(head) + "\n"
        self.text_tail = "\n" + "\n".join(tail) + "\n"
        self.html_head, self.html_tail = _html(content, unsubscribe)

    def render(self, recipient: Recipient, fields: Mapping[str, str] | None = None,
               token: str = "") -> tuple[str, str, str]:
        values = {**fields, **recipient.merge_values()} if fields else recipient.merge_values()
        subject = " ".join(_render(_text_template, self.content.subject, values).split())
        text = self.text_head + _render(_text_template, self.content.body, values).strip() + \
            self.text_tail
        html = self.html_head + _render(_html_template, self.content.body, values) + \
            self.html_tail
        if self.slot:
            text, html = text.replace(self.slot, token), html.replace(self.slot, token)
        return subject, text, html


def _render(compiled: Callable[[str], Template], source: str, values: dict[str, str]) -> str:
    try:
        return str(compiled(source).render(values))
    except TemplateError as exc:
        raise MergeError(str(exc)) from exc


def _html(content: Content, unsubscribe: str) -> tuple[str, str]:
    """The HTML document before and after the body: each sender body's logo and name."""
    header = " · ".join(
        (f'<img src="{escape(s.logo)}" alt="" height="48"> ' if s.logo else "")
        + f"<strong>{escape(s.name)}</strong>" for s in content.senders)
    notice_label = content.labels.get("notice", "How %s uses your data")
    links = "<br>".join(
        [f'<a href="{escape(s.unsubscribe_url)}">{escape(unsubscribe % (s.of_name or s.name))}</a>'
         for s in content.senders]
        + [f'<a href="{escape(s.notice_url)}">{escape(notice_label % (s.the_name or s.name))}</a>'
           for s in content.senders if s.notice_url])
    footer = f"<hr><p>{_lines(content.footer)}</p>" if content.footer else ""
    notice = f"<p><small>{_lines(content.notice)}</small></p>" if content.notice else ""
    return ('<!doctype html><html lang="fr"><head><meta charset="utf-8"></head><body>'
            f'<p class="mail-senders">{header}</p>',
            f"{footer}{notice}<p><small>{links}</small></p></body></html>")


def _lines(text: str) -> Markup:
    return Markup("<br>").join(escape(line) for line in text.splitlines())
