"""Records prepared once for comparison: normalised field values, shared values removed, term
frequencies counted. Pure functions.

``prepare(records, spec)`` returns a ``Prepared`` whose ``rows[i]`` maps each field name to its
prepared value (None when missing) for ``records[i]``. Values found to be shared (see
``crm.dedupe.engine.spec``) are removed from the rows and kept in ``shared`` so that a later lookup
ignores them too. ``tf[field][key]`` is the share of records holding that key (the surname for
names), for the term-frequency adjustment.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz.distance import JaroWinkler

from crm.dedupe.engine.fields import KINDS, Value, user_name
from crm.dedupe.engine.spec import Spec

_LOCAL_SPLIT = re.compile(r"[.\-_+]")


@dataclass
class Prepared:
    ids: list[Hashable]
    rows: list[dict[str, Value]]
    shared: dict[str, frozenset[str]] = field(default_factory=dict)
    tf: dict[str, dict[str, float]] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)  # per-field tables built when needed

    def column(self, name: str) -> list[Value]:
        """The prepared values of one field, one per record."""
        key = f"column:{name}"
        if key not in self.cache:
            self.cache[key] = [row.get(name) for row in self.rows]
        return self.cache[key]


def prepare(records: Sequence[Mapping[str, Any]], spec: Spec) -> Prepared:
    columns = {f.name: _column(records, f.keys, KINDS[f.kind].prepare) for f in spec.fields}
    shared = find_shared(columns, spec)
    for name, values in shared.items():
        if values:
            columns[name] = [(v - values or None) if v and not v.isdisjoint(values) else v
                             for v in columns[name]]
    names = list(columns)
    rows = [dict(zip(names, values, strict=True))
            for values in zip(*columns.values(), strict=True)]
    ids = [r.get(spec.id_key, index) for index, r in enumerate(records)]
    prepared = Prepared(ids, rows, shared, term_frequencies(columns, spec))
    prepared.cache.update((f"column:{name}", values) for name, values in columns.items())
    return prepared


def _column(records: Sequence[Mapping[str, Any]], keys: tuple[str, ...],
            prepare_value: Callable[[tuple[Any, ...]], Value]) -> list[Value]:
    return [prepare_value(tuple(map(record.get, keys))) for record in records]


def prepare_values(record: Mapping[str, Any], spec: Spec) -> dict[str, Value]:
    return {f.name: KINDS[f.kind].prepare(tuple(record.get(k) for k in f.keys))
            for f in spec.fields}


def tf_key(kind: str, value: Value) -> str | None:
    """The part of a value whose rarity matters: the surname of a name, a whole text or code."""
    if value is None:
        return None
    if kind == "name":
        return value[1] or None
    return value if isinstance(value, str) else None


def is_generic(value: str, spec: Spec) -> bool:
    """A newsroom-style address (``redaction@``, ``contact.dijon@``) or a value the caller
    declared shared."""
    if value in spec.shared_values:
        return True
    if "@" not in value:
        return False
    local = value.split("@", 1)[0]
    return _LOCAL_SPLIT.split(local)[0] in spec.generic_local_parts or local.startswith("redac")


def find_shared(columns: Mapping[str, list[Value]], spec: Spec) -> dict[str, frozenset[str]]:
    """Per shared field, the values that identify nobody (``columns``: field → values)."""
    name_field = next((f.name for f in spec.fields if f.kind == "name"), None)
    names = columns[name_field] if name_field else None
    shared: dict[str, frozenset[str]] = {}
    for spec_field in (f for f in spec.fields if f.shared):
        column = columns[spec_field.name]
        counts = Counter(v for values in column if values for v in values)
        # e-mail user names: "leroy@" or "jmartin@" at several outlets is several people
        key = user_name if spec_field.kind == "email_user" else None
        keyed = Counter(map(key, counts.elements())) if key else counts
        frequent = {v for v, n in keyed.items() if n >= spec.shared_min_names}
        holders: dict[str, list[Value]] = defaultdict(list)
        for index, values in enumerate(column):
            for value in frequent.intersection(map(key, values or ()) if key else values or ()):
                holders[value].append(names[index] if names else index)
        held = {v for v, who in holders.items()
                if people(who, spec.shared_min_names) >= spec.shared_min_names}
        shared[spec_field.name] = frozenset(
            {v for v in counts if (key(v) if key else v) in held or is_generic(v, spec)})
    return shared


def people(holders: list[Value], enough: int) -> int:
    """How many different people hold a value, counted up to ``enough``: holders are one person
    when their first names are alike (equal, one the start of the other, Jaro-Winkler 0.88 as
    names compare), either order (a swapped first name and surname); a holder with a surname
    only is one of those with that surname, if any; a holder without a name (or an index, when
    the records have no name field) counts apart."""
    people: list[tuple[str, str]] = []
    surname_only: set[str] = set()
    count = 0
    for name in holders:
        if not isinstance(name, tuple) or not (name[0] or name[1]):
            count += 1
        elif not name[0]:
            surname_only.add(name[1])
            continue
        elif not any(_alike(name, other) for other in people):
            people.append(name)
            count += 1
        if count >= enough:
            return count
    known = {last for _, last in people} | {first for first, _ in people}
    return count + len(surname_only - known)


def _alike(a: tuple[str, str], b: tuple[str, str]) -> bool:
    return _alike_first(a[0], b[0]) or (_alike_first(a[0], b[1]) and _alike_first(a[1], b[0]))


def _alike_first(a: str, b: str) -> bool:
    if not a or not b:
        return False
    return a.startswith(b) or b.startswith(a) or JaroWinkler.normalized_similarity(a, b) >= 0.88


def drop_shared(row: dict[str, Value], spec: Spec,
                shared: Mapping[str, frozenset[str]]) -> dict[str, Value]:
    """A new record's row without the dataset's shared values nor generic ones (a lookup)."""
    for spec_field in (f for f in spec.fields if f.shared):
        values = row.get(spec_field.name)
        if values and not values.isdisjoint(shared.get(spec_field.name, ())):
            values = values - shared[spec_field.name]
        if values:
            values = frozenset(v for v in values if not is_generic(v, spec))
        row[spec_field.name] = values or None
    return row


def term_frequencies(columns: Mapping[str, list[Value]], spec: Spec) \
        -> dict[str, dict[str, float]]:
    tf: dict[str, dict[str, float]] = {}
    for spec_field in (f for f in spec.fields if f.tf):
        counts = Counter(tf_key(spec_field.kind, value) for value in columns[spec_field.name])
        counts.pop(None, None)
        total = sum(counts.values()) or 1
        tf[spec_field.name] = {key: count / total for key, count in counts.items() if key}
    return tf
