"""Contact blocks of press releases: the real joint release, a corpus of layouts, arbitrary
text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm.imports.parsing.blocks import extract_blocks
from crm.imports.parsing.organisations import match_organisation
from crm.imports.parsing.people import parse_name, read_line
from tests.imports.contact_blocks import CORPUS, expected, score

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


@pytest.mark.parametrize("heading", [
    "Contact presse", "Contacts presse :", "CONTACTS MÉDIAS", "Contacts medias",
    "Relations presse :", "Relations médias", "Service de presse", "Service presse :",
    "Bureau de presse", "Pôle presse", "Press contact", "Press contacts:", "MEDIA CONTACTS",
    "Media contact", "Press office", "Press enquiries", "Media relations",
    "Contacts presse et médias", "Contact(s) presse", "Vos contacts presse",
    "Contact presse / Press contact", "• Contacts presse", "Contact presse\t"])
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


@pytest.mark.parametrize("heading", ["Contacts", "Presse", "Communiqué de presse",
                                     "Dossier de presse", "Revue de presse", "Contacter la presse"])
def test_other_lines_are_no_block_heading(heading):
    assert extract_blocks(BLOCK.replace("CONTACTS PRESSE", heading)) == []


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


@pytest.mark.parametrize(("text", "email", "expected"), [
    ("Camille Roussel", None, ("Camille", "Roussel")),
    ("Hugues de Villeneuve", None, ("Hugues", "de Villeneuve")),
    ("Hugues de VILLENEUVE", None, ("Hugues", "de VILLENEUVE")),
    ("Yann Le Goff", None, ("Yann", "Le Goff")),
    ("Anne d’Ormesson", None, ("Anne", "d’Ormesson")),
    ("Awa N’Diaye", None, ("Awa", "N’Diaye")),
    ("Mme Claire Dubois-Martin", None, ("Claire", "Dubois-Martin")),
    ("Poirier Aline", "apoirier@aer-bfc.com", ("Aline", "Poirier")),
    ("Agence Rivages", None, None),
    ("Préfecture du DOUBS", None, None),
    ("Attachée de Presse", None, None),
    ("Grand Besançon Métropole", None, None),
    ("Salle Jean Moulin", None, None),
    ("Le Creusot", None, None),
    ("camille roussel", None, None),
])
def test_name_heuristic_inside_a_block(text, email, expected):
    assert parse_name(text, email, loose=True) == expected


@pytest.mark.parametrize(("line", "phones", "emails", "rest", "fax"), [
    ("T. 03 53 01 14 50 M. 06 00 14 50 51", ("+33353011450", "+33600145051"), (), "", False),
    ("F. 03 53 01 14 59", (), (), "", True),
    ("Télécopie : 03 53 01 14 59 – Tél. : 03 53 01 14 50", ("+33353011450",), (), "", True),
    ("E: jane@northwind.example | T: +33 (0)4 65 71 10 20", ("+33465711020",),
     ("jane@northwind.example",), "", False),
    ("Phone: +33 5 36 49 30 40", ("+33536493040",), (), "", False),
    ("Standard : 03 53 01 50 00", ("+33353015000",), (), "", False),
    ("Tel 0353017788 / Mob 07 50 00 88 11", ("+33353017788", "+33750008811"), (), "", False),
    ("Fonction : Attachée de presse", (), (), "Attachée de presse", False),
])
def test_labels_before_phones_and_emails_are_read_with_them(line, phones, emails, rest, fax):
    facts = read_line(line)
    assert (facts.phones, facts.emails, facts.rest, facts.fax) == (phones, emails, rest, fax)
    assert facts.has_contact is bool(phones or emails or fax)


def test_corpus_people_recall_and_precision():
    """Every corpus release, its people found by name: recall ≥ 0.95, precision 1.0."""
    result = score()
    print(f"\ncontact blocks corpus: {len(expected())} releases, {result.expected} people "
          f"expected, {result.found} found, {result.matched} matched; "
          f"recall {result.recall:.3f}, precision {result.precision:.3f}")
    assert len(expected()) >= 25
    assert result.recall >= 0.95, result.missed
    assert result.precision == 1.0, result.spurious


def test_corpus_emails_phones_roles_and_sections():
    assert score().wrong == []


def test_corpus_files_and_expectations_agree():
    names = {p.name for p in CORPUS.glob("*.txt")}
    assert names == set(expected())
    for people in expected().values():
        for person in people:
            assert all(phone.startswith("+33") for phone in person["phones"])


def test_a_release_with_no_block_gives_nothing():
    text = (CORPUS / "16-contacts-generiques-seulement.txt").read_text(encoding="utf-8")
    assert extract_blocks(text) == []


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


line_parts = st.sampled_from([
    "CONTACTS PRESSE", "AER BFC", "Aline POIRIER", " – ", "\n", "apoirier@aer-bfc.com",
    "Tél. 06 80 55 69 66", "Chargée", ",", "|", "@", "+33", "Contact presse :", "", " ",
    "Camille Roussel", "Nom : ", "Name:", "\t", "T. ", "M. ", "F. ", "E: ", "Press contacts",
    "Service de presse du ", "À propos de ", "www.", "+33 (0)3 53 01 20 11", "0353012011",
    "d’Ormesson", "Hugues de Villeneuve", "•", "Attachée de presse", "Agence Rivages", ":",
    "(", ")", "/", "Fax 03 53 01 20 12", "Mme ", "Le Goff", "Standard : ", "About "])


@settings(max_examples=300, deadline=None)
@given(st.lists(line_parts, max_size=60))
def test_never_crashes_on_block_like_text(parts):
    for found in extract_blocks("".join(parts)):
        assert found.count >= 1
        assert all(s.people for s in found.block.sections)
        for person in (p for s in found.block.sections for p in s.people):
            assert person.first_name and person.last_name
            assert all(phone.startswith("+") for phone in person.phones)
            assert person.phone_e164 == (person.phones[0] if person.phones else None)


def test_continued_lines_join_and_a_heading_found_once_joined_stops_the_joining():
    text = "Contacts -\npresse\nAline POIRIER -\napoirier@aer-bfc.com -\n06 80 55 69 66\n"
    found = extract_blocks(text)
    person = found[0].block.sections[0].people[0]
    assert (person.last_name, person.email, person.phone_e164) == (
        "POIRIER", "apoirier@aer-bfc.com", "+33680556966")
