"""Contact blocks of press releases: the real joint release, layout variants, arbitrary text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm.imports.parsing.blocks import extract_blocks
from crm.imports.parsing.organisations import match_organisation
from crm.imports.parsing.people import parse_name, read_line

RELEASE = Path(__file__).parents[1] / "data" / "communique-assises-2026.txt"
ORGANISATIONS = [
    (1, ["Agence Économique Régionale de Bourgogne-Franche-Comté", "AER BFC"]),
    (2, ["Région Bourgogne-Franche-Comté", "Région BFC", "Conseil régional"]),
    (3, ["Préfecture de la région Bourgogne-Franche-Comté", "Préfecture BFC"]),
]
BLOCK = """CONTACTS PRESSE

AER BFC

Aline POIRIER – apoirier@aer-bfc.com – Tél. 06 80 55 69 66

Région BFC

Laure HUBIDOS – laure.hubidos@bourgognefranchecomte.fr – Tél. 06 08 37 99 02
"""


def people(found):
    return [(s.heading, p.first_name, p.last_name, p.email, p.phone_e164)
            for s in found.block.sections for p in s.people]


def test_real_release_has_one_block_found_four_times():
    found = extract_blocks(RELEASE.read_text(encoding="utf-8"))
    assert len(found) == 1
    assert found[0].count == 4
    assert [s.heading for s in found[0].block.sections] == \
        ["AER BFC", "Région BFC", "Préfecture de Région"]
    assert people(found[0]) == [
        ("AER BFC", "Aline", "POIRIER", "apoirier@aer-bfc.com", "+33680556966"),
        ("Région BFC", "Laure", "HUBIDOS", "laure.hubidos@bourgognefranchecomte.fr",
         "+33608379902"),
        ("Région BFC", "Marie", "SOUVERBIE", "marie.souverbie@bourgognefranchecomte.fr",
         "+33674974318"),
        ("Préfecture de Région", "Cécile", "HERMIER", "cecile.hermier@cote-dor.gouv.fr",
         "+33380446405"),
    ]


def test_real_release_headings_map_to_the_three_organisations():
    found = extract_blocks(RELEASE.read_text(encoding="utf-8"))
    ids = [match_organisation(s.heading, ORGANISATIONS) for s in found[0].block.sections]
    assert ids == [1, 2, 3]


@pytest.mark.parametrize("heading", ["Contact presse", "Contacts presse :", "CONTACTS MÉDIAS",
                                     "Contacts medias", "Relations presse :"])
def test_heading_variants(heading):
    found = extract_blocks(BLOCK.replace("CONTACTS PRESSE", heading))
    assert len(people(found[0])) == 2


def test_same_content_with_other_spacing_dashes_and_line_breaks_has_one_fingerprint():
    variants = [
        BLOCK,
        BLOCK.replace("\n\n", "\n").replace(" – ", " - "),
        BLOCK.replace("Tél. ", "Tel : ").replace(" – ", " | ").replace("06 80 55 69 66",
                                                                       "06.80.55.69.66"),
        BLOCK.replace(" – Tél.", " –\nTél.").replace("  ", " ").replace("\n", "\r\n"),
        BLOCK.replace("apoirier@aer-bfc.com", "APoirier@AER-BFC.com").replace(" – ", " ; "),
    ]
    prints = {extract_blocks(text)[0].block.fingerprint for text in variants}
    assert len(prints) == 1
    found = extract_blocks("\n\n".join(variants))
    assert [f.count for f in found] == [5]


def test_different_content_has_another_fingerprint():
    other = BLOCK.replace("06 80 55 69 66", "06 80 55 69 67")
    assert extract_blocks(BLOCK)[0].block.fingerprint != \
        extract_blocks(other)[0].block.fingerprint


def test_role_on_the_next_line_and_several_people_without_blank_lines():
    text = """Contact presse :
AER BFC
Aline POIRIER – apoirier@aer-bfc.com – Portable 06 80 55 69 66
Chargée des relations presse
Région BFC
Laure HUBIDOS, laure.hubidos@bourgognefranchecomte.fr, Mob. 06 08 37 99 02
Marie SOUVERBIE — marie.souverbie@bourgognefranchecomte.fr — Tel : 06 74 97 43 18
Attachée de presse

