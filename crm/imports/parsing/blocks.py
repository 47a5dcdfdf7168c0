"""Contact blocks in press releases ("CONTACTS PRESSE"). Pure functions: no Flask, no database.

``extract_blocks(text)`` finds every block headed like "CONTACTS PRESSE", "Contact presse :",
"Contacts médias", "Relations presse", "Service de presse", "Press contacts", "Media contact"
or "Press office", reads its organisation sub-headings and its people, and returns the
distinct blocks in order of first appearance with how many times each was found.

A person is one line ("Aline POIRIER – apoirier@aer-bfc.com – Tél. 06 80 55 69 66"), or a
name line ("Camille Roussel", "Nom : Camille Roussel", "Jane Doe, Head of Press") followed by
up to two role lines then its contact lines. A role may also follow a person's line. Contact
lines right under a heading, before any person (a switchboard, a generic press address),
belong to nobody and are passed over. The block ends at prose, at an unrelated line, at a
link or at the boilerplate that follows it ("À propos de…", "About…", "Notes to editors").

Two blocks are the same when their *content* is the same: the fingerprint is a hash of the
folded headings, names and roles, the emails and the E.164 phones, so spacing, dashes, case
and line breaks do not change it. Never raises on arbitrary text: what it cannot read it skips.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from crm.contacts.core.normalise import fold
from crm.imports.parsing.block_lines import Kind, Line, classify
from crm.imports.parsing.people import (
    Person,
    add_contact,
    owns_email,
    person_from,
    strip_field,
)

_ROLES_UNDER_NAME = 2  # role lines between a name line and its contact lines
_GENERIC_LINES = 3  # contact lines of nobody between a sub-heading and its people
_ROLE_WORDS = ("charge", "attache", "responsable", "direct", "conseill", "chef", "presse",
               "communication", "relations", "porte-parole", "porte parole", "assistant",
               "journaliste", "redact", "delegue", "manager", "secretaire", "cabinet",
               "head", "officer", "press", "media", "public", "spokes", "consultant",
               "account", "coordinat", "adjoint", "executive", "chief", "lead", "stagiaire")


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


@dataclass
class _Reader:
    """Walks the lines of one block body, building its sections."""

    lines: list[Line]
    index: int
    sections: list[Section] = field(default_factory=lambda: [Section(None)])
    person: Person | None = None
    adjacent: bool = False
    generic: bool = True  # under a heading, before its first person: contacts of nobody

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
            self.person, self.adjacent, self.generic = person, True, False

    def _contact(self, line: Line) -> bool:
        if self.person is not None and self.adjacent:
            add_contact(self.person, line.facts)
            return True
        return self.generic

    def _short(self, line: Line) -> bool:
        if self.person is not None and self._is_role(self.person, line):
            role = _role_text(line)
            self.person.role = f"{self.person.role}, {role}" if self.person.role else role
            return True
        if line.facts.name and _name_with_contact_below(self.lines, self.index):
            self._add(Person(*line.facts.name, role=line.facts.rest or None))
            return True
        if _people_below(self.lines, self.index + 1, generic=True):
            self.sections.append(Section(line.text.strip(" :–—-|")))
            self.adjacent, self.generic = False, True
            return True
        return False

    def _is_role(self, person: Person, line: Line) -> bool:
        """A line right under a person: its role, or more of it before its contact lines."""
        if not self.adjacent or not _role_text(line):
            return False
        if not (person.email or person.phones) and line.facts.name and \
                _email_decides((person.first_name, person.last_name), [line.facts.name],
                               self.lines, self.index - 1):
            return True  # "Northwind Energy" under "John Smith", over john.smith@…
        if line.facts.name and _name_with_contact_below(self.lines, self.index):
            return False
        if person.role is not None and (person.email or person.phones):
            return False
        if any(word in fold(line.text) for word in _ROLE_WORDS):
            return True
        return not _people_below(self.lines, self.index + 1)


def _role_text(line: Line) -> str:
    return strip_field(line.text).strip(" .;,:–—-|")


def _next_non_blank(lines: list[Line], index: int) -> int | None:
    while index < len(lines) and lines[index].kind is Kind.BLANK:
        index += 1
    return index if index < len(lines) else None


def _people_below(lines: list[Line], index: int, *, generic: bool = False) -> bool:
    """The next non-blank line starts a person (a person line, or a name over contact lines);
    with ``generic``, after at most a few contact lines of nobody."""
    for _ in range(_GENERIC_LINES + 1):
        found = _next_non_blank(lines, index)
        if found is None:
            return False
        if lines[found].kind is Kind.PERSON or _name_with_contact_below(lines, found):
            return True
        if not generic or lines[found].kind is not Kind.CONTACT:
            return False
        index = found + 1
    return False


def _name_with_contact_below(lines: list[Line], index: int) -> bool:
    """A name line followed directly by a contact line, or by role lines then contacts.

    A name-like line in between ("Northwind Energy") is a role when the address below is the
    first name's and not its own.
    """
    line = lines[index]
    if line.kind is not Kind.SHORT or line.facts.name is None:
        return False
    between: list[tuple[str, str]] = []
    for below in lines[index + 1:index + 2 + _ROLES_UNDER_NAME]:
        if below.kind is Kind.CONTACT:
            return not between or _email_decides(line.facts.name, between, lines, index)
        if below.kind is not Kind.SHORT:
            return False
        if below.facts.name is not None:
            between.append(below.facts.name)
    return False


def _email_decides(name: tuple[str, str], others: list[tuple[str, str]], lines: list[Line],
                   index: int) -> bool:
    """The first address in the contact lines below ``index`` is ``name``'s, not the others'."""
    email = _email_below(lines, index)
    return email is not None and owns_email(name, email) and \
        not any(owns_email(other, email) for other in others)


def _email_below(lines: list[Line], index: int) -> str | None:
    """The first address of the contact lines that follow a few short lines under ``index``."""
    for below in lines[index + 1:index + 4 + _ROLES_UNDER_NAME]:
        if below.kind is Kind.CONTACT and below.facts.emails:
            return below.facts.emails[0]
        if below.kind not in (Kind.SHORT, Kind.CONTACT):
            return None
    return None


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
