"""Blocking: which pairs of records are worth comparing at all. Pure functions.

Records sharing a *key* (an email, an E.164 phone, a phonetic name key, a name + outlet key...)
are candidate pairs, unless their block holds more than ``max_block`` records: such a key says
nothing (a common name, a newsroom address) and the block is skipped. A sorted-neighbourhood
pass then pairs each record with the next ``window - 1`` records in the order of each sort key,
which finds typos that no exact key catches. The result is a sorted array of unique ``(i, j)``
index pairs with ``i < j``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np

from crm.dedupe.engine.fields import user_name
from crm.dedupe.engine.phonetic import phonetic

Keys = Callable[[Mapping[str, Any]], Collection[str]]
SortKey = Callable[[Mapping[str, Any]], str]


@dataclass(frozen=True)
class BlockingRule:
    name: str
    keys: Keys


def each_value(field: str) -> BlockingRule:
    """One key per value of a multi-valued field (emails, phones) or the value itself."""
    def keys(record: Mapping[str, Any]) -> Collection[str]:
        value = record.get(field)
        if value is None:
            return ()
        return value if isinstance(value, frozenset) else (str(value),)
    return BlockingRule(f"{field}", keys)


def name_sound(field: str, letters: int = 3) -> BlockingRule:
    """Phonetic surname + the first sounds of the first name, and the same across the two
    parts, so that a swapped "POIRIER Aline" meets "Aline POIRIER"."""
    def keys(record: Mapping[str, Any]) -> Collection[str]:
        name = record.get(field)
        if name is None:
            return ()
        first, last = phonetic(name[0]), phonetic(name[1])
        return (f"{last}|{first[:letters]}", f"{first}|{last[:letters]}")
    return BlockingRule(f"{field}:sound", keys)


def name_with(field: str, other: str, part: int = 1) -> BlockingRule:
    """Folded surname (``part`` 1) or first name (0) together with each value of another field
    (e.g. each outlet); the first name meets a typo in the surname within a newsroom."""
    def keys(record: Mapping[str, Any]) -> Collection[str]:
        name, values = record.get(field), record.get(other)
        if name is None or not values or not name[part]:
            return ()
        values = values if isinstance(values, frozenset) else (values,)
        return [f"{name[part]}|{v}" for v in values]
    return BlockingRule(f"{field}+{other}" if part == 1 else f"{field}:{part}+{other}", keys)


def surname(field: str) -> BlockingRule:
    """The folded surname alone (blocks of common surnames are skipped by ``max_block``): meets
    a record that lacks its first name."""
    def keys(record: Mapping[str, Any]) -> Collection[str]:
        name = record.get(field)
        return (name[1],) if name is not None and name[1] else ()
    return BlockingRule(f"{field}:surname", keys)


def email_users(field: str) -> BlockingRule:
    """The user name of each e-mail address ("jean.martin" of jean.martin@...): meets an old
    address after a job change."""
    def keys(record: Mapping[str, Any]) -> Collection[str]:
        return {user_name(v) for v in record.get(field) or ()}
    return BlockingRule(f"{field}:user", keys)


def combined(*fields: str) -> BlockingRule:
    """The values of several single-valued fields together (e.g. postcode + first initial)."""
    def keys(record: Mapping[str, Any]) -> Collection[str]:
        values = [record.get(f) for f in fields]
        return () if any(v is None for v in values) else ("|".join(map(str, values)),)
    return BlockingRule("+".join(fields), keys)


def blocks(prepared: Sequence[Mapping[str, Any]], rules: Iterable[BlockingRule]) \
        -> dict[tuple[str, str], list[int]]:
    """Every (rule, key) with the indexes of the records that have it."""
    return {(rule.name, key): indexes for rule in rules
            for key, indexes in _members(prepared, rule).items()}


def _members(prepared: Sequence[Mapping[str, Any]], rule: BlockingRule) -> dict[str, list[int]]:
    members: dict[str, list[int]] = defaultdict(list)
    for index, keys in enumerate(map(rule.keys, prepared)):
        for key in keys if len(keys) < 2 else set(keys):
            members[key].append(index)
    members.pop("", None)
    return members


def candidate_pairs(prepared: Sequence[Mapping[str, Any]], rules: Iterable[BlockingRule],
                    sort_keys: Iterable[SortKey] = (), *, window: int = 4,
                    max_block: int = 40, ties: list[str] | None = None) -> np.ndarray:
    """Unique ``(i, j)`` pairs, ``i < j``, from capped blocks and sorted neighbourhoods;
    ``ties`` (e.g. the record ids) orders equal sort keys, independently of record order."""
    within: list[tuple[int, int]] = []
    for rule in rules:
        for members in _members(prepared, rule).values():
            if 2 <= len(members) <= max_block:
                within.extend(combinations(members, 2))
    chunks = [np.array(within, dtype=np.int64).reshape(-1, 2)]
    for sort_key in sort_keys:
        chunks.append(neighbourhood_pairs([sort_key(r) for r in prepared], window, ties))
    return unique_pairs(chunks)


def neighbourhood_pairs(keys: list[str], window: int,
                        ties: list[str] | None = None) -> np.ndarray:
    """Each record with the next ``window - 1`` records in key order (empty keys left out)."""
    ranked = sorted(zip(keys, ties if ties is not None else [""] * len(keys), range(len(keys)),
                        strict=True))
    order = np.array([i for key, _, i in ranked if key], dtype=np.int64)
    parts = [np.stack([order[:-step], order[step:]], axis=1)
             for step in range(1, window) if len(order) > step]
    return np.concatenate(parts) if parts else np.empty((0, 2), dtype=np.int64)


def unique_pairs(chunks: list[np.ndarray]) -> np.ndarray:
    chunks = [c for c in chunks if len(c)]
    if not chunks:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.concatenate(chunks)
    low, high = np.minimum(pairs[:, 0], pairs[:, 1]), np.maximum(pairs[:, 0], pairs[:, 1])
    different = low != high
    low, high = low[different], high[different]
    width = int(high.max()) + 1 if len(high) else 1
    codes = np.unique(low * width + high)  # one int per pair sorts fast
    return np.stack([codes // width, codes % width], axis=1)
