"""The comparisons of ``crm.dedupe.fields`` computed for many pairs at once.

Same levels as the per-pair functions (a property test checks they agree), but string
distances run in RapidFuzz's C++ ``cpdist`` over whole columns, set overlaps on integer ids in
numpy, and the level logic in numpy. Each function takes the column of prepared values (one per
record, never None for the records named) and the left and right record indexes of the pairs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, JaroWinkler, Prefix

from crm.dedupe.fields import is_mobile

WORKERS = -1  # all cores: the distances release the GIL
SLOTS = 4  # values per record compared for multi-valued fields (emails, phones, outlets)
Column = Sequence[Any]
Indexes = np.ndarray


def _similarity(left: list[str], right: list[str], scorer: Any) -> np.ndarray:
    return process.cpdist(left, right, scorer=scorer, workers=WORKERS, dtype=np.float64)


def _lengths(values: list[str]) -> np.ndarray:
    return np.fromiter(map(len, values), dtype=np.int64, count=len(values))


def _equal(left: list[str], right: list[str]) -> np.ndarray:
    return np.fromiter(map(str.__eq__, left, right), dtype=bool, count=len(left))


def _first_levels(a: list[str], b: list[str]) -> np.ndarray:
    length_a, length_b = _lengths(a), _lengths(b)
    empty = (length_a == 0) | (length_b == 0)
    prefix = _similarity(a, b, Prefix.similarity) >= np.maximum(np.minimum(length_a, length_b), 1)
    similar = _similarity(a, b, JaroWinkler.normalized_similarity) >= 0.88
    return np.where(_equal(a, b), 2, np.where(empty | prefix | similar, 1, 0))


def _last_levels(a: list[str], b: list[str]) -> np.ndarray:
    empty = (_lengths(a) == 0) | (_lengths(b) == 0)
    similar = _similarity(a, b, JaroWinkler.normalized_similarity) >= 0.9
    compound = np.flatnonzero(~similar & np.fromiter(
        (" " in x or " " in y for x, y in zip(a, b, strict=True)), dtype=bool, count=len(a)))
    if len(compound):  # a shared word of a compound surname ("dupont" in "dupont moreau")
        similar[compound] = _similarity([a[i] for i in compound], [b[i] for i in compound],
                                        fuzz.token_set_ratio) >= 100
    return np.where(_equal(a, b), 2, np.where(~empty & similar, 1, 0))


_NAME_TABLE = np.zeros((3, 3), dtype=np.int8)
_NAME_TABLE[2, 2], _NAME_TABLE[2, 1], _NAME_TABLE[1, 2] = 4, 3, 2
_NAME_TABLE[1, 1], _NAME_TABLE[2, 0] = 2, 1


def names(column: Column, left: Indexes, right: Indexes) -> np.ndarray:
    """Levels of ``fields.compare_name`` for (first, last) pairs, either order."""
    first_a, last_a = [column[i][0] for i in left], [column[i][1] for i in left]
    first_b, last_b = [column[i][0] for i in right], [column[i][1] for i in right]
    levels = _NAME_TABLE[_last_levels(last_a, last_b), _first_levels(first_a, first_b)]
    # only names sharing a crossed initial can be a swapped pair worth the second pass
    crossed = np.flatnonzero((levels < 2) & np.fromiter(
        (fa[:1] == lb[:1] or la[:1] == fb[:1]
         for fa, la, fb, lb in zip(first_a, last_a, first_b, last_b, strict=True)),
        dtype=bool, count=len(first_a)))
    if len(crossed):
        levels[crossed] = np.maximum(levels[crossed], _swapped(
            [first_a[i] for i in crossed], [last_a[i] for i in crossed],
            [first_b[i] for i in crossed], [last_b[i] for i in crossed]))
    return levels


def _swapped(first_a: list[str], last_a: list[str], first_b: list[str],
             last_b: list[str]) -> np.ndarray:
    return np.maximum(
        _NAME_TABLE[_last_levels(last_a, first_b), _first_levels(first_a, last_b)],
        _NAME_TABLE[_last_levels(first_a, last_b), _first_levels(last_a, first_b)])


def texts(column: Column, left: Indexes, right: Indexes) -> np.ndarray:
    """Levels of ``fields.compare_text``."""
    a, b = [column[i] for i in left], [column[i] for i in right]
    similarity = _similarity(a, b, JaroWinkler.normalized_similarity)
    return np.where(_equal(a, b), 3,
                    np.where(similarity >= 0.92, 2, np.where(similarity >= 0.8, 1, 0)))


def codes(column: Column, left: Indexes, right: Indexes) -> np.ndarray:
    """Levels of ``fields.compare_code``."""
    distance = _similarity([column[i] for i in left], [column[i] for i in right], OSA.distance)
    return np.select([distance == 0, distance == 1, distance == 2], [3, 2, 1], 0)


def slots(column: Column, key: Callable[[str], str | None] = lambda v: v) -> np.ndarray:
    """Each record's values as integer ids, ``SLOTS`` per record, -1 when there are fewer."""
    pairs = [(row, found) for row, values in enumerate(column) if values
             for found in map(key, values) if found is not None]
    table = np.full((len(column), SLOTS), -1, dtype=np.int64)
    if not pairs:
        return table
    ids: dict[str, int] = {}
    codes = np.array([ids.setdefault(found, len(ids)) for _, found in pairs], dtype=np.int64)
    rows = np.array([row for row, _ in pairs], dtype=np.int64)
    position = np.arange(len(rows)) - np.searchsorted(rows, rows)  # rank within its record
    keep = position < SLOTS
    table[rows[keep], position[keep]] = codes[keep]
    return table


def slot_tables(kind: str, column: Column) -> tuple[np.ndarray, np.ndarray]:
    """The two id tables a set kind compares: (all values, the values of the lower level)."""
    if kind == "phone":
        return slots(column), slots(column, lambda p: p if is_mobile(p) else None)
    table = slots(column)
    return table, table


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
    if kind == "phone":
        return np.where(second, 2, np.where(same, 1, 0))
    return same.astype(np.int8)


def fits_slots(column: Column) -> bool:
    """Whether every record has few enough values for the slot tables."""
    return all(len(v) <= SLOTS for v in column if v is not None)


VECTORISED: dict[str, Callable[[Column, Indexes, Indexes], np.ndarray]] = {
    "name": names, "text": texts, "code": codes}
SET_KINDS = {"email", "phone", "set"}
