"""How the engine learns its weights: sessions, monotonicity, the degeneracy check, missing
values, certainty from evidence and reviewers' labels."""

from __future__ import annotations

import random
import warnings

import numpy as np
import pytest

from crm.dedupe.engine import CERTAIN, REVIEW, find_duplicates
from crm.dedupe.engine.dataset import people
from crm.dedupe.engine.fields import KINDS, MISSING, compare_name, prepare_name
from crm.dedupe.engine.scoring import Weights, contributions, initial_m
from crm.dedupe.engine.spec import contact_spec
from crm.dedupe.engine.training import (
    DegenerateWeights,
    degenerate,
    estimate,
    monotone,
    reestimate_with_labels,
)
from crm.dedupe.engine.vector import compare_column

SPEC = contact_spec()
U = [np.array(KINDS[f.kind].u_prior) for f in SPEC.fields]


def weights(m=None) -> Weights:
    return Weights(m or initial_m(SPEC), list(U), 0.1)


def test_contributions_give_each_field_its_bits():
    w = weights()
    tables = w.level_weights()
    found = contributions([4, MISSING, 2, 0, MISSING, MISSING], w, SPEC)
    assert found == [("name", 4, pytest.approx(tables[0][4])), ("email", MISSING, 0.0),
                     ("phone", 2, pytest.approx(tables[2][2])),
                     ("outlet", 0, pytest.approx(tables[3][0])), ("email_user", MISSING, 0.0),
                     ("surname", MISSING, 0.0)]
    assert sum(bits for _, _, bits in found) == pytest.approx(
        tables[0][4] + tables[2][2] + tables[3][0])


