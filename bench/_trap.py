"""Quality where unsupervised training goes wrong: a press file of newsrooms, families and
namesakes (``bench._press_data.generate_newsrooms``) at three noise levels.

Colleagues share the outlet, the switchboard and the e-mail domain; relatives share a surname
and a home landline; namesakes share a name in different outlets. Copies of a person have
typos, missing fields, swapped names, nicknames, an old e-mail after a job change, phones
written every French way. Per noise level, in the same process and on the same records:

- the engine with ``contact_spec()``, pairs it proposes (match weight at ``spec.lower``) and
  those it calls certain, and the share of the true pairs its blocking keeps (no method on
  its blocks can link more);
- recordlinkage's ECM on the engine's candidate pairs (Jaro-Winkler ≥ 0.85 on first name and
  surname, exact e-mail, phone and outlet);
- Splink 5 on DuckDB, trained the documented way: cleaned columns (folded names, lower-case
  e-mail, E.164 phone), ``NameComparison`` on first name and surname, ``EmailComparison``,
  exact phone and outlet, term-frequency adjustments on names, phone and outlet (Splink's way
  with values many records share: switchboards); prediction blocks on surname, first name +
  outlet, e-mail, phone and the swapped name; λ from deterministic rules (recall 0.7), u by random sampling
  (1e6 pairs), m by EM blocked on first name + surname, then on e-mail;
  pairs at match probability 0.5.
"""

from __future__ import annotations

import logging
import time
import warnings

import numpy as np
import pandas as pd

from bench._febrl import evaluate
from bench._press_data import generate_newsrooms
from crm.dedupe.engine import find_duplicates
from crm.dedupe.engine.blocking import candidate_pairs
from crm.dedupe.engine.dataset import prepare
from crm.dedupe.engine.fields import as_e164, fold
from crm.dedupe.engine.spec import contact_spec

Pair = frozenset
LEVELS = ("low", "default", "high")


def flat(records: list[dict]) -> pd.DataFrame:
    """One row per record, each multi-valued field reduced to its first value, cleaned."""
    def first(values):
        return values[0] if values else None

    return pd.DataFrame({
        "unique_id": [r["id"] for r in records],
        "first_name": [fold(r["first_name"]) or None for r in records],
        "surname": [fold(r["last_name"]) or None for r in records],
        "email": [(first(r["emails"]) or "").strip().lower() or None for r in records],
        "phone": [as_e164(first(r["phones"])) if r["phones"] else None for r in records],
        "outlet": [fold(first(r["outlets"]) or "") or None for r in records],
    })


def engine(records: list[dict]) -> tuple[set[Pair], set[Pair], float]:
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = find_duplicates(records, contact_spec())
    seconds = time.perf_counter() - started
    return ({Pair((p.left, p.right)) for p in result.pairs},
            {Pair((p.left, p.right)) for p in result.pairs if p.decision == "certain"}, seconds)


def blocked(records: list[dict], truth: set[Pair]) -> float:
    """The share of the true pairs among the engine's candidate pairs (its blocking recall)."""
    spec = contact_spec()
    prepared = prepare(records, spec)
    pairs = candidate_pairs(prepared.rows, spec.blocking, spec.sort_keys, window=spec.window,
                            max_block=spec.max_block)
    ids = prepared.ids
    found = {Pair((ids[i], ids[j])) for i, j in pairs.tolist()}
    return len(found & truth) / max(len(truth), 1)


def ecm(records: list[dict]) -> tuple[set[Pair], float]:
    import recordlinkage

    started = time.perf_counter()
    spec = contact_spec()
    frame = flat(records).set_index("unique_id")
    prepared = prepare(records, spec)
    pairs = candidate_pairs(prepared.rows, spec.blocking, spec.sort_keys, window=spec.window,
                            max_block=spec.max_block)
    ids = np.array(prepared.ids, dtype=object)
    index = pd.MultiIndex.from_arrays([ids[pairs[:, 0]], ids[pairs[:, 1]]])
    compare = recordlinkage.Compare()
    for column in ("first_name", "surname"):
        compare.string(column, column, method="jarowinkler", threshold=0.85, label=column)
    for column in ("email", "phone", "outlet"):
        compare.exact(column, column, label=column)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        features = compare.compute(index, frame)
        matches = recordlinkage.ECMClassifier(binarize=None).fit_predict(features.astype(int))
    return {Pair(pair) for pair in matches.tolist()}, time.perf_counter() - started


def splink(records: list[dict]) -> tuple[set[Pair], float]:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    started = time.perf_counter()
    frame = flat(records)
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
                     cl.NameComparison("surname").configure(term_frequency_adjustments=True),
                     cl.EmailComparison("email"),
                     cl.ExactMatch("phone").configure(term_frequency_adjustments=True),
                     cl.ExactMatch("outlet").configure(term_frequency_adjustments=True)],
        blocking_rules_to_generate_predictions=[
            block_on("surname"), block_on("first_name", "outlet"), block_on("email"),
            block_on("phone"), "l.first_name = r.surname and l.surname = r.first_name"],
    )
    db_api = DuckDBAPI()
    db_api.duckdb_con.execute("SET enable_progress_bar = false")
    linker = Linker(db_api.register(frame), settings, log_level=logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        linker.training.estimate_probability_two_random_records_match(
            [block_on("first_name", "surname", "outlet"), block_on("email")], recall=0.7)
        linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
        for rule in (block_on("first_name", "surname"), block_on("email")):
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, record_sample_proportion=1.0)
        predictions = linker.inference.predict(threshold_match_probability=0.5) \
            .as_pandas_dataframe()
    found = {Pair((a, b)) for a, b in zip(predictions["unique_id_l"], predictions["unique_id_r"],
                                           strict=True)}
    return found, time.perf_counter() - started


def exact_rule(records: list[dict]) -> tuple[set[Pair], float]:
    """Baseline: same folded first name and surname and one outlet in common."""
    started = time.perf_counter()
    groups: dict[str, list[int]] = {}
    for record in records:
        name = f"{fold(record['first_name'])}|{fold(record['last_name'])}"
        for outlet in record["outlets"]:
            groups.setdefault(f"{name}|{fold(outlet)}", []).append(record["id"])
    found = {Pair((a, b)) for ids in groups.values() for i, a in enumerate(ids)
             for b in ids[i + 1:]}
    return found, time.perf_counter() - started


def run(size: int = 20_000, levels: tuple[str, ...] = LEVELS, with_splink: bool = True) \
        -> list[str]:
    lines = [f"Newsrooms, families and namesakes: {size} generated press contacts per noise "
             "level (P, R, F1 of the pairs each method links; time of one run)"]
    for level in levels:
        generated = generate_newsrooms(size, level)
        records, truth = generated.records, generated.truth
        lines.append(f"noise {level}: {len(records)} records, {len(truth)} true pairs")
        proposed, certain, seconds = engine(records)
        lines.append(f"  the engine's blocks hold {blocked(records, truth):.4f} of the true pairs")
        lines.append(evaluate("engine, linked (certain)", certain, truth, seconds).line())
        lines.append(evaluate("engine, proposed for review too", proposed, truth,
                              seconds).line())
        found, seconds = exact_rule(records)
        lines.append(evaluate("baseline: exact name + outlet", found, truth, seconds).line())
        found, seconds = ecm(records)
        lines.append(evaluate("baseline: recordlinkage ECM, same blocks", found, truth,
                              seconds).line())
        if with_splink:
            found, seconds = splink(records)
            lines.append(evaluate("baseline: Splink 5 (DuckDB), p >= 0.5", found, truth,
                                  seconds).line())
    return lines

