"""The de-duplication engine's public API. Pure: plain dicts in, plain dataclasses out.

    result = find_duplicates(records, contact_spec(), known_decisions={frozenset({3, 8})})
    result.pairs      # ScoredPair(left, right, score, probability, decision, evidence), best first
    result.clusters   # lists of ids linked by proposed pairs

    index = build_index(records, contact_spec(), weights=result.weights)
    lookup({"first_name": "Aline", "last_name": "Poirier", "emails": [...]}, index)

Records are mappings; ``spec.id_key`` (default ``"id"``) names their id, else their position is
used. A pair is proposed only if its match weight (``score``, in bits) reaches ``spec.lower``:
``decision`` is "certain" when it also reaches ``spec.upper`` with at least
``spec.certain_fields`` fields agreeing (each adding weight for a match), whichever they are;
"review" otherwise. ``known_decisions`` holds the id pairs a reviewer marked "not the same
person": they are never proposed, nor linked in clusters.

Weights are estimated from the records themselves unless given: ``u`` on random pairs, ``m`` by
EM in sessions blocked on one field each, with priors, monotonicity and a check that falls back
to default weights (method and references: ``crm.dedupe.engine.training``); reviewers' verdicts
re-estimate ``m`` (``training.reestimate_with_labels``). A missing value, or a name lacking a
part, on either side weighs 0 (``fields.MISSING``); a record lacking its first name is then
compared on its surname alone, and e-mail user names across domains speak where names do not
agree exactly (``spec.FieldSpec.only_if_missing``, ``unless_exact``).
``scoring.contributions`` gives one pair's weight per field.
"""

from __future__ import annotations

import gc
import math
from bisect import bisect_left
from collections.abc import Callable, Collection, Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from crm.dedupe.engine.blocking import blocks, candidate_pairs
from crm.dedupe.engine.clusters import connected_components
from crm.dedupe.engine.dataset import Prepared, drop_shared, prepare, prepare_values, tf_key
from crm.dedupe.engine.fields import KINDS
from crm.dedupe.engine.scoring import (
    Weights,
    compare,
    compare_pairs,
    raw_scores,
    tf_adjustments,
    tf_bonuses,
)
from crm.dedupe.engine.spec import Spec, contact_spec
from crm.dedupe.engine.training import estimate

CERTAIN, REVIEW = "certain", "review"


@dataclass(frozen=True)
class Evidence:
    field: str
    level: int  # -1 when a value is missing on either side
    label: str
    weight: float


@dataclass(frozen=True)
class ScoredPair:
    left: Hashable
    right: Hashable
    score: float
    probability: float
    decision: str
    evidence: tuple[Evidence, ...]


@dataclass
class Result:
    pairs: list[ScoredPair]
    clusters: list[list[Hashable]]
    weights: Weights
    candidates: int


STEPS = ("prepare", "block", "compare", "weigh", "score")


def find_duplicates(records: Sequence[Mapping[str, Any]], spec: Spec | None = None, *,
                    known_decisions: Collection[frozenset[Hashable]] = (),
                    weights: Weights | None = None,
                    on_step: Callable[[str], None] | None = None) -> Result:
    """Scored pairs at or above ``spec.lower``, best first, and their clusters.
    ``on_step(name)`` is called as each of ``STEPS`` begins (a progress display)."""
    with collector_paused():
        spec = spec or contact_spec()
        return _find_duplicates(canonical_order(records, spec.id_key), spec, known_decisions,
                                weights, on_step or _ignore)


def canonical_order(records: Sequence[Mapping[str, Any]],
                    id_key: str = "id") -> Sequence[Mapping[str, Any]]:
    """The records sorted by id (``spec.id_key``), so that training (which samples pairs by
    position) and hence every score are the same whatever order the caller read the records
    in. Ids that are missing or cannot be compared with each other keep the caller's order."""
    try:
        return sorted(records, key=lambda record: record[id_key])
    except (KeyError, TypeError):
        return records


def _ignore(_step: str) -> None:
    pass


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: a scan allocates millions of small objects without
    cycles (prepared values, block lists), and the collector's repeated passes over them cost
    a fifth of the time for nothing; reference counting still frees everything."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _find_duplicates(records: Sequence[Mapping[str, Any]], spec: Spec,
                     known_decisions: Collection[frozenset[Hashable]],
                     weights: Weights | None, on_step: Callable[[str], None]) -> Result:
    on_step("prepare")
    prepared = prepare(records, spec)
    on_step("block")
    pairs = candidate_pairs(prepared.rows, spec.blocking, spec.sort_keys, window=spec.window,
                            max_block=spec.max_block, ties=[str(i) for i in prepared.ids])
    pairs = _without_decided(_linking(pairs, records, spec), prepared.ids, known_decisions)
    on_step("compare")
    levels = compare_pairs(prepared, pairs, spec)
    on_step("weigh")
    weights = weights or estimate(prepared, levels, spec)
    on_step("score")
    scores = raw_scores(levels, weights) + tf_adjustments(prepared, pairs, spec)
    keep = np.flatnonzero(scores >= spec.lower)
    keep = keep[np.argsort(-scores[keep], kind="stable")]
    tables = [t.tolist() for t in weights.level_weights()]
    scored = [_scored(prepared.ids[i], prepared.ids[j], score, row, weights, spec, tables)
              for i, j, score, row in zip(pairs[keep, 0].tolist(), pairs[keep, 1].tolist(),
                                          scores[keep].tolist(), levels[keep].tolist(),
                                          strict=True)]
    clusters = connected_components((p.left, p.right) for p in scored)
    return Result(scored, clusters, weights, len(pairs))


