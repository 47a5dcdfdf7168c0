"""The comparisons of ``crm.dedupe.fields`` computed for many pairs at once.

Same levels as the per-pair functions (a test checks they agree), but the string distances run
in RapidFuzz's C++ ``cpdist`` over whole columns and the level logic in numpy. Inputs are the
prepared values of the left and right records of each pair, never None (missing values are
masked by the caller).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, JaroWinkler, Prefix

WORKERS = -1  # all cores: the distances release the GIL


def _similarity(left: Sequence[str], right: Sequence[str], scorer: Any) -> np.ndarray:
    return process.cpdist(left, right, scorer=scorer, workers=WORKERS, dtype=np.float64)


def _first_levels(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    same = a == b
    empty = (np.char.str_len(a) == 0) | (np.char.str_len(b) == 0)
    shortest = np.minimum(np.char.str_len(a), np.char.str_len(b))
    prefix = _similarity(a, b, Prefix.similarity) >= np.maximum(shortest, 1)
    similar = _similarity(a, b, JaroWinkler.normalized_similarity) >= 0.88
    return np.where(same, 2, np.where(empty | prefix | similar, 1, 0))


def _last_levels(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    same = a == b
    empty = (np.char.str_len(a) == 0) | (np.char.str_len(b) == 0)
    overlap = _similarity(a, b, fuzz.token_set_ratio) >= 100
    similar = _similarity(a, b, JaroWinkler.normalized_similarity) >= 0.9
    return np.where(same, 2, np.where(~empty & (overlap | similar), 1, 0))


_NAME_TABLE = np.zeros((3, 3), dtype=np.int8)
_NAME_TABLE[2, 2], _NAME_TABLE[2, 1], _NAME_TABLE[1, 2] = 4, 3, 2
_NAME_TABLE[1, 1], _NAME_TABLE[2, 0] = 2, 1


def names(left: Sequence[Any], right: Sequence[Any]) -> np.ndarray:
    """Levels of ``fields.compare_name`` for (first, last) pairs, either order."""
    first_a, last_a = (np.array([v[k] for v in left], dtype=str) for k in (0, 1))
    first_b, last_b = (np.array([v[k] for v in right], dtype=str) for k in (0, 1))
    direct = _NAME_TABLE[_last_levels(last_a, last_b), _first_levels(first_a, first_b)]
    crossed_last, crossed_first = _last_levels(last_a, first_b), _last_levels(first_a, last_b)
    swapped = np.maximum(_NAME_TABLE[crossed_last, _first_levels(first_a, last_b)],
                         _NAME_TABLE[crossed_first, _first_levels(last_a, first_b)])
    same = (first_a == first_b) & (last_a == last_b)
    return np.where(same, 4, np.where(direct >= 2, direct, np.maximum(direct, swapped)))


def texts(left: Sequence[str], right: Sequence[str]) -> np.ndarray:
    """Levels of ``fields.compare_text``."""
    similarity = _similarity(left, right, JaroWinkler.normalized_similarity)
    same = np.array(left, dtype=object) == np.array(right, dtype=object)
    return np.where(same, 3, np.where(similarity >= 0.92, 2, np.where(similarity >= 0.8, 1, 0)))


def codes(left: Sequence[str], right: Sequence[str]) -> np.ndarray:
    """Levels of ``fields.compare_code``."""
    distance = _similarity(left, right, OSA.distance)
    return np.select([distance == 0, distance == 1, distance == 2], [3, 2, 1], 0)


VECTORISED: dict[str, Callable[[Sequence[Any], Sequence[Any]], np.ndarray]] = {
    "name": names, "text": texts, "code": codes}
