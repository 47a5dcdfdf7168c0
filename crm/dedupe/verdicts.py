"""Reviewers' verdicts kept as labels for the scans to learn from, and what each field
brought to a pair's score.

A label holds no personal value: the agreement level of each field as the engine compared
the pair, the verdict, who gave it and when (``crm.dedupe.models.DuplicateLabel``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy import delete, select

from crm.auth.models import User
from crm.dedupe.engine.fields import KINDS, MISSING
from crm.dedupe.engine.spec import Spec, contact_spec
from crm.dedupe.models import ContactMerge, DuplicateLabel, DuplicatePair, Verdict
from crm.extensions import db


def pair_levels(pair: DuplicatePair) -> dict[str, int]:
    """The agreement level of each field as the engine compared the pair (``MISSING``: a
    value missing on either side). Pairs stored before the levels were kept give them back
    from the level's name."""
    spec, levels = contact_spec(), {}
    for evidence in pair.evidence:
        name, level = str(evidence.get("field")), evidence.get("level")
        if level is None:
            names = KINDS[spec.field(name).kind].labels if name in _FIELDS else ()
            label = evidence.get("label")
            level = MISSING if label == "missing" else (
                names.index(label) if label in names else None)
        if level is not None:
            levels[name] = int(level)
    return levels


_FIELDS = frozenset(f.name for f in contact_spec().fields)


def label_pair(user: User, pair: DuplicatePair, verdict: Verdict,
               merge: ContactMerge | None = None) -> DuplicateLabel:
    """Keep a reviewer's verdict on ``pair`` for the scans to learn from (no personal value:
    the levels of agreement only). Adds to the session."""
    label = DuplicateLabel(low_id=pair.low_id, high_id=pair.high_id, levels=pair_levels(pair),
                           verdict=verdict, organisation_id=user.organisation_id,
                           reviewer_id=user.id, scan_id=pair.scan_id,
                           merge_id=merge.id if merge is not None else None)
    db.session.add(label)
    return label


def forget_merge_label(merge: ContactMerge) -> None:
    """An undone merge is no verdict any more: its "same person" label goes."""
    db.session.execute(delete(DuplicateLabel).where(DuplicateLabel.merge_id == merge.id))


def labels(spec: Spec) -> tuple[np.ndarray, np.ndarray]:
    """Every kept verdict, as the engine takes them: one row of levels per label (a column
    per field of ``spec``, ``MISSING`` where the label has none) and whether it said "same
    person"."""
    rows = db.session.execute(select(DuplicateLabel.levels, DuplicateLabel.verdict)
                              .order_by(DuplicateLabel.id)).all()
    levels = np.array([[int(saved.get(f.name, MISSING)) for f in spec.fields]
                       for saved, _verdict in rows], dtype=np.int64)
    return (levels.reshape(len(rows), len(spec.fields)),
            np.array([verdict is Verdict.SAME for _levels, verdict in rows], dtype=bool))


def contributions(pair: DuplicatePair) -> tuple[list[dict[str, Any]], float]:
    """What each field brought to the pair's score, in bits, as the scan weighed it
    (``crm.dedupe.engine.scoring.contributions``, kept with the pair), and the rest of the
    score: the adjustment for how common the agreeing name is (0 when none)."""
    fields = [e for e in pair.evidence if e.get("field")]
    rest = round(pair.score - sum(float(e.get("weight", 0.0)) for e in fields), 1)
    return fields, rest if abs(rest) >= 0.1 else 0.0
