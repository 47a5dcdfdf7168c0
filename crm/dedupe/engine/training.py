"""How the engine learns its weights, without labels and then with reviewers' labels. Pure
functions (numpy).

The Fellegi-Sunter model (Fellegi and Sunter, 1969) weighs each field's agreement level by
``log2(m / u)``: ``m`` is the probability of that level between two records of one person,
``u`` between two different people. Plain expectation-maximisation over the candidate pairs
(Winkler, 1988; Jaro, 1989) learns whatever two classes best explain them, and in a file of
newsrooms or households the strongest class is "same address, same outlet, same surname":
colleagues and relatives, not duplicates. The estimation therefore follows Splink's training
(Linacre et al., Splink documentation, "Estimating model parameters"), with guards:

1. ``u`` is measured on random pairs of records (nearly all of them two different people)
   and never re-estimated by EM, so the non-match class cannot drift (``initial_u``; the
   kinds' priors below ``MIN_RECORDS`` records, where random pairs hold too many matches).
2. ``m`` is estimated by EM in several *sessions*, each over the pairs of records sharing a
   value of one field (all of them, or ``SESSION_PAIRS`` drawn at random: not the candidate
   pairs, whose blocking on names would make namesakes look like the rule), as Splink's
   ``block_on`` training rules; the blocked field agrees in every pair of its session, so it
   is left out of that session's posterior. A session does not estimate
   the ``m`` of the field it is blocked on (agreement there is given, not measured); each
   field's ``m`` is the median over the sessions that did estimate it (the prior when none
   did). Only fields whose exact agreement is rare between different people (``u`` at the top
   level below ``SESSION_MAX_U``) make a session.
3. Priors keep the match class the minority: EM is maximum a posteriori, with Dirichlet
   pseudo-counts (``PRIOR_PAIRS`` pairs spread as the kind's ``m_prior``) on each field's
   ``m``, and the match share capped at ``checks.MAX_MATCH_SHARE``.
4. Monotonicity (``crm.dedupe.engine.checks``): a closer agreement level never weighs less
   than a looser one (weighted pool-adjacent-violators on the level weights, Barlow et al.,
   1972), and an exact name never weighs less than the exact agreement of a field people
   share (an outlet, an address: kinds in ``checks.SHARED_KINDS``).
5. A check after training (``checks.degenerate``): exact agreement on a field must be evidence
   *for* a match and disagreement evidence against (by ``checks.MIN_SPREAD`` bits at least),
   most records of one person must agree on their name (``checks.MIN_NAME_AGREEMENT``: the
   household trap learns the opposite), the match share must stay a minority.
   When it fails, a warning is issued and the default weights (the kinds' ``m`` priors with the
   measured ``u``) are used instead.

A missing value on either side is its own level (``MISSING``) with weight 0: absence is not
disagreement (as fastLink treats it: Enamorado, Fifield and Imai, 2019). The term-frequency
adjustment on exact agreement is applied apart (``crm.dedupe.engine.scoring``).

Reviewers' verdicts (``reestimate_with_labels``) then re-estimate ``m``: the level shares among
pairs labelled "same person", blended with the unsupervised estimate as if it were worth
``LABEL_PRIOR_PAIRS`` labelled pairs, smoothed and made monotone again; ``u`` is unchanged
(labelled non-matches are the hard ones, not a random sample of different people).
"""

from __future__ import annotations

import warnings
from itertools import combinations

import numpy as np

from crm.dedupe.engine.blocking import unique_pairs
from crm.dedupe.engine.checks import MAX_MATCH_SHARE, degenerate, monotone
from crm.dedupe.engine.dataset import Prepared
from crm.dedupe.engine.fields import KINDS, MISSING
from crm.dedupe.engine.scoring import (
    EM_MIN_PAIRS,
    MIN_RECORDS,
    SMOOTHING,
    Weights,
    column_table,
    compare_pairs,
    distinct_rows,
    initial_m,
    initial_u,
    level_shares,
    match_probability,
    raw_scores,
)
from crm.dedupe.engine.spec import Spec
from crm.dedupe.engine.vector import SET_KINDS

