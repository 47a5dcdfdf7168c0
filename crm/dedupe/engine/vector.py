"""The comparisons of ``crm.dedupe.engine.fields`` computed for many pairs at once.

Same levels as the per-pair functions (a property test checks they agree), but string
distances run in RapidFuzz's C++ ``cpdist`` over whole columns, set overlaps on integer ids in
numpy, and the level logic in numpy. A column of prepared values (one per record) is first
turned into a *table* (``tabulate``): numpy arrays indexed by record, built once per scan and
reused for every batch of pairs (``levels``). Records named in pairs never have a missing value,
but a name may lack a part (then its level is ``MISSING``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, JaroWinkler, Prefix

from crm.dedupe.engine.fields import MISSING, is_mobile, user_name

WORKERS = -1  # all cores: the distances release the GIL
SLOTS = 4  # values per record compared for multi-valued fields (emails, phones, outlets)
Column = Sequence[Any]
Indexes = np.ndarray


@dataclass(frozen=True)
class Strings:
    """One string per record, with what the level logic reads of it, as arrays."""

    text: np.ndarray  # objects: the strings themselves
    length: np.ndarray
    initial: np.ndarray  # first character, "" for an empty string
    spaced: np.ndarray  # holds a space (a compound name)

    @classmethod
    def of(cls, values: Sequence[str]) -> Strings:
        text = np.empty(len(values), dtype=object)
        text[:] = values
        return cls(text, np.fromiter(map(len, values), dtype=np.int64, count=len(values)),
                   np.array([v[:1] for v in values], dtype="<U1"),
                   np.fromiter((" " in v for v in values), dtype=bool, count=len(values)))

    def __getitem__(self, index: Indexes) -> Strings:
        return Strings(self.text[index], self.length[index], self.initial[index],
                       self.spaced[index])


@dataclass(frozen=True)
class Names:
    first: Strings
    last: Strings


def _similarity(left: Strings, right: Strings, scorer: Any) -> np.ndarray:
    return process.cpdist(left.text.tolist(), right.text.tolist(), scorer=scorer,
                          workers=WORKERS, dtype=np.float64)


def _first_levels(a: Strings, b: Strings) -> np.ndarray:
    empty = (a.length == 0) | (b.length == 0)
    prefix = _similarity(a, b, Prefix.similarity) >= np.maximum(np.minimum(a.length, b.length), 1)
    similar = _similarity(a, b, JaroWinkler.normalized_similarity) >= 0.88
    return np.where(a.text == b.text, 2, np.where(empty | prefix | similar, 1, 0))


def _last_levels(a: Strings, b: Strings) -> np.ndarray:
    empty = (a.length == 0) | (b.length == 0)
    similar = _similarity(a, b, JaroWinkler.normalized_similarity) >= 0.9
    compound = np.flatnonzero(~similar & (a.spaced | b.spaced))
    if len(compound):  # a shared word of a compound surname ("dupont" in "dupont moreau")
        similar[compound] = _similarity(a[compound], b[compound], fuzz.token_set_ratio) >= 100
    return np.where(a.text == b.text, 2, np.where(~empty & similar, 1, 0))


_NAME_TABLE = np.zeros((3, 3), dtype=np.int8)
_NAME_TABLE[2, 2], _NAME_TABLE[2, 1], _NAME_TABLE[1, 2] = 4, 3, 2
_NAME_TABLE[1, 1], _NAME_TABLE[2, 0] = 2, 1


def name_levels(table: Names, left: Indexes, right: Indexes) -> np.ndarray:
    """Levels of ``fields.compare_name`` for (first, last) pairs, either order."""
    first_a, last_a = table.first[left], table.last[left]
    first_b, last_b = table.first[right], table.last[right]
    levels = _NAME_TABLE[_last_levels(last_a, last_b), _first_levels(first_a, first_b)]
    part_missing = (first_a.length == 0) | (last_a.length == 0) | (first_b.length == 0) | \
        (last_b.length == 0)
    # only names sharing a crossed initial can be a swapped pair worth the second pass
    crossed = np.flatnonzero((levels < 2) & ((first_a.initial == last_b.initial) |
                                             (last_a.initial == first_b.initial)))
    if len(crossed):
        levels[crossed] = np.maximum(levels[crossed], _swapped(
            first_a[crossed], last_a[crossed], first_b[crossed], last_b[crossed]))
    levels[part_missing] = MISSING
    return levels


def _swapped(first_a: Strings, last_a: Strings, first_b: Strings,
             last_b: Strings) -> np.ndarray:
    return np.maximum(
        _NAME_TABLE[_last_levels(last_a, first_b), _first_levels(first_a, last_b)],
        _NAME_TABLE[_last_levels(first_a, last_b), _first_levels(last_a, first_b)])


def text_levels(table: Strings, left: Indexes, right: Indexes) -> np.ndarray:
    """Levels of ``fields.compare_text``."""
    a, b = table[left], table[right]
    similarity = _similarity(a, b, JaroWinkler.normalized_similarity)
    return np.where(a.text == b.text, 3,
                    np.where(similarity >= 0.92, 2, np.where(similarity >= 0.8, 1, 0)))


def code_levels(table: Strings, left: Indexes, right: Indexes) -> np.ndarray:
    """Levels of ``fields.compare_code``."""
    distance = _similarity(table[left], table[right], OSA.distance)
    return np.select([distance == 0, distance == 1, distance == 2], [3, 2, 1], 0)


def slots(column: Column) -> tuple[np.ndarray, list[str]]:
    """Each record's values as integer ids, ``SLOTS`` per record, -1 when there are fewer;
    and the value of each id."""
    pairs = [(row, value) for row, values in enumerate(column) if values for value in values]
    table = np.full((len(column), SLOTS), -1, dtype=np.int64)
    ids: dict[str, int] = {}
    if not pairs:
        return table, []
    codes = np.array([ids.setdefault(value, len(ids)) for _, value in pairs], dtype=np.int64)
    rows = np.array([row for row, _ in pairs], dtype=np.int64)
    position = np.arange(len(rows)) - np.searchsorted(rows, rows)  # rank within its record
    keep = position < SLOTS
    table[rows[keep], position[keep]] = codes[keep]
    return table, list(ids)


def slot_tables(kind: str, column: Column) -> tuple[np.ndarray, np.ndarray]:
    """The two id tables a set kind compares: (all values, the values of the lower level);
    for e-mail user names, (the addresses, their user names)."""
    table, values = slots(column)
    if kind == "email_user":
        users: dict[str, int] = {}
        # -1 (no value) picks the appended -1
        numbered = np.array([users.setdefault(user_name(v), len(users)) for v in values] + [-1],
                            dtype=np.int64)
        return table, numbered[table]
    if kind != "phone":
        return table, table
    # -1 (no value) picks the appended False and stays -1
    mobile = np.append(np.fromiter(map(is_mobile, values), dtype=bool, count=len(values)), False)
    return table, np.where(mobile[table], table, -1)


def overlap(table: np.ndarray, left: Indexes, right: Indexes) -> np.ndarray:
    """True where the two records share at least one id."""
    a, b = table[left], table[right]
    found = np.zeros(len(left), dtype=bool)
    for i in range(SLOTS):
        found |= ((a[:, [i]] == b) & (a[:, [i]] >= 0)).any(axis=1)
    return found


def set_levels(kind: str, tables: tuple[np.ndarray, np.ndarray], left: Indexes,
               right: Indexes) -> np.ndarray:
    """Levels of ``fields.compare_emails``, ``compare_phones`` or ``compare_set``: one in
    common, and for phones a mobile in common."""
    same, second = overlap(tables[0], left, right), overlap(tables[1], left, right)
    if kind == "email_user":
        return np.where(same, MISSING, second).astype(np.int8)
    if kind == "phone":
        return np.where(second, 2, np.where(same, 1, 0))
    return same.astype(np.int8)


def fits_slots(column: Column) -> bool:
    """Whether every record has few enough values for the slot tables."""
    return all(len(v) <= SLOTS for v in column if v is not None)


SET_KINDS = {"email", "email_user", "phone", "set"}


def tabulate(kind: str, column: Column) -> Any:
    """The table ``levels`` reads for this kind, or None when the kind (or a record with more
    than ``SLOTS`` values) needs the per-pair comparison."""
    if kind == "name":
        return Names(Strings.of([v[0] if v else "" for v in column]),
                     Strings.of([v[1] if v else "" for v in column]))
    if kind in ("text", "code"):
        return Strings.of([v or "" for v in column])
    if kind in SET_KINDS and fits_slots(column):
        return slot_tables(kind, column)
    return None


_LEVELS: dict[str, Callable[[Any, Indexes, Indexes], np.ndarray]] = {
    "name": name_levels, "text": text_levels, "code": code_levels}


def levels(kind: str, table: Any, left: Indexes, right: Indexes) -> np.ndarray:
    """The levels of the pairs ``(left[n], right[n])`` from a table made by ``tabulate``."""
    if kind in SET_KINDS:
        return set_levels(kind, table, left, right)
    return _LEVELS[kind](table, left, right)


def compare_column(kind: str, column: Column, left: Indexes, right: Indexes) -> np.ndarray:
    """``tabulate`` then ``levels``: for one batch of pairs."""
    return levels(kind, tabulate(kind, column), left, right)
