"""Checks on learned weights: monotonicity and the degeneracy check. Pure functions (numpy).

Method and references: ``crm.dedupe.engine.training``. ``monotone`` makes a closer agreement
level never weigh less than a looser one (weighted pool-adjacent-violators on the level
weights, Barlow et al., 1972) and an exact name never weigh less than the exact agreement of a
field people share (``SHARED_KINDS``: an outlet, an address); ``degenerate`` names what looks
wrong with learned weights.
"""

from __future__ import annotations

import numpy as np

from crm.dedupe.engine.scoring import Weights
from crm.dedupe.engine.spec import Spec

MAX_MATCH_SHARE = 0.5
SHARED_KINDS = frozenset({"text", "set"})  # outlets, addresses: held by colleagues, families
MIN_SPREAD = 1.0  # bits between a field's exact agreement and its disagreement, at least
MIN_NAME_AGREEMENT = 0.5  # share of matches at a name's two closest levels, at least


def monotone(weights: Weights, spec: Spec) -> Weights:
    """Weights whose level weights never decrease with closeness, an exact name weighing at
    least what the exact agreement of a shared field (outlet, address) weighs; u unchanged."""
    m = [_monotone_field(m, u) for m, u in zip(weights.m, weights.u, strict=True)]
    floor = max((float(np.log2(m[c][-1] / weights.u[c][-1]))
                 for c, f in enumerate(spec.fields) if f.kind in SHARED_KINDS), default=None)
    if floor is not None:
        for column, spec_field in enumerate(spec.fields):
            if spec_field.kind == "name":
                m[column] = _raise_top(m[column], weights.u[column], floor)
    return Weights(m, list(weights.u), weights.match_share)


def _monotone_field(m: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Pool adjacent violators on log2(m / u), weighted by m + u, then m rebuilt from it."""
    log_ratio = np.log2(m / u)
    blocks: list[list[float]] = []  # [weighted sum, weight, size]
    for value, weight in zip(log_ratio.tolist(), (m + u).tolist(), strict=True):
        blocks.append([value * weight, weight, 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            last = blocks.pop()
            blocks[-1] = [a + b for a, b in zip(blocks[-1], last, strict=True)]
    fitted = np.concatenate([np.full(int(size), total / weight)
                             for total, weight, size in blocks])
    if np.allclose(fitted, log_ratio):
        return m
    rebuilt = u * np.exp2(fitted)
    return rebuilt / rebuilt.sum()  # one constant shift of every weight: the order stays


def _raise_top(m: np.ndarray, u: np.ndarray, floor: float) -> np.ndarray:
    """m with its top level's weight at least ``floor``, the mass taken from the others."""
    wanted = min(float(u[-1] * 2.0 ** floor), 1 - 1e-6)
    if m[-1] >= wanted or len(m) < 2:
        return m
    rest = m[:-1] * (1 - wanted) / max(float(m[:-1].sum()), 1e-12)
    return np.append(rest, wanted)


def degenerate(weights: Weights, spec: Spec) -> list[str]:
    """What looks wrong with learned weights (empty when they look sound)."""
    problems = []
    for spec_field, table in zip(spec.fields, weights.level_weights(), strict=True):
        if table[-1] <= 0:
            problems.append(f"exact {spec_field.name} is evidence against a match")
        if table[0] >= 0:
            problems.append(f"different {spec_field.name} is evidence for a match")
        elif table[-1] - table[0] < MIN_SPREAD:
            problems.append(f"{spec_field.name} hardly tells matches apart")
    for spec_field, m in zip(spec.fields, weights.m, strict=True):
        if spec_field.kind == "name" and m[-2:].sum() < MIN_NAME_AGREEMENT:
            problems.append(f"records of one person rarely agree on {spec_field.name}")
    if not 0 < weights.match_share <= MAX_MATCH_SHARE:
        problems.append(f"match share {weights.match_share:.3f}")
    return problems