EM_ITERATIONS = 60
EM_TOLERANCE = 1e-6
SESSION_MIN_PAIRS = 200  # fewer pairs in a session say too little
SESSION_PAIRS = 20_000  # pairs drawn for one session, at most
SEED = 20260610
SESSION_MAX_U = 0.01  # a field makes a session when exact agreement is this rare by chance
PRIOR_PAIRS = 20.0  # Dirichlet pseudo-counts on each field's m
DEFAULT_MATCH_SHARE = 0.1
MIN_LABELS = 20  # labelled "same person" pairs needed before they re-estimate m
LABEL_PRIOR_PAIRS = 50.0


class DegenerateWeights(UserWarning):
    """The learned weights looked wrong; the default weights were used."""


def default_weights(prepared: Prepared, spec: Spec) -> Weights:
    """The kinds' m priors with u measured on random pairs, made monotone."""
    return monotone(Weights(initial_m(spec), initial_u(prepared, spec), DEFAULT_MATCH_SHARE),
                    spec)


def estimate(prepared: Prepared, levels: np.ndarray, spec: Spec) -> Weights:
    """u from random pairs, m by EM in blocked sessions, checked (see the module docstring);
    ``levels`` (the candidate pairs') only set the match share."""
    default = default_weights(prepared, spec)
    if len(levels) < EM_MIN_PAIRS or len(prepared.rows) < MIN_RECORDS:
        return default
    learned = estimate_m(prepared, default, spec)
    patterns, counts = distinct_rows(levels)
    learned = Weights(learned.m, learned.u, match_share(patterns, counts, learned))
    problems = degenerate(learned, spec)
    if problems:
        warnings.warn(f"de-duplication weights look degenerate ({'; '.join(problems)}): "
                      "using the default weights", DegenerateWeights, stacklevel=2)
        patterns, counts = distinct_rows(levels)
        return Weights(default.m, default.u, match_share(patterns, counts, default))
    return learned


def estimate_m(prepared: Prepared, start: Weights, spec: Spec) -> Weights:
    """m by EM sessions, each over (a sample of) the pairs of records sharing a value of one
    rare-agreement field, as Splink's training blocks; u kept from ``start``."""
    found: list[list[np.ndarray]] = [[] for _ in spec.fields]
    rng = np.random.default_rng(SEED)
    for column in session_fields(start, spec):
        spec_field = spec.fields[column]
        pairs = session_pairs(*value_keys(prepared, spec_field.name, spec_field.kind),
                              SESSION_PAIRS, rng)
        if len(pairs) < SESSION_MIN_PAIRS:
            continue
        patterns, counts = distinct_rows(compare_pairs(prepared, pairs, spec))
        m, _ = em(patterns, counts, start, spec, fixed=frozenset({column}))
        for other in range(len(spec.fields)):
            if other != column:
                found[other].append(m[other])
    m = [_median(estimates) if estimates else start.m[column]
         for column, estimates in enumerate(found)]
    return monotone(Weights(m, start.u, start.match_share), spec)


def session_pairs(rows: np.ndarray, keys: np.ndarray, limit: int,
                  rng: np.random.Generator) -> np.ndarray:
    """Pairs of records sharing a value (``rows[n]`` holds the value numbered ``keys[n]``), all
    of them or ``limit`` drawn uniformly among them."""
    order = np.argsort(keys, kind="stable")
    rows, keys = rows[order], keys[order]
    _, starts, sizes = np.unique(keys, return_index=True, return_counts=True)
    shared = sizes > 1
    starts, sizes = starts[shared], sizes[shared]
    within = sizes * (sizes - 1) // 2
    if not within.sum():
        return np.empty((0, 2), dtype=np.int64)
    if within.sum() <= limit:
        return unique_pairs([np.array(list(combinations(rows[start:start + size].tolist(), 2)),
                                      dtype=np.int64)
                             for start, size in zip(starts.tolist(), sizes.tolist(), strict=True)])
    group = rng.choice(len(sizes), size=limit, p=within / within.sum())
    first = rng.integers(0, sizes[group])
    second = rng.integers(0, sizes[group] - 1)
    second += second >= first
    return unique_pairs([np.stack([rows[starts[group] + first], rows[starts[group] + second]],
                                  axis=1)])


