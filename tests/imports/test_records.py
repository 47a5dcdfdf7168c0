from hypothesis import given
from hypothesis import strategies as st

from crm.imports.parsing.columns import guess_mapping
from crm.imports.parsing.records import build_record, identity_keys

HEADERS = ["Civilité", "Prénom", "Nom", "Média", "Courriel", "Tél. portable", "Fonction",
           "Rubrique", "Département", "Adresse"]


def row(**values: str) -> dict[str, str]:
    base = dict.fromkeys(HEADERS, "")
    base.update(values)
    return base


def test_a_full_french_row():
    mapping = guess_mapping(HEADERS)
    record = build_record(row(**{
        "Civilité": "Mme", "Prénom": "Élodie", "Nom": "SÉGOLÈNE", "Média": "Le Bien Public",
        "Courriel": " E.Segolene@LeBienPublic.FR ; elodie@gmail.com", "Tél. portable":
        "06 80 55 69 66", "Fonction": "Journaliste", "Rubrique": "Économie, Santé",
        "Département": "Côte-d'Or", "Adresse": "3 rue privée"}), mapping)
    assert record.problems == []
    assert record.values["civility"] == "mrs"
    assert record.values["emails"] == ["e.segolene@lebienpublic.fr", "elodie@gmail.com"]
    assert record.values["phones"] == ["+33680556966"]
    assert record.values["beats"] == ["Économie", "Santé"]
    assert record.values["area"] == "21"
    assert "3 rue privée" not in str(record.values)  # postal data is not kept


def test_problems_are_reported_not_raised():
    mapping = guess_mapping(HEADERS)
    record = build_record(row(**{"Courriel": "not-an-email", "Tél. portable": "12",
                                 "Département": "Bretagne"}), mapping)
    assert {p.code for p in record.problems} == {"invalid_email", "invalid_phone",
                                                 "missing_name", "unknown_area"}


def test_excel_numbers_without_their_leading_zero_are_french_phones():
    # a phone typed into a number cell loses its 0: read_xlsx gives "680556966"
    record = build_record(row(**{"Prénom": "Aline", "Nom": "POIRIER",
                                 "Tél. portable": "680556966", "Téléphone": "380446405"}),
                          guess_mapping([*HEADERS, "Téléphone"]))
    assert record.problems == []
    assert record.values["phones"] == ["+33680556966", "+33380446405"]


def test_full_name_column_is_split():
    record = build_record({"Nom complet": "Aline POIRIER"}, guess_mapping(["Nom complet"]))
    assert (record.values["first_name"], record.values["last_name"]) == ("Aline", "POIRIER")


def test_identity_keys_match_across_spellings():
    mapping = guess_mapping(HEADERS)
    one = build_record(row(**{"Prénom": "Aline", "Nom": "Poirier", "Tél. portable":
                              "+33 (0)6 80 55 69 66"}), mapping)
    two = build_record(row(**{"Prénom": "aline", "Nom": "POIRIER", "Tél. portable":
                              "0033680556966"}), mapping)
    assert set(identity_keys(one.values)) & set(identity_keys(two.values))


@given(st.dictionaries(st.sampled_from(HEADERS), st.text(max_size=40)))
def test_never_crashes(values):
    build_record(row(**values), guess_mapping(HEADERS))
