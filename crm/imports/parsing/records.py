"""From one imported row (header → text) to candidate contact values. Pure: no Flask, no DB.

``build_record(row, mapping)`` returns the normalised values a contact would get, and the
problems found, as codes with the offending value (the pages translate them). Columns that
hold private postal data (address, city, postcode) are ignored on purpose: a press file
needs none (RGPD minimisation).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import phonenumbers

from crm.contacts.core.normalise import (
    InvalidEmail,
    InvalidPhone,
    fold,
    is_web_url,
    name_key,
    normalise_email,
    parse_phone,
)
from crm.imports.parsing.people import parse_name

AREAS = {"21": "21", "25": "25", "39": "39", "58": "58", "70": "70", "71": "71", "89": "89",
         "90": "90", "cote d or": "21", "doubs": "25", "jura": "39", "nievre": "58",
         "haute saone": "70", "saone et loire": "71", "yonne": "89",
         "territoire de belfort": "90", "national": "national", "france": "national"}
CIVILITIES = {"m": "mr", "mr": "mr", "monsieur": "mr", "mme": "mrs", "madame": "mrs",
              "mlle": "mrs", "mademoiselle": "mrs", "mrs": "mrs", "ms": "mrs"}
IGNORED_FIELDS = frozenset({"address", "city", "postcode"})
# Problems that keep the row: the area is dropped, the number kept as typed in the notes.
WARNINGS = frozenset({"unknown_area", "unverified_phone"})
# Separators alone, the parts stripped after: "\s*[,;/\n]\s*" retried every position of a long
# run of spaces, quadratic in the run.
_LIST_SEPARATORS = re.compile(r"[,;/\n]")
_PHONE_SEPARATORS = re.compile(r"[;/\n]")


@dataclass
class Problem:
    code: str  # missing_name, invalid_email, invalid_phone, unverified_phone, unknown_area,
    # unreadable_row, erased
    value: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "value": self.value}


@dataclass
class Record:
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def key(self) -> str:
        return name_key(self.values.get("first_name"), self.values.get("last_name"))


def _split(text: str, separators: re.Pattern[str] = _LIST_SEPARATORS) -> list[str]:
    return [part for part in (p.strip() for p in separators.split(text)) if part]


def _cells(row: dict[str, str], mapping: Mapping[str, str | None]) -> dict[str, list[str]]:
    cells: dict[str, list[str]] = {}
    for header, target in mapping.items():
        value = (row.get(header) or "").strip()
        if target and value and target not in IGNORED_FIELDS:
            cells.setdefault(target, []).append(value)
    return cells


def _names(cells: dict[str, list[str]], email: str | None) -> tuple[str, str]:
    first = " ".join(cells.get("first_name", []))
    last = " ".join(cells.get("last_name", []))
    if not last and cells.get("full_name"):
        full = " ".join(cells["full_name"])
        parsed = parse_name(full, email)
        first, last = parsed if parsed else ("", full)
    return first, last


def _emails(cells: dict[str, list[str]], problems: list[Problem]) -> list[str]:
    found: list[str] = []
    for raw in (part for cell in cells.get("email", []) for part in _split(cell)):
        try:
            found.append(normalise_email(raw))
        except InvalidEmail:
            problems.append(Problem("invalid_email", raw))
    return list(dict.fromkeys(found))


def _phones(cells: dict[str, list[str]], problems: list[Problem]) -> list[str]:
    found: list[str] = []
    for raw in (*cells.get("mobile", []), *cells.get("phone", [])):
        for part in _split(raw, _PHONE_SEPARATORS):
            try:
                found.append(parse_phone(part).e164)
            except InvalidPhone:
                code = "unverified_phone" if _possible_phone(part) else "invalid_phone"
                problems.append(Problem(code, part))
    return list(dict.fromkeys(found))


def _possible_phone(text: str) -> bool:
    """A number of the right length in a range the numbering plan does not list as
    allocated (e.g. a new 06 39 mobile range): kept as typed rather than lost."""
    try:
        number = phonenumbers.parse(text.strip().replace("(0)", ""), "FR")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_possible_number(number)


def _area(cells: dict[str, list[str]], problems: list[Problem]) -> str | None:
    for raw in cells.get("area", []):
        code = AREAS.get(fold(raw).strip())
        if code:
            return code
        problems.append(Problem("unknown_area", raw))
    return None


def build_record(row: dict[str, str], mapping: Mapping[str, str | None]) -> Record:
    """The candidate contact values of ``row`` read through ``mapping`` (header → field)."""
    cells = _cells(row, mapping)
    problems: list[Problem] = []
    emails = _emails(cells, problems)
    first, last = _names(cells, emails[0] if emails else None)
    if not last:
        problems.append(Problem("missing_name"))
    civility = CIVILITIES.get(fold(" ".join(cells.get("civility", []))).strip(), "none")
    links = [w for w in cells.get("website", []) if is_web_url(w)]
    values = {
        "civility": civility, "first_name": first, "last_name": last, "emails": emails,
        "phones": _phones(cells, problems), "outlet": " ".join(cells.get("outlet", [])[:1]),
        "job_title": " ".join(cells.get("role", [])) or None,
        "beats": [b for cell in cells.get("beat", []) for b in _split(cell)],
        "area": _area(cells, problems), "social_links": links,
        "notes": "\n".join(cells.get("note", [])) or None,
        "unverified_phones": [p.value for p in problems if p.code == "unverified_phone"],
    }
    return Record(values=values, problems=problems)


def identity_keys(values: dict[str, Any]) -> list[str]:
    """Keys under which two rows of one file are the same person: emails, phones, name."""
    keys = [f"email:{e}" for e in values.get("emails", [])]
    keys += [f"phone:{p}" for p in values.get("phones", [])]
    key = name_key(values.get("first_name"), values.get("last_name"))
    if key and values.get("first_name"):
        keys.append(f"name:{key}|{fold(values.get('outlet') or '')}")
    return keys
