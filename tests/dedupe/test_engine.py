"""The de-duplication engine on French press contacts: found, not found, decided, looked up."""

from __future__ import annotations

import pytest

from crm.dedupe.engine import CERTAIN, REVIEW, build_index, find_duplicates, lookup
from crm.dedupe.engine.spec import contact_spec

POIRIER = {"id": 1, "first_name": "Aline", "last_name": "POIRIER",
           "emails": ["apoirier@aer-bfc.com"], "phones": ["+33680556966"], "outlets": ["AER BFC"]}
OTHERS = [
    {"id": 20, "first_name": "Jean", "last_name": "Martin", "emails": ["jean.martin@lbp.fr"]},
    {"id": 21, "first_name": "Hélène", "last_name": "Grosjean", "phones": ["03 80 44 64 05"]},
    {"id": 22, "first_name": "Loïc", "last_name": "LE GOFF", "outlets": ["Ouest-France"]},
]


def pairs_of(records, **kwargs):
    result = find_duplicates(records, contact_spec(), **kwargs)
    return {frozenset((p.left, p.right)): p for p in result.pairs}


@pytest.mark.parametrize("twin", [
    {"first_name": "aline", "last_name": "Poirier", "emails": ["APoirier@AER-BFC.com"]},
    {"first_name": "Aline", "last_name": "Poirier", "phones": ["06 80 55 69 66"]},
    {"first_name": "Aline", "last_name": "Poirier", "phones": ["+33 (0)6 80 55 69 66"]},
    {"first_name": "POIRIER", "last_name": "Aline", "phones": ["0033680556966"]},
    {"first_name": "Alinë", "last_name": "Poirièr", "emails": ["apoirier@aer-bfc.com"]},
])
def test_french_duplicates_found_as_certain(twin):
    found = pairs_of([POIRIER, {"id": 2, **twin}, *OTHERS])
    assert set(found) == {frozenset({1, 2})}
    assert found[frozenset({1, 2})].decision == CERTAIN


def test_same_name_without_contact_point_goes_to_review():
    twin = {"id": 2, "first_name": "Aline", "last_name": "Poirier", "outlets": ["AER BFC"]}
    found = pairs_of([POIRIER, twin, *OTHERS])
    assert found[frozenset({1, 2})].decision == REVIEW


def test_typo_and_swapped_order_found():
    twin = {"id": 2, "first_name": "Poirrier", "last_name": "Aline", "outlets": ["AER BFC"],
            "emails": ["apoirier@aer-bfc.com"]}
    assert frozenset({1, 2}) in pairs_of([POIRIER, twin, *OTHERS])


def test_evidence_says_which_fields_agree():
    twin = {"id": 2, "first_name": "aline", "last_name": "poirier", "phones": ["0680556966"]}
    evidence = {e.field: e for e in pairs_of([POIRIER, twin])[frozenset({1, 2})].evidence}
    assert evidence["name"].label == "same name"
    assert evidence["phone"].label == "same mobile"
    assert evidence["email"].label == "missing" and evidence["email"].weight == 0
    assert evidence["name"].weight > 0


def test_shared_newsroom_email_is_not_enough():
    journalists = [
        {"id": 1, "first_name": "Jean", "last_name": "Martin", "emails": ["redaction@lbp.fr"],
         "outlets": ["Le Bien Public"]},
        {"id": 2, "first_name": "Paul", "last_name": "Durand", "emails": ["redaction@lbp.fr"],
         "outlets": ["Le Bien Public"]},
    ]
    assert pairs_of(journalists) == {}


def test_value_held_by_many_people_is_not_evidence():
    switchboard = "+33380000000"
    people = [{"id": i, "first_name": first, "last_name": last, "phones": [switchboard]}
              for i, (first, last) in enumerate([("Jean", "Martin"), ("Paul", "Durand"),
                                                 ("Marie", "Leroy"), ("Anne", "Petit")])]
    assert pairs_of(people) == {}


def test_declared_switchboard_is_not_evidence():
    spec = contact_spec(shared_values=frozenset({"+33380000000"}))
    people = [{"id": 1, "first_name": "Jean", "last_name": "Martin", "phones": ["03 80 00 00 00"]},
              {"id": 2, "first_name": "Paul", "last_name": "Durand", "phones": ["+33380000000"]}]
    assert find_duplicates(people, spec).pairs == []


def test_not_the_same_pairs_are_never_proposed():
    twin = {"id": 2, "first_name": "Aline", "last_name": "Poirier", "phones": ["0680556966"]}
    third = {"id": 3, "first_name": "Aline", "last_name": "POIRIER"}
    result = find_duplicates([POIRIER, twin, third], known_decisions={frozenset({1, 2})})
    assert frozenset({1, 2}) not in {frozenset((p.left, p.right)) for p in result.pairs}
    assert frozenset({1, 3}) in {frozenset((p.left, p.right)) for p in result.pairs}


def test_clusters_group_linked_records():
    twin = {"id": 2, "first_name": "aline", "last_name": "poirier", "phones": ["0680556966"]}
    third = {"id": 3, "first_name": "POIRIER", "last_name": "Aline",
             "emails": ["apoirier@aer-bfc.com"]}
    result = find_duplicates([POIRIER, twin, third, *OTHERS])
    assert [sorted(c) for c in result.clusters] == [[1, 2, 3]]


def test_rare_surname_counts_more_than_a_common_one():
    common = [{"id": i, "first_name": f"P{i}", "last_name": "Martin"} for i in range(30)]
    records = [*common,
               {"id": 100, "first_name": "Jean", "last_name": "Martin"},
               {"id": 101, "first_name": "Jean", "last_name": "Martin"},
               {"id": 200, "first_name": "Jean", "last_name": "Souverbie"},
               {"id": 201, "first_name": "Jean", "last_name": "Souverbie"}]
    found = pairs_of(records)
    assert found[frozenset({200, 201})].score > found[frozenset({100, 101})].score + 3


def test_unrelated_people_are_not_proposed():
    assert pairs_of([POIRIER, *OTHERS]) == {}


def test_lookup_finds_the_contact_for_the_create_form():
    index = build_index([POIRIER, *OTHERS])
    found = lookup({"first_name": "aline", "last_name": "poirier", "phones": ["06 80 55 69 66"]},
                   index)
    assert [p.right for p in found] == [1]
    assert found[0].decision == CERTAIN


def test_lookup_skips_the_record_itself_and_decided_pairs():
    index = build_index([POIRIER, *OTHERS])
    assert lookup(POIRIER, index) == []
    twin = {"id": 9, "first_name": "Aline", "last_name": "Poirier", "phones": ["0680556966"]}
    assert lookup(twin, index, known_decisions={frozenset({9, 1})}) == []


def test_lookup_by_typo_reaches_the_sorted_neighbourhood():
    index = build_index([POIRIER, *OTHERS])
    found = lookup({"first_name": "Aline", "last_name": "Poirie", "outlets": ["AER BFC"],
                    "emails": ["apoirier@aer-bfc.com"]}, index)
    assert [p.right for p in found] == [1]
