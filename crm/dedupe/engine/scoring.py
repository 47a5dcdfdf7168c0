"""Fellegi-Sunter scoring. Pure functions (numpy).

For each field and agreement level, ``m`` is the probability of that level between two records
of the same person and ``u`` between two different people (how they are learned:
``crm.dedupe.engine.training``; ``u`` is measured on random pairs here, ``initial_u``). A pair's
*match weight* is the sum over fields of ``log2(m / u)`` for its levels (a missing value adds
nothing), plus a term-frequency adjustment: agreeing on a surname held by many records ("Martin")
counts less than agreeing on a rare one, by ``log2(mean frequency / frequency of this value)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from crm.dedupe.engine import vector
from crm.dedupe.engine.dataset import Prepared, tf_key
from crm.dedupe.engine.fields import KINDS, MISSING, Value
from crm.dedupe.engine.spec import Spec

SMOOTHING = 0.5
RANDOM_PAIRS = 15_000
EM_MIN_PAIRS = 1_000  # fewer candidates say too little: keep the prior m
MIN_MEASURED = 1_000  # random pairs with a value on both sides needed to measure a field's u
MIN_RECORDS = 2_000  # in fewer records, random pairs hold too many true matches to measure u
TF_LIMIT = 6.0


@dataclass
class Weights:
    m: list[np.ndarray]
    u: list[np.ndarray]
    match_share: float

    def level_weights(self) -> list[np.ndarray]:
        return [np.log2(m / u) for m, u in zip(self.m, self.u, strict=True)]

    def fits(self, spec: Spec) -> bool:
        """One table per field of ``spec``, one entry per level: weights saved before a field
        or a level was added do not fit (the next scan learns anew)."""
        return len(self.m) == len(self.u) == len(spec.fields) and all(
            len(m) == len(u) == KINDS[f.kind].top + 1
            for m, u, f in zip(self.m, self.u, spec.fields, strict=False))


def compare(a: Mapping[str, Value], b: Mapping[str, Value], spec: Spec) -> list[int]:
    """The agreement level of each field between two prepared rows."""
    levels = [MISSING] * len(spec.fields)
    for column in _order(spec):
        spec_field = spec.fields[column]
        left, right = a.get(spec_field.name), b.get(spec_field.name)
        if left is not None and right is not None and _compared(spec, column, levels):
            levels[column] = KINDS[spec_field.kind].compare(left, right)
    return levels


def _order(spec: Spec) -> list[int]:
    """The fields' columns, those compared on a condition last."""
    return sorted(range(len(spec.fields)), key=lambda column: _condition(spec, column) is not None)


def _condition(spec: Spec, column: int) -> tuple[int, bool] | None:
    """(the other field's column, True when its exact agreement makes this one ``MISSING`` or
    False when only its ``MISSING`` lets this one be compared); None: always compared."""
    spec_field, names = spec.fields[column], [f.name for f in spec.fields]
    if spec_field.unless_exact is not None:
        return names.index(spec_field.unless_exact), True
    if spec_field.only_if_missing is not None:
        return names.index(spec_field.only_if_missing), False
    return None


def _compared(spec: Spec, column: int, levels: Any) -> Any:
    """Whether (for a level matrix: where) a conditional field is compared."""
    condition = _condition(spec, column)
    if condition is None:
        return True
    other, unless_exact = condition
    found = levels[other] if isinstance(levels, list) else levels[:, other]
    return found != KINDS[spec.fields[other].kind].top if unless_exact else found == MISSING


def compare_pairs(prepared: Prepared, pairs: np.ndarray, spec: Spec) -> np.ndarray:
    """Levels of every pair, one column per field (``MISSING`` = -1)."""
    levels = np.full((len(pairs), len(spec.fields)), MISSING, dtype=np.int8)
    for column in _order(spec):
        spec_field = spec.fields[column]
        present = _present(prepared, spec_field.name)
        keep = np.flatnonzero(present[pairs[:, 0]] & present[pairs[:, 1]] &
                              _compared(spec, column, levels))
        if len(keep):
            levels[keep, column] = _compare_column(prepared, spec_field.name, spec_field.kind,
                                                   pairs[keep, 0], pairs[keep, 1])
    return levels


def _present(prepared: Prepared, name: str) -> np.ndarray:
    key = f"present:{name}"
    if key not in prepared.cache:
        values = prepared.column(name)
        prepared.cache[key] = np.fromiter((v is not None for v in values), dtype=bool,
                                          count=len(values))
    return prepared.cache[key]


def column_table(prepared: Prepared, name: str, kind: str) -> Any:
    """The table ``crm.dedupe.engine.vector`` compares one field with, built once per scan."""
    key = f"table:{name}"
    if key not in prepared.cache:
        prepared.cache[key] = vector.tabulate(kind, prepared.column(name))
    return prepared.cache[key]


def _compare_column(prepared: Prepared, name: str, kind: str, left: np.ndarray,
                    right: np.ndarray) -> np.ndarray:
    values = prepared.column(name)
    table = column_table(prepared, name, kind)
    if table is not None:
        return vector.levels(kind, table, left, right)
    compare_values = KINDS[kind].compare
    return np.array([compare_values(values[i], values[j])
                     for i, j in zip(left.tolist(), right.tolist(), strict=True)])