def labelled(matches: int, non_matches: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Matches that agree on names and phones but never share an e-mail; colleagues that
    share the outlet only."""
    rng = random.Random(seed)
    rows = [[4, 0, 2, rng.choice([MISSING, 1]), MISSING, MISSING] for _ in range(matches)]
    rows += [[0, 0, 0, 1, 0, MISSING] for _ in range(non_matches)]
    return np.array(rows), np.array([True] * matches + [False] * non_matches)


def test_labels_reestimate_m_and_keep_u():
    before = weights()
    levels, verdicts = labelled(200, 100)
    after = reestimate_with_labels(before, levels, verdicts, SPEC)
    assert after.u == before.u and after.match_share == before.match_share
    email, phone = SPEC.fields.index(SPEC.field("email")), SPEC.fields.index(SPEC.field("phone"))
    # the labelled matches never share an e-mail: its "same email" m falls, its "different" rises
    assert after.m[email][1] < before.m[email][1]
    assert after.level_weights()[email][0] > before.level_weights()[email][0]
    assert after.m[phone][2] > before.m[phone][2]
    for m in after.m:
        assert m.sum() == pytest.approx(1.0)
    for table in after.level_weights():
        assert np.all(np.diff(table) >= -1e-9)


def test_too_few_labels_change_nothing():
    before = weights()
    levels, verdicts = labelled(5, 100)
    assert reestimate_with_labels(before, levels, verdicts, SPEC) is before
    assert reestimate_with_labels(before, levels, verdicts, SPEC, min_labels=5) is not before


def test_labels_need_one_verdict_per_row():
    levels, verdicts = labelled(30, 0)
    with pytest.raises(ValueError, match="one verdict"):
        reestimate_with_labels(weights(), levels, verdicts[:-1], SPEC)


def test_monotone_makes_closer_levels_weigh_more():
    m = initial_m(SPEC)
    m[0] = np.array([0.02, 0.5, 0.1, 0.08, 0.3])  # "same surname only" above "same name"
    fixed = monotone(weights(m), SPEC)
    for table in fixed.level_weights():
        assert np.all(np.diff(table) >= -1e-9)
    assert fixed.m[0].sum() == pytest.approx(1.0)


def test_exact_name_never_weighs_less_than_a_shared_outlet():
    m = initial_m(SPEC)
    m[0] = np.array([0.3, 0.3, 0.2, 0.19, 0.01])
    m[3] = np.array([0.01, 0.99])
    fixed = monotone(weights(m), SPEC)
    tables = fixed.level_weights()
    assert tables[0][-1] >= tables[3][-1] - 1e-9


def test_degenerate_weights_are_named():
    m = initial_m(SPEC)
    m[0] = np.array([0.9, 0.05, 0.03, 0.0199, 0.0001])
    assert any("name" in p for p in degenerate(weights(m), SPEC))
    assert degenerate(weights(), SPEC) == []


def household_file(seed: int = 5) -> list[dict]:
    """Newsrooms of ten colleagues sharing their outlet; a tenth of the people typed twice."""
    rng = random.Random(seed)
    letters = "bcdfglmnprstvz"
    firsts = ["".join(rng.choice(letters) + rng.choice("aeiou") for _ in range(3))
              for _ in range(300)]
    lasts = ["".join(rng.choice(letters) + rng.choice("aeiou") for _ in range(4))
             for _ in range(1500)]
    records = []
    for person in range(3000):
        outlet = f"media {person // 10}"
        first, last = rng.choice(firsts), rng.choice(lasts)
        phone = f"+3367{person:07d}"
        records.append({"id": len(records), "first_name": first, "last_name": last,
                        "outlets": [outlet], "phones": [phone], "person": person})
        if rng.random() < 0.1:
            records.append({"id": len(records), "first_name": first, "last_name": last,
                            "outlets": [outlet], "phones": [], "person": person})
    return records


def test_estimation_does_not_learn_the_newsroom():
    records = household_file()
    result = find_duplicates(records, SPEC)
    tables = result.weights.level_weights()
    name = tables[0]
    assert name[-1] > name[1] + 3  # same name counts far more than the surname alone
    assert name[-1] >= tables[3][-1]  # and more than sharing the outlet
    assert result.weights.match_share <= 0.5
    person = {r["id"]: r["person"] for r in records}
    same = [p for p in result.pairs if person[p.left] == person[p.right]]
    colleagues = [p for p in result.pairs if person[p.left] != person[p.right]]
    assert same and all(p.decision == REVIEW for p in colleagues)
    # colleagues sharing a surname are at most a question, never above a duplicate
    assert max((p.score for p in colleagues), default=0) < min(p.score for p in same)


def test_degenerate_training_falls_back_to_default_weights(monkeypatch):
    from crm.dedupe.engine import training

    def broken(prepared, start, spec):  # the household: same outlet, rarely the same name
        m = list(start.m)
        m[0], m[3] = np.array([0.3, 0.5, 0.05, 0.06, 0.09]), np.array([0.03, 0.97])
        return Weights(m, start.u, 0.3)

    monkeypatch.setattr(training, "estimate_m", broken)
    records = household_file()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = find_duplicates(records, SPEC)
    assert any(issubclass(w.category, DegenerateWeights) for w in caught)
    assert degenerate(result.weights, SPEC) == []


def test_missing_surname_is_not_a_disagreement():
    a, b = prepare_name(("Aline", "Poirier")), prepare_name(("Aline", ""))
    assert compare_name(a, b) == MISSING
    names = [a, b, prepare_name(("", "Poirier"))]
    assert compare_column("name", names, np.array([0, 0, 1]), np.array([1, 2, 2])).tolist() \
        == [MISSING] * 3


def test_certain_from_evidence_without_email_or_mobile():
    """Name, switchboard-free landline and outlet agree: certain, with no e-mail or mobile."""
    aline = {"id": 1, "first_name": "Aline", "last_name": "Poirier", "outlets": ["AER BFC"],
             "phones": ["+33380556966"]}
    twin = {"id": 2, "first_name": "aline", "last_name": "POIRIER", "outlets": ["AER BFC"],
            "phones": ["03 80 55 69 66"]}
    pair = find_duplicates([aline, twin], SPEC).pairs[0]
    assert {e.field for e in pair.evidence if e.weight > 0} == {"name", "phone", "outlet"}
    assert pair.decision == CERTAIN


def test_high_score_from_one_field_is_not_certain():
    spec = contact_spec(upper=10.0, certain_fields=2)
    aline = {"id": 1, "first_name": "Aline", "last_name": "Poirier"}
    twin = {"id": 2, "first_name": "Aline", "last_name": "Poirier"}
    pair = find_duplicates([aline, twin], spec).pairs[0]
    assert pair.score >= spec.upper and pair.decision == REVIEW


def test_small_files_use_default_weights():
    records = household_file()[:50]
    result = find_duplicates(records, SPEC)
    assert degenerate(result.weights, SPEC) == []
    from crm.dedupe.engine.dataset import prepare
    assert estimate(prepare(records, SPEC), np.empty((0, 4), dtype=np.int8), SPEC).m[0] \
        .tolist() == pytest.approx(monotone(weights(), SPEC).m[0].tolist())


@pytest.mark.parametrize(("holders", "count"), [
    ([("aline", "poirier"), ("aline", "poirrier"), ("", "poirier")], 1),  # one person, typed 3 ways
    ([("poirier", "aline"), ("aline", "poirier")], 1),  # swapped
    ([("alexandre", "martin"), ("alex", "martin")], 1),  # a short form
    ([("marie", "dupont"), ("paul", "dupont")], 2),  # a family's home line
    ([("jean", "martin"), ("paul", "durand"), ("anne", "petit")], 2),  # counted up to enough
    ([("", "durand"), ("jean", "martin")], 2),  # a surname alone, nobody else holds it
    ([3, 8], 2),  # records without a name field
])
def test_people_holding_a_value(holders, count):
    assert people(holders, 2) == count


def test_family_home_line_is_not_evidence():
    family = [{"id": 1, "first_name": "Marie", "last_name": "Dupont", "phones": ["0380112233"],
               "outlets": ["Le Bien Public"]},
              {"id": 2, "first_name": "Paul", "last_name": "Dupont", "phones": ["03 80 11 22 33"],
               "outlets": ["Le Bien Public"]}]
    assert all(p.decision == REVIEW for p in find_duplicates(family, SPEC).pairs)
    pair = find_duplicates(family, SPEC).pairs
    assert not pair or {e.field: e.label for e in pair[0].evidence}["phone"] == "missing"
