"""The lines of a press release as the contact-block reader sees them. Pure: no Flask, no
database.

``classify(text)`` splits the text into lines (spaces collapsed, tabs read as separators, a
line ending with a dash or a comma joined to the next), and gives each its kind: a block
heading ("CONTACTS PRESSE", "Relations presse", "Service de presse du Jura", "Press contacts",
"Media contact", "Press office"…, whose remaining text becomes a line of its own), a blank, a
person (a name with a phone or an address), a contact line (phones, addresses or a fax, no
name), a short or a long line of text, or the end of a block ("À propos de…", "About…",
"Notes to editors", a link). Each line keeps what ``read_line`` found in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from crm.imports.parsing.people import LineFacts, read_line

# Bounded, possessive runs: the heading test is repeated on every line, so each test stays short.
_PRESS = r"(?:presse|press|m[ée]dias?|media)s?"
_BLOCK_HEADING = re.compile(
    r"^\W{0,40}+(?:(?:vos|votre|nos|notre|your|our) )?"
    r"(?:(?:contacts?|relations?|service|bureau|p[ôo]le|cellule)(?:\(s\))?"
    r"(?: (?:de la|de|du|des))?[\s-]{1,10}+" + _PRESS +
    r"|(?:press|media|m[ée]dias?)[\s-]{1,10}+"
    r"(?:contacts?|office|relations|enquiries|inquiries)(?:\(s\))?)\b"
    r"(?: {1,3}(?:et|and|&) {1,3}" + _PRESS + r"\b)?"
    r"[\s:.\-–—|/]*+(.*)$", re.IGNORECASE)
# What a heading's text goes on with when it names the body: "Service de presse du Jura".
_HEADING_LINK = re.compile(
    r"^(?:(?:pour|for|of|at|chez) (?:la |le |les |l['’]|the )?|de la |de l['’]|du |des |de |"
    r"d['’])", re.IGNORECASE)
# The boilerplate after a block, or a link: the block ends there.
_BLOCK_END = re.compile(
    r"^\W{0,10}+(?:[àa] propos\b|about\b|notes? (?:to|for) editors|notes? aux r[ée]dactions|"
    r"fin du communiqu|suivez[- ]nous|follow us|retrouvez[- ]nous|pour en savoir plus|"
    r"en savoir plus|plus d['’]informations?|for more information|more information|"
    r"https?://|www\.|#{3})", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\u00a0\u202f\u2007]+")
_TABS = re.compile(r"\t+")
_CONTINUES = ("–", "—", "-", "|", ";", ",")
NOTHING = LineFacts(None, (), (), "")
_SHORT_WORDS, _SHORT_CHARS = 12, 100
_HEADING_CHARS = 160  # the most _BLOCK_HEADING reads before its final (.*)


class Kind(Enum):
    BLANK = "blank"
    HEADING = "heading"
    PERSON = "person"
    CONTACT = "contact"
    SHORT = "short"
    LONG = "long"
    END = "end"


@dataclass
class Line:
    kind: Kind
    text: str
    facts: LineFacts = NOTHING


def classify(text: str) -> list[Line]:
    """The text's lines, wrapped person lines re-joined, each with its kind."""
    lines: list[Line] = []
    for raw in _joined_lines(text):
        heading = _BLOCK_HEADING.match(raw)
        if heading:
            lines.append(Line(Kind.HEADING, raw))
            raw = heading.group(1)
            again = _BLOCK_HEADING.match(raw)  # "Contact presse / Press contact"
            raw = _HEADING_LINK.sub("", (again.group(1) if again else raw).strip(" |"), count=1)
            if not raw:
                continue
        lines.append(_classify_line(raw))
    return lines


def _joined_lines(text: str) -> list[str]:
    """Lines with spaces collapsed; a line ending with a separator continues on the next.

    A joined line is kept as its parts, and its start for the heading test, until it ends:
    each line is copied once however many lines it joins.
    """
    out: list[str] = []
    parts: list[str] = []
    head, heading = "", False
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = _SPACES.sub(" ", _TABS.sub(" | ", line.strip())).strip()
        if parts and parts[-1].endswith(_CONTINUES) and line and not heading:
            parts.append(line)
            if len(head) <= _HEADING_CHARS:  # the bounded heading test reads no further
                head = f"{head} {line}"[:_HEADING_CHARS + 1]
                heading = bool(_BLOCK_HEADING.match(head))
            continue
        if parts:
            out.append(" ".join(parts))
        parts, head = [line], line[:_HEADING_CHARS + 1]
        heading = bool(_BLOCK_HEADING.match(head))
    if parts:
        out.append(" ".join(parts))
    return out


def _classify_line(text: str) -> Line:
    if not text:
        return Line(Kind.BLANK, text)
    if _BLOCK_END.match(text):
        return Line(Kind.END, text)
    facts = read_line(text)
    if facts.has_contact:
        return Line(Kind.PERSON if facts.name else Kind.CONTACT, text, facts)
    if len(text.split()) <= _SHORT_WORDS and len(text) <= _SHORT_CHARS:
        return Line(Kind.SHORT, text, facts)
    return Line(Kind.LONG, text, facts)
