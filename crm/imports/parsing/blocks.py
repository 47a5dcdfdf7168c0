"""Contact blocks in press releases ("CONTACTS PRESSE"). Pure functions: no Flask, no database.

``extract_blocks(text)`` finds every block headed like "CONTACTS PRESSE", "Contact presse :"
or "Contacts médias", reads its organisation sub-headings and its people (one line per person,
or a name line followed by its contact lines; a role on the line after a person), and returns
the distinct blocks in order of first appearance with how many times each was found.

Two blocks are the same when their *content* is the same: the fingerprint is a hash of the
folded headings, names and roles, the emails and the E.164 phones, so spacing, dashes, case
and line breaks do not change it. Never raises on arbitrary text: what it cannot read it skips.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from enum import Enum

from crm.contacts.core.normalise import fold
from crm.imports.parsing.people import LineFacts, Person, add_contact, parse_name, person_from, read_line

# Bounded, possessive runs: the heading test is repeated on every line, so each test stays short.
_BLOCK_HEADING = re.compile(
    r"^\W{0,40}+(?:contacts?|relations?)[\s-]{1,10}+(?:presse|press|m[ée]dias?|media)s?\b"
    r"[\s:.\-–—]*+(.*)$", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\u00a0\u202f\u2007]+")
_CONTINUES = ("–", "—", "-", "|", ";", ",")
_NOTHING = LineFacts(None, (), (), "")
_SHORT_WORDS, _SHORT_CHARS = 8, 80
_HEADING_CHARS = 80  # the most _BLOCK_HEADING reads before its final (.*)
_ROLE_WORDS = ("charge", "attache", "responsable", "direct", "conseill", "chef", "presse",
               "communication", "relations", "porte-parole", "porte parole", "assistant",
               "journaliste", "redact", "delegue", "manager", "secretaire", "cabinet")


class Kind(Enum):
    BLANK = "blank"
    HEADING = "heading"
    PERSON = "person"
    CONTACT = "contact"
    SHORT = "short"
    LONG = "long"


@dataclass
class Line:
    kind: Kind
    text: str
    facts: LineFacts = _NOTHING


@dataclass
class Section:
    """An organisation sub-heading (None when people come straight after the block heading)."""

    heading: str | None
    people: list[Person] = field(default_factory=list)


@dataclass
class Block:
    sections: list[Section]
    fingerprint: str


@dataclass
class FoundBlock:
    block: Block
    count: int


def extract_blocks(text: str) -> list[FoundBlock]:
    """Distinct contact blocks of a text, in order of first appearance, with their counts."""
    lines = classify(text)
    found: dict[str, FoundBlock] = {}
    index = 0
    while index < len(lines):
        if lines[index].kind is not Kind.HEADING:
            index += 1
            continue
        block, index = _read_block(lines, index + 1)
        if block is None:
            continue
        if block.fingerprint in found:
            found[block.fingerprint].count += 1
        else:
            found[block.fingerprint] = FoundBlock(block, 1)
    return list(found.values())


def classify(text: str) -> list[Line]:
    """The text's lines, wrapped person lines re-joined, each with its kind."""
    lines: list[Line] = []
    for raw in _joined_lines(text):
        heading = _BLOCK_HEADING.match(raw)
        if heading:
            lines.append(Line(Kind.HEADING, raw))
            raw = heading.group(1).strip()
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
        line = _SPACES.sub(" ", line).strip()
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
    facts = read_line(text)
    if facts.has_contact:
        return Line(Kind.PERSON if facts.name else Kind.CONTACT, text, facts)
    if len(text.split()) <= _SHORT_WORDS and len(text) <= _SHORT_CHARS:
        return Line(Kind.SHORT, text, facts)
    return Line(Kind.LONG, text, facts)


@dataclass
class _Reader:
    """Walks the lines of one block body, building its sections."""

    lines: list[Line]
    index: int
    sections: list[Section] = field(default_factory=lambda: [Section(None)])
    person: Person | None = None
    adjacent: bool = False

    def run(self) -> None:
        while self.index < len(self.lines) and self._step(self.lines[self.index]):
            self.index += 1

    def _step(self, line: Line) -> bool:
        if line.kind is Kind.BLANK:
            self.adjacent = False
            return True
        if line.kind is Kind.PERSON:
            self._add(person_from(line.facts))
            return True
        if line.kind is Kind.CONTACT:
            return self._contact(line)
        if line.kind is Kind.SHORT:
            return self._short(line)
        return False

    def _add(self, person: Person | None) -> None:
        if person is not None:
            self.sections[-1].people.append(person)
            self.person, self.adjacent = person, True

    def _contact(self, line: Line) -> bool:
        if self.person is None or not self.adjacent:
            return False
        add_contact(self.person, line.facts)
        return True

    def _short(self, line: Line) -> bool:
        if self.adjacent and self.person and self.person.role is None \
                and self._is_role(line):
            self.person.role = line.text.strip(" .;,–—-")
            return True
        if line.facts.name and _name_with_contact_below(self.lines, self.index):
            self._add(Person(*line.facts.name))
            return True
        if _people_below(self.lines, self.index + 1):
            self.sections.append(Section(line.text.strip(" :–—-")))
            self.adjacent = False
            return True
        return False

    def _is_role(self, line: Line) -> bool:
        words = fold(line.text)
        if any(word in words for word in _ROLE_WORDS):
            return True
        return not _people_below(self.lines, self.index + 1)


def _next_non_blank(lines: list[Line], index: int) -> int | None:
    while index < len(lines) and lines[index].kind is Kind.BLANK:
        index += 1
    return index if index < len(lines) else None


def _people_below(lines: list[Line], index: int) -> bool:
    """The next non-blank line starts a person (a person line, or a name over contact lines)."""
    found = _next_non_blank(lines, index)
    if found is None:
        return False
    return lines[found].kind is Kind.PERSON or _name_with_contact_below(lines, found)


def _name_with_contact_below(lines: list[Line], index: int) -> bool:
    """A name-only line followed directly by a contact line (or by a role, then contacts)."""
    line = lines[index]
    if line.kind is not Kind.SHORT or line.facts.name is None or line.facts.rest:
        return False
    below = lines[index + 1:index + 3]
    if below and below[0].kind is Kind.CONTACT:
        return True
    return len(below) == 2 and below[0].kind is Kind.SHORT and below[1].kind is Kind.CONTACT \
        and parse_name(below[0].text) is None


def _read_block(lines: list[Line], start: int) -> tuple[Block | None, int]:
    reader = _Reader(lines, start)
    reader.run()
    sections = [s for s in reader.sections if s.people]
    if not sections:
        return None, max(reader.index, start)
    return Block(sections, fingerprint(sections)), reader.index


def fingerprint(sections: list[Section]) -> str:
    """Hash of the normalised content: folded texts, lower-case emails, E.164 phones."""
    content = [[fold(s.heading or ""), [_person_key(p) for p in s.people]] for s in sections]
    return hashlib.sha256(json.dumps(content).encode()).hexdigest()


def _person_key(person: Person) -> list[object]:
    return [fold(person.first_name), fold(person.last_name), person.email,
            list(person.phones), fold(person.role or "")]
