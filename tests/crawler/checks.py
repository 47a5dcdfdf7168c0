"""What every crawled HTML page must satisfy: it parses cleanly (html5lib), its ids are
unique, each visible field has a label, and no English text is left in a French page."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from xml.etree.ElementTree import Element

import html5lib
from babel.messages.pofile import read_po

CATALOGUE = Path(__file__).resolve().parents[2] / "crm/translations/fr/LC_MESSAGES/messages.po"
UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}
INVISIBLE = {"script", "style", "template", "noscript"}
TEXT_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")


def parse(html: str) -> tuple[Element, list[str]]:
    """The document tree and html5lib's parse errors (empty when the page is well-formed)."""
    parser = html5lib.HTMLParser(tree=html5lib.getTreeBuilder("etree"), namespaceHTMLElements=False)
    if re.match(r"\s*<!doctype", html, re.IGNORECASE):
        root = parser.parse(html)
    else:  # an htmx fragment
        root = parser.parseFragment(html)
    errors = [f"line {line}:{col} {code} {data or ''}".strip()
              for (line, col), code, data in parser.errors]
    return root, errors


def duplicate_ids(root: Element) -> list[str]:
    seen: set[str] = set()
    twice = []
    for element in root.iter():
        ident = element.get("id")
        if ident is not None:
            if ident in seen:
                twice.append(ident)
            seen.add(ident)
    return sorted(set(twice))


def unlabelled_fields(root: Element) -> list[str]:
    """Visible inputs, selects and textareas with no label, aria-label or aria-labelledby."""
    labelled_for = {label.get("for") for label in root.iter("label")}
    wrapped = {id(field) for label in root.iter("label") for field in label.iter()}
    missing = []
    for field in root.iter():
        if field.tag not in ("input", "select", "textarea"):
            continue
        if field.tag == "input" and (field.get("type") or "text").lower() in UNLABELLED_TYPES:
            continue
        if field.get("aria-label", "").strip() or field.get("aria-labelledby", "").strip():
            continue
        if (field.get("id") and field.get("id") in labelled_for) or id(field) in wrapped:
            continue
        missing.append(f"<{field.tag} name={field.get('name')!r} id={field.get('id')!r}>")
    return missing


def visible_texts(root: Element) -> list[str]:
    """Each text node and user-facing attribute value, whitespace collapsed."""
    texts: list[str] = []

    def walk(element: Element) -> None:
        if not isinstance(element.tag, str) or element.tag in INVISIBLE:
            return
        texts.append(element.text or "")
        texts.extend(element.get(name, "") for name in TEXT_ATTRIBUTES)
        if element.tag == "input" and element.get("type") in ("submit", "button"):
            texts.append(element.get("value", ""))
        for child in element:
            walk(child)
            texts.append(child.tail or "")

    walk(root)
    return [t for t in (" ".join(text.split()) for text in texts) if t]


@cache
def english_messages() -> tuple[frozenset[str], tuple[re.Pattern[str], ...]]:
    """The catalogue's msgids whose French translation differs: plain ones, and patterns for
    those with placeholders (only when some words are left besides the placeholders)."""
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle, locale="fr")
    plain, patterns = set(), []
    for message in catalogue:
        if not message.id or message.fuzzy:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not any(strings) or set(ids) & set(strings):
            continue
        for msgid in ids:
            text = " ".join(msgid.split())
            if not PLACEHOLDER.search(text):
                plain.add(text)
            elif len(re.findall(r"[A-Za-z]{3,}", PLACEHOLDER.sub("", text))) >= 2:
                pieces = PLACEHOLDER.split(text)
                literal = [re.escape(p) for p in pieces[::2]]
                patterns.append(re.compile(".+?".join(literal) + r"\Z"))
    return frozenset(plain), tuple(patterns)


def untranslated(root: Element, data: set[str]) -> list[str]:
    """English interface texts on the page; ``data`` are texts of the records shown as typed."""
    plain, patterns = english_messages()
    found = []
    for text in visible_texts(root):
        if text in data:
            continue
        if text in plain or any(p.match(text) for p in patterns):
            found.append(text)
    return sorted(set(found))