def random_pairs(count: int, size: int, seed: int = 20260610) -> np.ndarray:
    rng = np.random.default_rng(seed)
    pairs = rng.integers(0, count, size=(size, 2)) if count > 1 else np.empty((0, 2), int)
    return pairs[pairs[:, 0] != pairs[:, 1]]


def level_shares(levels: np.ndarray, spec: Spec, weight: np.ndarray | None = None,
                 priors: list[np.ndarray] | None = None) -> list[np.ndarray]:
    """Per field, the (weighted, smoothed) share of each level among non-missing values;
    ``priors`` adds pseudo-counts per field and level (a Dirichlet prior)."""
    weight = np.ones(len(levels)) if weight is None else weight
    shares = []
    for column, spec_field in enumerate(spec.fields):
        sizes = KINDS[spec_field.kind].top + 1
        counts = np.bincount(levels[:, column] + 1, weights=weight, minlength=sizes + 1)[1:]
        counts = counts + SMOOTHING + (priors[column] if priors is not None else 0.0)
        shares.append(counts / counts.sum())
    return shares


def initial_m(spec: Spec) -> list[np.ndarray]:
    """The prior for m: records of one person mostly agree at the top level."""
    return [np.array(KINDS[f.kind].m_prior) for f in spec.fields]


def initial_u(prepared: Prepared, spec: Spec) -> list[np.ndarray]:
    """u measured on random pairs, or the kinds' priors for a small set of records (and for
    fields too seldom filled in to measure)."""
    if len(prepared.rows) < MIN_RECORDS:
        return [np.array(KINDS[f.kind].u_prior) for f in spec.fields]
    levels = compare_pairs(prepared, random_pairs(len(prepared.rows), RANDOM_PAIRS), spec)
    measured = level_shares(levels, spec)
    # a field seldom filled in on both sides of random pairs keeps its kind's prior
    return [shares if np.count_nonzero(levels[:, column] != MISSING) >= MIN_MEASURED
            else np.array(KINDS[f.kind].u_prior)
            for column, (f, shares) in enumerate(zip(spec.fields, measured, strict=True))]


def distinct_rows(levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of a level matrix and how many times each occurs (as floats); one
    integer code per row makes this much faster than ``np.unique(axis=0)``."""
    base = int(levels.max(initial=0)) + 2  # levels run from -1 (missing)
    if base ** levels.shape[1] >= 2 ** 62:  # too many fields for one int64 code
        patterns, counts = np.unique(levels, axis=0, return_counts=True)
        return patterns, counts.astype(np.float64)
    codes = np.zeros(len(levels), dtype=np.int64)
    for column in range(levels.shape[1]):
        codes = codes * base + (levels[:, column].astype(np.int64) + 1)
    _, first, counts = np.unique(codes, return_index=True, return_counts=True)
    return levels[first], counts.astype(np.float64)


def raw_scores(levels: np.ndarray, weights: Weights) -> np.ndarray:
    """Sum of the level weights of each pair, without term-frequency adjustment."""
    scores = np.zeros(len(levels))
    for column, table in enumerate(weights.level_weights()):
        # index -1 (missing) picks the appended 0.0: a missing value is no evidence
        scores += np.append(table, 0.0)[levels[:, column]]
    return scores


def contributions(levels: Sequence[int], weights: Weights, spec: Spec) \
        -> list[tuple[str, int, float]]:
    """Per field of one pair: (field, level, bits), a missing level (``MISSING``) adding 0.
    Without the term-frequency adjustment (see ``tf_adjustments``)."""
    return [(spec_field.name, int(level), float(table[level]) if level != MISSING else 0.0)
            for spec_field, level, table in zip(spec.fields, levels, weights.level_weights(),
                                                strict=True)]


def match_probability(scores: np.ndarray, match_share: float) -> np.ndarray:
    prior = np.log2(match_share / (1 - match_share))
    return 1 / (1 + np.exp2(-(scores + prior)))


def tf_bonuses(prepared: Prepared, spec: Spec) -> dict[str, dict[str, float]]:
    """Per tf field, the adjustment earned by agreeing on each key."""
    bonuses = {}
    for spec_field in (f for f in spec.fields if f.tf):
        table = prepared.tf.get(spec_field.name, {})
        mean = sum(p * p for p in table.values()) / max(sum(table.values()), 1e-12)
        bonuses[spec_field.name] = {key: tf_weight(share, mean) for key, share in table.items()}
    return bonuses


def tf_adjustments(prepared: Prepared, pairs: np.ndarray, spec: Spec) -> np.ndarray:
    """Per pair, the term-frequency adjustment summed over fields that agree on their tf key."""
    adjust = np.zeros(len(pairs))
    for name, bonus in tf_bonuses(prepared, spec).items():
        kind = spec.field(name).kind
        ids: dict[str | None, int] = {key: n for n, key in enumerate(bonus)}
        key_ids: np.ndarray = np.array([ids.get(tf_key(kind, value), -1) if value is not None else -1
                            for value in prepared.column(name)] + [-1])
        weights = np.array([*bonus.values(), 0.0])
        a, b = key_ids[pairs[:, 0]], key_ids[pairs[:, 1]]
        adjust += np.where((a == b) & (a >= 0), weights[a], 0.0)
    return adjust


def tf_weight(frequency: float, mean: float) -> float:
    """log2(mean frequency / this frequency), bounded: positive for rare values."""
    return float(np.clip(np.log2(mean / frequency), -TF_LIMIT, TF_LIMIT))
