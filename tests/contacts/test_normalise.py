import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm.contacts.core.normalise import (
    InvalidEmail,
    InvalidPhone,
    display_phone,
    fold,
    is_web_url,
    name_key,
    normalise_email,
    parse_phone,
    phone_search_tokens,
    search_tokens,
)


@pytest.mark.parametrize("raw", ["06 80 55 69 66", "+33 (0)6 80 55 69 66", "0033680556966",
                                 "06.80.55.69.66", "+33680556966", " 0680556966 "])
def test_french_phone_formats_are_one_number(raw):
    phone = parse_phone(raw)
    assert phone.e164 == "+33680556966"
    assert phone.kind == "mobile"


def test_landline_and_display():
    phone = parse_phone("03 80 44 55 66")
    assert phone == parse_phone("+33 3 80 44 55 66")
    assert phone.kind == "landline"
    assert display_phone(phone.e164) == "03 80 44 55 66"
    assert display_phone("+33680556966") == "06 80 55 69 66"
    assert display_phone("+41223456789").startswith("+41 ")


@pytest.mark.parametrize("raw", ["06 80 55", "", "abc", "+33 12"])
def test_invalid_phones_are_refused(raw):
    with pytest.raises(InvalidPhone):
        parse_phone(raw)


def test_email_is_trimmed_and_lower_cased():
    assert normalise_email("  APoirier@AER-BFC.com ") == "apoirier@aer-bfc.com"


@pytest.mark.parametrize("raw", ["a..b@x.fr", "nobody", "x@", "", "a b@c.fr"])
def test_invalid_emails_are_refused(raw):
    with pytest.raises(InvalidEmail):
        normalise_email(raw)


def test_name_key_ignores_accents_case_hyphens_and_order():
    assert name_key("Aline", "POIRIER") == name_key("poirier", "aline") == "aline poirier"
    assert name_key("Élodie", "SÉGOLÈNE-d’Arcy") == name_key("elodie", "segolene d'arcy")
    assert fold("L'Est Républicain") == "l est republicain"
    assert fold("Œuvre Straße") == "oeuvre strasse"


def test_search_tokens():
    assert search_tokens("Républicain") == ["republicain"]
    assert search_tokens("06 80 55") == ["068055"]
    assert search_tokens("+33 6 80") == ["33680"]
    assert search_tokens("0033 6 80") == ["33680"]
    assert phone_search_tokens("+33680556966") == ["0680556966", "33680556966"]
    assert search_tokens("  ") == []


def test_web_urls():
    assert is_web_url("https://x.com/relais")
    assert is_web_url("http://mastodon.social/@relais")
    assert not is_web_url("javascript:alert(1)")
    assert not is_web_url("ftp://example.org")
    assert not is_web_url("https://localhost")


@given(st.text())
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@given(st.text(), st.text())
def test_name_key_is_idempotent_and_symmetric(first, last):
    key = name_key(first, last)
    assert name_key(key) == key
    assert name_key(last, first) == key


@given(st.text())
def test_email_normalisation_is_idempotent(raw):
    try:
        email = normalise_email(raw)
    except InvalidEmail:
        return
    assert normalise_email(email) == email


@given(st.one_of(st.text(), st.from_regex(r"^\+?[0-9 ().-]{0,20}$", fullmatch=True)))
def test_phone_parsing_never_crashes_and_is_idempotent(raw):
    try:
        phone = parse_phone(raw)
    except InvalidPhone:
        return
    assert parse_phone(phone.e164) == phone
    assert parse_phone(display_phone(phone.e164)) == phone


@given(st.text())
def test_search_tokens_never_crash(raw):
    tokens = search_tokens(raw)
    assert all(t and " " not in t for t in tokens)