La suite du communiqué est un long paragraphe qui ne fait pas partie du bloc de contacts.
"""
    block = extract_blocks(text)[0].block
    assert [s.heading for s in block.sections] == ["AER BFC", "Région BFC"]
    roles = [p.role for s in block.sections for p in s.people]
    assert roles == ["Chargée des relations presse", None, "Attachée de presse"]


def test_person_over_several_lines():
    text = """CONTACT PRESSE
Yann LE GOFF
Responsable communication
yann.legoff@ouest-france.fr
Tél. : 02 99 32 60 00
"""
    person = extract_blocks(text)[0].block.sections[0].people[0]
    assert (person.first_name, person.last_name, person.role) == \
        ("Yann", "LE GOFF", "Responsable communication")
    assert (person.email, person.phone_e164) == ("yann.legoff@ouest-france.fr", "+33299326000")


def test_heading_without_people_is_not_a_block():
    assert extract_blocks("Contacts presse\n\nVoir notre site internet pour en savoir plus.") \
        == []


@pytest.mark.parametrize(("text", "email", "expected"), [
    ("Aline POIRIER", None, ("Aline", "POIRIER")),
    ("POIRIER Aline", None, ("Aline", "POIRIER")),
    ("Yann LE GOFF", None, ("Yann", "LE GOFF")),
    ("Jean-Pierre DUPONT-MOREAU", None, ("Jean-Pierre", "DUPONT-MOREAU")),
    ("Mme Cécile HERMIER", None, ("Cécile", "HERMIER")),
    ("Poirier Aline", "apoirier@aer-bfc.com", ("Aline", "Poirier")),
    ("Aline Poirier", "apoirier@aer-bfc.com", ("Aline", "Poirier")),
    ("Hubidos Laure", "laure.hubidos@x.fr", ("Laure", "Hubidos")),
    ("Aline Poirier", None, None),
    ("AER BFC", None, None),
    ("Un rendez-vous au cœur de la stratégie régionale", None, None),
])
def test_name_heuristic(text, email, expected):
    assert parse_name(text, email) == expected


def test_fax_numbers_are_not_the_person_phone():
    facts = read_line("Aline POIRIER - Fax 03 80 44 64 05 - Tél. 06 80 55 69 66")
    assert facts.phones == ("+33680556966",)


def test_invalid_email_is_dropped():
    facts = read_line("Aline POIRIER – a..b@aer-bfc.com – 06 80 55 69 66")
    assert facts.emails == ()


@pytest.mark.parametrize(("heading", "expected"), [
    ("AER BFC", 1), ("Région BFC", 2), ("Préfecture de Région", 3), ("Conseil régional", 2),
    ("REGION BOURGOGNE-FRANCHE-COMTE", 2), ("Mairie de Dijon", None),
])
def test_match_organisation(heading, expected):
    assert match_organisation(heading, ORGANISATIONS) == expected


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_never_crashes_on_arbitrary_text(text):
    extract_blocks(text)
    extract_blocks("CONTACTS PRESSE\n" + text)


line_parts = st.sampled_from(["CONTACTS PRESSE", "AER BFC", "Aline POIRIER", " – ", "\n",
                              "apoirier@aer-bfc.com", "Tél. 06 80 55 69 66", "Chargée",
                              ",", "|", "@", "+33", "Contact presse :", "", " "])


@settings(max_examples=200, deadline=None)
@given(st.lists(line_parts, max_size=40))
def test_never_crashes_on_block_like_text(parts):
    for found in extract_blocks("".join(parts)):
        assert found.count >= 1
        assert all(s.people for s in found.block.sections)


def test_continued_lines_join_and_a_heading_found_once_joined_stops_the_joining():
    text = "Contacts -\npresse\nAline POIRIER -\napoirier@aer-bfc.com -\n06 80 55 69 66\n"
    found = extract_blocks(text)
    person = found[0].block.sections[0].people[0]
    assert (person.last_name, person.email, person.phone_e164) == (
        "POIRIER", "apoirier@aer-bfc.com", "+33680556966")
