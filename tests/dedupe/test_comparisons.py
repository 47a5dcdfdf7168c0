"""Comparisons and blocking rules for the press file's traps: an old address after a job change
(same user name at another domain), a user name several people hold ("leroy@"), a name given
in one part, a record that lacks its first name, a surname typo within a newsroom."""

from __future__ import annotations

import numpy as np
import pytest

from crm.dedupe.engine import canonical_order, find_duplicates
from crm.dedupe.engine.blocking import candidate_pairs, email_users, name_with, surname
from crm.dedupe.engine.dataset import prepare
from crm.dedupe.engine.fields import (
    EMAIL_USER,
    MISSING,
    compare_email_users,
    compare_surnames,
    prepare_name,
    user_name,
)
from crm.dedupe.engine.scoring import Weights, compare, compare_pairs
from crm.dedupe.engine.spec import contact_spec
from crm.dedupe.engine.vector import set_levels, slot_tables


def emails(*values: str) -> frozenset[str]:
    return frozenset(values)


@pytest.mark.parametrize(("a", "b", "level"), [
    (emails("jean.martin@lbp.fr"), emails("jean.martin@estrep.fr"), 1),
    (emails("jean.martin@lbp.fr"), emails("jmartin@lbp.fr"), 0),
    (emails("jean.martin@lbp.fr"), emails("jean.martin@lbp.fr", "jm@x.fr"), MISSING),
    (emails("a@x.fr", "jean.martin@lbp.fr"), emails("jean.martin@estrep.fr"), 1),
])
def test_email_user_names_compare_across_domains(a, b, level):
    assert compare_email_users(a, b) == compare_email_users(b, a) == level
    tables = slot_tables("email_user", [a, b])
    assert set_levels("email_user", tables, np.array([0]), np.array([1]))[0] == level
    assert EMAIL_USER.labels[1] == "same user name, other domain"
    assert user_name("jean.martin@lbp.fr") == "jean.martin"


def test_a_name_in_one_part_is_a_surname():
    assert prepare_name(("Poirier", "")) == ("", "poirier")
    assert prepare_name(("", "POIRIER")) == ("", "poirier")
    assert prepare_name(("Aline", "Poirier")) == ("aline", "poirier")
    assert prepare_name(("", "")) is None


JOB_CHANGE = [
    {"id": 1, "first_name": "Aline", "last_name": "Poirier", "emails": ["aline.poirier@lbp.fr"],
     "outlets": ["Le Bien Public"]},
    {"id": 2, "first_name": "", "last_name": "POIRIER", "emails": ["aline.poirier@estrep.fr"],
     "outlets": ["L'Est Républicain"]},
]


def test_user_name_speaks_only_when_the_names_are_not_identical():
    spec = contact_spec()
    prepared = prepare(JOB_CHANGE, spec)
    column = [f.name for f in spec.fields].index("email_user")
    levels = compare(prepared.rows[0], prepared.rows[1], spec)
    assert levels[column] == 1  # the name lacks its first name on one side: MISSING there
    assert compare_pairs(prepared, np.array([[0, 1]]), spec)[0].tolist() == levels

    same_name = [JOB_CHANGE[0], {**JOB_CHANGE[1], "first_name": "Aline"}]
    prepared = prepare(same_name, spec)
    levels = compare(prepared.rows[0], prepared.rows[1], spec)
    assert levels[0] == 4 and levels[column] == MISSING  # identical names: it would repeat them
    assert compare_pairs(prepared, np.array([[0, 1]]), spec)[0].tolist() == levels


def test_a_user_name_several_people_hold_is_no_evidence():
    records = [
        {"id": 1, "first_name": "Lucie", "last_name": "Leroy", "emails": ["leroy@lbp.fr"]},
        {"id": 2, "first_name": "Alexandria", "last_name": "Leroy", "emails": ["leroy@jsl.fr"]},
        {"id": 3, "first_name": "Aline", "last_name": "Poirier", "emails": ["apoirier@lbp.fr"]},
        {"id": 4, "first_name": "", "last_name": "Poirier", "emails": ["apoirier@jsl.fr"]},
    ]
    prepared = prepare(records, contact_spec())
    assert prepared.rows[0]["email_user"] is None and prepared.rows[1]["email_user"] is None
    assert prepared.rows[0]["email"] == {"leroy@lbp.fr"}  # the address itself is one person's
    assert prepared.rows[2]["email_user"] == {"apoirier@lbp.fr"}  # one person, typed twice