def value_keys(prepared: Prepared, name: str, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Each (record, value number) of one field: from the comparison's id table for the
    multi-valued kinds, else numbered here."""
    table = column_table(prepared, name, kind)
    if kind in SET_KINDS and table is not None:
        ids = table[1] if kind == "email_user" else table[0]  # user names: pairs sharing one
        rows, slots = np.nonzero(ids >= 0)
        return rows.astype(np.int64), ids[rows, slots]
    found: list[int] = []
    keys: list[str] = []
    for index, value in enumerate(prepared.column(name)):
        for key in () if value is None else value if isinstance(value, frozenset) else (value,):
            found.append(index)
            keys.append(key if isinstance(key, str) else "\x1f".join(map(str, key)))
    if not keys:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    _, numbers = np.unique(np.array(keys), return_inverse=True)
    return np.array(found, dtype=np.int64), numbers.astype(np.int64)


def session_fields(weights: Weights, spec: Spec) -> list[int]:
    """The fields whose exact agreement is rare between different people."""
    return [column for column, (spec_field, u) in enumerate(zip(spec.fields, weights.u,
                                                                strict=True))
            if u[KINDS[spec_field.kind].top] < SESSION_MAX_U
            and spec_field.only_if_missing is None]  # its pairs would share a whole name


def _median(estimates: list[np.ndarray]) -> np.ndarray:
    m = np.median(np.stack(estimates), axis=0)
    return m / m.sum()


def em(patterns: np.ndarray, counts: np.ndarray, start: Weights, spec: Spec,
       fixed: frozenset[int] = frozenset()) -> tuple[list[np.ndarray], float]:
    """MAP expectation-maximisation of m and the match share over distinct level patterns
    (``counts`` pairs each), u fixed; the ``fixed`` fields (those the session is blocked on)
    are left out of the posterior and keep their m."""
    m, share = list(start.m), start.match_share
    priors = [np.array(KINDS[f.kind].m_prior) * PRIOR_PAIRS for f in spec.fields]
    for _ in range(EM_ITERATIONS):
        # the blocked fields agree in every pair: they weigh nothing here (m read as u)
        scoring = [start.u[column] if column in fixed else m[column] for column in range(len(m))]
        posterior = match_probability(raw_scores(patterns, Weights(scoring, start.u, share)),
                                      share)
        matches = counts * posterior
        shares = level_shares(patterns, spec, matches, priors)
        m = [m[column] if column in fixed else shares[column] for column in range(len(m))]
        previous = share
        share = float(np.clip(matches.sum() / counts.sum(), 1e-6, MAX_MATCH_SHARE))
        if abs(share - previous) < EM_TOLERANCE:
            break
    return m, share


def match_share(patterns: np.ndarray, counts: np.ndarray, weights: Weights) -> float:
    """The share of matches among the candidate pairs, m and u fixed (EM on the share only)."""
    share = weights.match_share
    for _ in range(EM_ITERATIONS):
        previous = share
        posterior = match_probability(raw_scores(patterns, weights), share)
        share = float(np.clip((counts * posterior).sum() / max(counts.sum(), 1.0), 1e-6,
                              MAX_MATCH_SHARE))
        if abs(share - previous) < EM_TOLERANCE:
            break
    return share


def reestimate_with_labels(weights: Weights, levels: np.ndarray, is_match: np.ndarray,
                           spec: Spec, *, min_labels: int = MIN_LABELS) -> Weights:
    """m re-estimated from reviewed pairs (semi-supervised), u and the match share unchanged.

    ``levels`` holds one row per reviewed pair, one column per field of ``spec``, in the
    encoding of ``crm.dedupe.engine.scoring.compare`` (``MISSING`` = -1); ``is_match`` the
    reviewers' verdicts (True: same person). Per field, the level shares among the labelled
    matches that have a value on both sides are blended with the current m, which counts as
    ``LABEL_PRIOR_PAIRS`` labelled pairs, then made monotone again. Fewer than ``min_labels``
    labelled matches: the weights are returned as they are."""
    levels = np.asarray(levels, dtype=np.int64).reshape(-1, len(spec.fields))
    is_match = np.asarray(is_match, dtype=bool).reshape(-1)
    if len(levels) != len(is_match):
        raise ValueError("one verdict per row of levels")
    matched = levels[is_match]
    if len(matched) < min_labels:
        return weights
    m = []
    for column, spec_field in enumerate(spec.fields):
        present = matched[matched[:, column] != MISSING, column]
        counts = np.bincount(present, minlength=KINDS[spec_field.kind].top + 1).astype(float)
        blended = counts + SMOOTHING + weights.m[column] * LABEL_PRIOR_PAIRS
        m.append(blended / blended.sum())
    return monotone(Weights(m, list(weights.u), weights.match_share), spec)

