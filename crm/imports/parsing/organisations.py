"""Which Relais organisation a block's section heading names. Pure: no Flask, no database.

``match_organisation("Région BFC", [(1, ["Région Bourgogne-Franche-Comté", "Conseil
régional"]), ...])`` compares folded words, with "BFC" read as "Bourgogne-Franche-Comté" and
small words ("de", "la", ...) ignored. An exact folded alias wins; otherwise the alias sharing
the largest part of its words with the heading (Jaccard), if that part is large enough and no
other organisation ties with it. Returns the organisation id, or None.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import TypeVar

from crm.contacts.core.normalise import fold

_EXPANSIONS = {"bfc": "bourgogne franche comte", "reg": "region", "pref": "prefecture",
               "cr": "conseil regional", "dept": "departement"}
_STOP_WORDS = {"de", "du", "des", "la", "le", "les", "l", "d", "et", "en", "a", "au", "aux"}
MIN_SIMILARITY = 0.34

K = TypeVar("K", bound=Hashable)


def words(text: str) -> frozenset[str]:
    """Folded significant words, abbreviations expanded."""
    expanded = " ".join(_EXPANSIONS.get(w, w) for w in fold(text).split())
    return frozenset(w for w in expanded.split() if w not in _STOP_WORDS)


def similarity(heading: str, alias: str) -> float:
    """1.0 for the same folded text, else the Jaccard index of their significant words."""
    if fold(heading) == fold(alias):
        return 1.0
    left, right = words(heading), words(alias)
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def match_organisation(heading: str,
                       organisations: Sequence[tuple[K, Iterable[str]]]) -> K | None:
    """The id of the organisation whose name or alias the heading designates, or None."""
    scores = sorted(((max((similarity(heading, a) for a in aliases), default=0.0), org_id)
                     for org_id, aliases in organisations),
                    key=lambda pair: pair[0], reverse=True)
    if not scores or scores[0][0] < MIN_SIMILARITY:
        return None
    if len(scores) > 1 and scores[1][0] == scores[0][0]:
        return None
    return scores[0][1]