def _linking(pairs: np.ndarray, records: Sequence[Mapping[str, Any]], spec: Spec) -> np.ndarray:
    """Only pairs across sources when the spec links lists (``link_key``)."""
    if spec.link_key is None or not len(pairs):
        return pairs
    sources = np.array([str(r.get(spec.link_key)) for r in records], dtype=object)
    return pairs[sources[pairs[:, 0]] != sources[pairs[:, 1]]]


def _without_decided(pairs: np.ndarray, ids: list[Hashable],
                     known: Collection[frozenset[Hashable]]) -> np.ndarray:
    if not known or not len(pairs):
        return pairs
    keep = [frozenset((ids[i], ids[j])) not in known for i, j in pairs.tolist()]
    return pairs[np.array(keep, dtype=bool)]


def _scored(left: Hashable, right: Hashable, score: float, levels: list[int],
            weights: Weights, spec: Spec, tables: list[list[float]]) -> ScoredPair:
    evidence = tuple(
        Evidence(f.name, level, KINDS[f.kind].labels[level] if level >= 0 else "missing",
                 table[level] if level >= 0 else 0.0)
        for f, level, table in zip(spec.fields, levels, tables, strict=True))
    agreeing = sum(e.weight > 0 for e in evidence)
    decision = CERTAIN if score >= spec.upper and agreeing >= spec.certain_fields else REVIEW
    prior = math.log2(weights.match_share / (1 - weights.match_share))
    probability = 1 / (1 + 2 ** -min(max(score + prior, -60.0), 60.0))
    return ScoredPair(left, right, score, probability, decision, evidence)


@dataclass
class Index:
    """Prepared records, their blocks and sort orders, for single-record lookups."""

    spec: Spec
    prepared: Prepared
    weights: Weights
    blocks: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    orders: list[tuple[list[str], list[int]]] = field(default_factory=list)
    bonuses: dict[str, dict[str, float]] = field(default_factory=dict)
    tables: list[list[float]] = field(default_factory=list)


def build_index(records: Sequence[Mapping[str, Any]], spec: Spec | None = None, *,
                weights: Weights | None = None) -> Index:
    """An index of the records; weights estimated from them unless given."""
    spec = spec or contact_spec()
    if weights is None:
        weights = find_duplicates(records, spec).weights
    with collector_paused():
        return _build_index(records, spec, weights)


def _build_index(records: Sequence[Mapping[str, Any]], spec: Spec, weights: Weights) -> Index:
    prepared = prepare(records, spec)
    orders = []
    for sort_key in spec.sort_keys:
        keyed = sorted((sort_key(row), i) for i, row in enumerate(prepared.rows))
        orders.append(([k for k, _ in keyed], [i for _, i in keyed]))
    return Index(spec, prepared, weights, blocks(prepared.rows, spec.blocking), orders,
                 tf_bonuses(prepared, spec), [t.tolist() for t in weights.level_weights()])


def lookup(record: Mapping[str, Any], index: Index, *, limit: int = 5,
           known_decisions: Collection[frozenset[Hashable]] = ()) -> list[ScoredPair]:
    """The indexed records that may be the same person as ``record``, best first."""
    spec, prepared = index.spec, index.prepared
    row = drop_shared(prepare_values(record, spec), spec, prepared.shared)
    own_id = record.get(spec.id_key)
    found = []
    for candidate in _lookup_candidates(row, index):
        other_id = prepared.ids[candidate]
        if other_id == own_id or frozenset((own_id, other_id)) in known_decisions:
            continue
        other = prepared.rows[candidate]
        levels = compare(row, other, spec)
        score = sum(table[level] for table, level in zip(index.tables, levels, strict=True)
                    if level >= 0) + _tf_bonus(row, other, index)
        if score >= spec.lower:
            found.append(_scored(own_id, other_id, score, levels, index.weights, spec,
                                 index.tables))
    return sorted(found, key=lambda p: -p.score)[:limit]


def _lookup_candidates(row: Mapping[str, Any], index: Index) -> set[int]:
    spec, found = index.spec, set()
    for rule in spec.blocking:
        for key in set(rule.keys(row)):
            members = index.blocks.get((rule.name, key), [])
            if len(members) < spec.max_block:
                found.update(members)
    for sort_key, (keys, positions) in zip(spec.sort_keys, index.orders, strict=True):
        key = sort_key(row)
        if key:
            at = bisect_left(keys, key)
            found.update(positions[max(0, at - spec.window + 1):at + spec.window - 1])
    return found


def _tf_bonus(row: Mapping[str, Any], other: Mapping[str, Any], index: Index) -> float:
    total = 0.0
    for name, bonus in index.bonuses.items():
        kind = index.spec.field(name).kind
        key = tf_key(kind, row.get(name))
        if key is not None and key == tf_key(kind, other.get(name)):
            total += bonus.get(key, 0.0)
    return total
