"""Reading one line of a press-contact block. Pure functions: no Flask, no database.

A line such as ``Aline POIRIER – apoirier@aer-bfc.com – Tél. 06 80 55 69 66`` is read in
three layers: phone numbers (phonenumbers' matcher, region FR, fax numbers skipped), email
addresses (a loose pattern, then ``normalise_email``), and a name found by a heuristic on
what is left: capitalised given name(s) + UPPER-CASE surname in either order (``LE GOFF``,
``DUPONT-MOREAU``), or two mixed-case words when an email tells which one is the surname.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from crm.contacts.core.normalise import REGION, InvalidEmail, fold, normalise_email

# An address is found from each "@": its local part is walked back over _LOCAL characters, its
# domain matched forward from there; each character is visited a bounded number of times.
_LOCAL = re.compile(r"[\w.+'-]")
_DOMAIN = re.compile(r"[\w-]++(?:\.[\w-]++)+")
_LABEL = re.compile(
    r"(?<!\w)(t[ée]l[ée]phone|t[ée]l|portable|port|mob(?:ile)?|gsm|fixe|ligne directe|"
    r"standard|fax|e-?mail|m[ée]l|courriel|mail|email)(?!\w)\.?\s*:?", re.IGNORECASE)
_SEPARATOR = re.compile(r"\s+[-–—]\s+|\s*[–—|;,•/]\s*|^\s*-\s+|\s+-\s*$")
_CIVILITY = re.compile(r"^(m\.|mr\.?|mme\.?|mlle\.?|madame|monsieur|mademoiselle|dr\.?)\s+",
                       re.IGNORECASE)
_NAME_TOKEN = re.compile(r"^[^\W\d_]+(?:['’-][^\W\d_]+)*\.?$")
_PARTICLES = {"de", "du", "des", "le", "la", "van", "von", "di", "da", "d'", "del"}
_MAX_NAME_TOKENS = 5


@dataclass
class Person:
    """One press contact read from a block; email lower-case and validated, phones E.164."""

    first_name: str
    last_name: str
    email: str | None = None
    phone_e164: str | None = None
    role: str | None = None
    phones: tuple[str, ...] = ()


@dataclass(frozen=True)
class LineFacts:
    """What one line holds: a name, contact details, and the words left over."""

    name: tuple[str, str] | None
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    rest: str

    @property
    def has_contact(self) -> bool:
        return bool(self.emails or self.phones)


def read_line(line: str) -> LineFacts:
    """Split a line into its name, emails, phones and remaining text."""
    phones, line = _take_phones(line)
    emails, line = _take_emails(line)
    # Single spaces keep the \s+ / \s* of the separators from backtracking over long runs.
    line = " ".join(_LABEL.sub(" ", line).split())
    segments = [s.strip(" -.:") for s in _SEPARATOR.split(line)
                if s and any(c.isalnum() for c in s)]
    name = None
    for index, segment in enumerate(segments):
        name = parse_name(segment, emails[0] if emails else None)
        if name:
            del segments[index]
            break
    return LineFacts(name, tuple(emails), tuple(phones), " ".join(segments).strip())


def _take_phones(line: str) -> tuple[list[str], str]:
    found: dict[str, None] = {}
    spans: list[tuple[int, int]] = []
    for match in phonenumbers.PhoneNumberMatcher(line, REGION):
        spans.append((match.start, match.end))
        if "fax" in line[max(0, match.start - 12):match.start].casefold():
            continue
        found[phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)] = None
    return list(found), _blank_out(line, spans)


def _take_emails(line: str) -> tuple[list[str], str]:
    found: dict[str, None] = {}
    spans = find_emails(line)
    for start, end in spans:
        try:
            found[normalise_email(line[start:end].strip(".'"))] = None
        except InvalidEmail:
            continue
    return list(found), _blank_out(line, spans)


def find_emails(text: str) -> list[tuple[int, int]]:
    """Spans of what looks like an address, left to right, not overlapping.

    The same matches as the regular expression ``[\\w.+'-]+@[\\w-]+(?:\\.[\\w-]+)+`` would give,
    in time linear in the text (the expression is quadratic on a long run of word characters).
    """
    spans: list[tuple[int, int]] = []
    done = 0
    at = text.find("@")
    while at != -1:
        start = at
        while start > done and _LOCAL.match(text, start - 1):
            start -= 1
        domain = _DOMAIN.match(text, at + 1) if start < at else None
        if domain:
            spans.append((start, domain.end()))
            done = domain.end()
        at = text.find("@", max(at + 1, done))
    return spans


def _blank_out(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with each span replaced by one space, built in one pass."""
    parts, done = [], 0
    for start, end in spans:
        parts += [text[done:start], " "]
        done = end
    parts.append(text[done:])
    return "".join(parts)


def parse_name(text: str, email: str | None = None) -> tuple[str, str] | None:
    """(first name, last name) if the text looks like a person's name, else None."""
    tokens = _CIVILITY.sub("", text.strip()).split()
    if not 2 <= len(tokens) <= _MAX_NAME_TOKENS:
        return None
    if not all(_NAME_TOKEN.match(t) for t in tokens):
        return None
    upper = [_is_upper(t) for t in tokens]
    split = _case_split(upper)
    if split is not None:
        first, last = (tokens[:split], tokens[split:]) if not upper[0] else \
            (tokens[split:], tokens[:split])
        return " ".join(first), " ".join(last)
    if email and all(_is_capitalised(t) or t.casefold() in _PARTICLES for t in tokens):
        return _order_by_email(tokens, email)
    return None


def _is_upper(token: str) -> bool:
    letters = [c for c in token if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _is_capitalised(token: str) -> bool:
    return token[0].isupper() and any(c.islower() for c in token)


def _case_split(upper: list[bool]) -> int | None:
    """Index where a run of capitalised words meets a run of UPPER-CASE words, if exactly one."""
    changes = [i for i in range(1, len(upper)) if upper[i] != upper[i - 1]]
    return changes[0] if len(changes) == 1 else None


def _order_by_email(tokens: list[str], email: str) -> tuple[str, str]:
    """Mixed-case "Poirier Aline" or "Aline Poirier": the email says which word is the surname."""
    local = re.sub(r"[^a-z0-9]", "", email.split("@", 1)[0])
    given_first = (tokens[0], " ".join(tokens[1:]))
    surname_first = (" ".join(tokens[1:]), tokens[0])
    if _surname_score(surname_first[1], local) > _surname_score(given_first[1], local):
        return surname_first
    return given_first


def _surname_score(surname: str, local: str) -> int:
    key = fold(surname).replace(" ", "")
    return int(key in local) + int(local.endswith(key))


def person_from(facts: LineFacts) -> Person | None:
    """A Person from a line with a name; None when the line names nobody."""
    if facts.name is None:
        return None
    person = Person(*facts.name, role=facts.rest or None)
    add_contact(person, facts)
    return person


def add_contact(person: Person, facts: LineFacts) -> None:
    """Fill the person's missing email and add phones from a continuation line."""
    if facts.emails and person.email is None:
        person.email = facts.emails[0]
    person.phones = tuple(dict.fromkeys(person.phones + facts.phones))
    person.phone_e164 = person.phones[0] if person.phones else None
