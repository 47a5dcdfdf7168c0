"""Field kinds: how a value is normalised once per record, and how two values compare.

Each kind turns the raw values of a record into a prepared value (None when missing) and
compares two prepared values into an agreement *level*: 0 = disagree, higher = stronger
agreement, ``top`` = exact agreement. Missing on either side gives ``MISSING`` (no evidence
either way, weight 0), and so does a name lacking its first name or surname on either side.
Multi-valued kinds (emails, phones, outlets) agree when any value does; ``email_user``
compares the user names of the addresses (before the "@") when no address is shared. A name
given in one part only is taken as the surname.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz.distance import OSA, JaroWinkler

from crm.contacts.core import normalise

MISSING = -1
Value = Any
_NON_WORD = re.compile(r"[^\w]+|_+")


def _latin_table() -> dict[int, str]:
    """Latin letters whose decomposition without accents is plain ASCII: é → e, Ç → C."""
    table = {}
    for code in range(0x80, 0x250):
        decomposed = unicodedata.normalize("NFKD", chr(code))
        bare = "".join(c for c in decomposed if not unicodedata.combining(c))
        if bare and bare.isascii():
            table[code] = bare
    return table


_LATIN = _latin_table()


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """``crm.contacts.core.normalise.fold``, cached, with a fast path for text that is ASCII once
    accents are removed (same result; a property test checks it)."""
    plain = text if text.isascii() else text.translate(_LATIN)
    if plain.isascii():
        return " ".join(_NON_WORD.sub(" ", plain.lower()).split())
    return normalise.fold(text)


@dataclass(frozen=True)
class Kind:
    prepare: Callable[[tuple[Any, ...]], Value]
    compare: Callable[[Value, Value], int]
    labels: tuple[str, ...]  # one per level, 0 first
    m_prior: tuple[float, ...]  # share of each level between records of one person
    u_prior: tuple[float, ...]  # share of each level between two people, in a file of ~10,000

    @property
    def top(self) -> int:
        return len(self.labels) - 1


def _values(raw: Any) -> list[str] | tuple[str, ...]:
    if raw is None:
        return ()
    if type(raw) is str:
        return (raw,) if raw.strip() else ()
    if isinstance(raw, list | tuple | set | frozenset):
        return [v if type(v) is str else str(v) for v in raw if v is not None and v != ""]
    return [str(raw)]


def _all_values(raw: tuple[Any, ...]) -> list[str] | tuple[str, ...]:
    """The values of several raw entries (e.g. ``emails`` and ``email``) as one sequence."""
    present = [r for r in raw if r is not None]
    if not present:
        return ()
    if len(present) == 1:
        return _values(present[0])
    return [v for r in present for v in _values(r)]


def _similar(a: str, b: str, cutoff: float) -> bool:
    # no score_cutoff: with one, RapidFuzz may return 0 for a similarity equal to the cutoff,
    # where the vectorised comparison (``crm.dedupe.engine.vector``) sees it reached
    return JaroWinkler.normalized_similarity(a, b) >= cutoff


# --- person names: (first, last), either order -------------------------------------------

def prepare_name(raw: tuple[Any, ...]) -> Value:
    """(first, last), folded; a name given in one part only is taken as the surname."""
    first, last = (fold(r) if type(r) is str else fold(" ".join(_values(r))) for r in raw[:2])
    if not last:
        return ("", first) if first else None
    return (first, last)


def _first_level(a: str, b: str) -> int:
    if a == b:
        return 2
    if not a or not b:
        return 1
    if a[0] == b[0] and (len(a) == 1 or len(b) == 1 or a.startswith(b) or b.startswith(a)):
        return 1
    return 1 if _similar(a, b, 0.88) else 0


def _last_level(a: str, b: str) -> int:
    if a == b:
        return 2
    if not a or not b:
        return 0
    if set(a.split()) & set(b.split()) or _similar(a, b, 0.9):
        return 1
    return 0


def _oriented_name_level(first_a: str, last_a: str, first_b: str, last_b: str) -> int:
    last, first = _last_level(last_a, last_b), _first_level(first_a, first_b)
    table = {(2, 2): 4, (2, 1): 3, (1, 2): 2, (1, 1): 2, (2, 0): 1}
    return table.get((last, first), 0)


def compare_name(a: Value, b: Value) -> int:
    """A name missing its first name or surname on either side is ``MISSING``: an absent
    part says nothing, it is not a disagreement."""
    if not (a[0] and a[1] and b[0] and b[1]):
        return MISSING
    if a == b:
        return 4
    direct = _oriented_name_level(a[0], a[1], b[0], b[1])
    if direct >= 2:
        return direct
    # swapped order: either crossed comparison may play the surname's part
    return max(direct, _oriented_name_level(a[0], a[1], b[1], b[0]),
               _oriented_name_level(a[1], a[0], b[0], b[1]))


def compare_surnames(a: Value, b: Value) -> int:
    """A surname where the whole name could not be compared (a record lacks its first name):
    against the other's surname or, for an entry typed the other way round, its first name;
    same, similar (as surnames compare in names) or different."""
    parts_a, parts_b = (p for p in (a[1], a[0]) if p), [p for p in (b[1], b[0]) if p]
    return max(_last_level(x, y) for x in parts_a for y in parts_b)


NAME = Kind(prepare_name, compare_name,
            ("different", "same surname only", "similar", "same surname, similar first name",
             "same name"), (0.02, 0.03, 0.1, 0.15, 0.7),
            (0.9936, 0.005, 0.001, 0.0003, 0.0001))


# --- free text and identifiers ---------------------------------------------------------

def prepare_text(raw: tuple[Any, ...]) -> Value:
    return fold(" ".join(_all_values(raw))) or None


def compare_text(a: Value, b: Value) -> int:
    if a == b:
        return 3
    similarity = JaroWinkler.normalized_similarity(a, b)  # no cutoff: see _similar
    return 2 if similarity >= 0.92 else 1 if similarity >= 0.8 else 0


def prepare_code(raw: tuple[Any, ...]) -> Value:
    return re.sub(r"\s+", "", "".join(_all_values(raw))).casefold() or None


def compare_code(a: Value, b: Value) -> int:
    """Identifiers, dates, postcodes: exact, one typo or transposition, two, or different."""
    if a == b:
        return 3
    distance = OSA.distance(a, b, score_cutoff=2)
    return {1: 2, 2: 1}.get(distance, 0)


SURNAME = Kind(prepare_name, compare_surnames, ("different", "similar", "same"),
               (0.1, 0.2, 0.7), (0.99, 0.007, 0.003))
TEXT = Kind(prepare_text, compare_text, ("different", "vaguely similar", "similar", "same"),
            (0.1, 0.1, 0.2, 0.6), (0.9, 0.05, 0.03, 0.02))
CODE = Kind(prepare_code, compare_code, ("different", "two edits", "one edit", "same"),
            (0.1, 0.05, 0.15, 0.7), (0.98, 0.01, 0.008, 0.002))


# --- multi-valued contact points -------------------------------------------------------

def prepare_emails(raw: tuple[Any, ...]) -> Value:
    found = {v.strip().casefold() for v in _all_values(raw) if "@" in v}
    return frozenset(found) or None


def compare_emails(a: Value, b: Value) -> int:
    # no "same local part" level: "jean.martin@" comes from the name, already counted
    return 1 if a & b else 0


@lru_cache(maxsize=200_000)
def as_e164(text: str) -> str:
    """E.164 when it already is, or for the usual French national forms; cheap, no parsing."""
    if text[:1] == "+" and text[1:].isascii() and text[1:].isdigit():
        return text  # stored contacts already hold E.164
    digits = re.sub(r"[^\d+]", "", text.replace("(0)", ""))
    if digits.startswith("00"):
        return "+" + digits[2:]
    if len(digits) == 10 and digits.startswith("0"):
        return "+33" + digits[1:]
    return digits


def prepare_phones(raw: tuple[Any, ...]) -> Value:
    return frozenset([p for p in map(as_e164, _all_values(raw)) if len(p) >= 8]) or None


def is_mobile(e164: str) -> bool:
    """French mobiles (+336, +337); abroad any matching number counts as direct; a number
    that is not in E.164 form never does."""
    if not e164.startswith("+"):
        return False
    return not e164.startswith("+33") or e164[3:4] in {"6", "7"}


def compare_phones(a: Value, b: Value) -> int:
    common = a & b
    if not common:
        return 0
    return 2 if any(is_mobile(p) for p in common) else 1


def prepare_set(raw: tuple[Any, ...]) -> Value:
    return frozenset(filter(None, map(fold, _all_values(raw)))) or None


def compare_set(a: Value, b: Value) -> int:
    return 1 if a & b else 0


def user_name(address: str) -> str:
    """The part of an address before the "@"."""
    return address.split("@", 1)[0]


def compare_email_users(a: Value, b: Value) -> int:
    """The same user name at another domain ("jean.martin@" at two outlets: an old address
    after a job change). ``MISSING`` when the records share an address: the ``email`` kind
    counts that already."""
    if a & b:
        return MISSING
    return 1 if not {user_name(v) for v in a}.isdisjoint(user_name(v) for v in b) else 0


EMAIL = Kind(prepare_emails, compare_emails, ("different", "same email"), (0.4, 0.6),
             (0.99999, 0.00001))
EMAIL_USER = Kind(prepare_emails, compare_email_users,
                  ("different user names", "same user name, other domain"), (0.3, 0.7),
                  (0.9999, 0.0001))
PHONE = Kind(prepare_phones, compare_phones, ("different", "same landline", "same mobile"),
             (0.4, 0.1, 0.5), (0.99994, 0.00005, 0.00001))
SET = Kind(prepare_set, compare_set, ("none in common", "one in common"), (0.4, 0.6),
           (0.95, 0.05))

KINDS: dict[str, Kind] = {"name": NAME, "surname": SURNAME, "text": TEXT, "code": CODE,
                          "email": EMAIL,
                          "email_user": EMAIL_USER, "phone": PHONE, "set": SET}