def test_new_blocking_rules_meet_the_traps():
    rows = prepare([
        {"id": 1, "first_name": "Aline", "last_name": "Poirier", "outlets": ["LBP"]},
        {"id": 2, "first_name": "", "last_name": "Poirier"},
        {"id": 3, "first_name": "Aline", "last_name": "Poirrier", "outlets": ["LBP"]},
        {"id": 4, "first_name": "Jean", "last_name": "Martin", "emails": ["jmartin@lbp.fr"]},
        {"id": 5, "first_name": "Jean", "last_name": "Martn", "emails": ["jmartin@jsl.fr"]},
    ], contact_spec()).rows
    assert candidate_pairs(rows, [surname("name")]).tolist() == [[0, 1]]
    assert candidate_pairs(rows, [name_with("name", "outlet", part=0)]).tolist() == [[0, 2]]
    assert candidate_pairs(rows, [email_users("email")]).tolist() == [[3, 4]]


def test_an_old_address_after_a_job_change_is_proposed():
    others = [{"id": 10 + n, "first_name": first, "last_name": last,
               "emails": [f"{first.lower()}.{last.lower()}@lbp.fr"]}
              for n, (first, last) in enumerate([("Jean", "Martin"), ("Loïc", "Goff"),
                                                  ("Hélène", "Grosjean")])]
    found = find_duplicates([*JOB_CHANGE, *others], contact_spec())
    pair = next(p for p in found.pairs if {p.left, p.right} == {1, 2})
    assert {e.field: e.label for e in pair.evidence}["email_user"] == \
        "same user name, other domain"


def test_saved_weights_fit_only_the_same_fields_and_levels():
    spec = contact_spec()
    weights = find_duplicates(JOB_CHANGE, spec).weights
    assert weights.fits(spec)
    older = Weights([m for f, m in zip(spec.fields, weights.m, strict=True)
                     if f.name != "email_user"],
                    [u for f, u in zip(spec.fields, weights.u, strict=True)
                     if f.name != "email_user"], weights.match_share)
    assert not older.fits(spec)


def test_records_are_ordered_by_the_specs_id_key():
    records = [{"rec_id": "b"}, {"rec_id": "a"}]
    assert [r["rec_id"] for r in canonical_order(records, "rec_id")] == ["a", "b"]
    assert canonical_order(records) == records  # no "id": the caller's order


@pytest.mark.parametrize(("a", "b", "level"), [
    (("", "poirier"), ("aline", "poirier"), 2),
    (("", "poirier"), ("aline", "poirrier"), 1),
    (("", "poirier"), ("poirier", "aline"), 2),  # typed the other way round
    (("", "poirier"), ("aline", "martin"), 0),
    (("", "poirier"), ("", "poirier"), 2),
])
def test_a_lone_surname_compares_with_either_part(a, b, level):
    assert compare_surnames(a, b) == compare_surnames(b, a) == level


def test_the_surname_alone_speaks_only_where_the_name_could_not():
    spec = contact_spec()
    columns = [f.name for f in spec.fields]
    name, alone = columns.index("name"), columns.index("surname")
    prepared = prepare([
        {"id": 1, "first_name": "Aline", "last_name": "Poirier"},
        {"id": 2, "first_name": "", "last_name": "POIRIER"},
        {"id": 3, "first_name": "Aline", "last_name": "Poirier"},
    ], spec)
    pairs = np.array([[0, 1], [0, 2], [1, 2]])
    levels = compare_pairs(prepared, pairs, spec)
    assert levels[:, name].tolist() == [MISSING, 4, MISSING]
    assert levels[:, alone].tolist() == [2, MISSING, 2]
    for row, (i, j) in zip(levels.tolist(), pairs.tolist(), strict=True):
        assert compare(prepared.rows[i], prepared.rows[j], spec) == row
