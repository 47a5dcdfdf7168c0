"""The pure MFA helpers: TOTP codes (RFC 6238 vectors), QR codes, recovery codes."""

from __future__ import annotations

import base64
import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.exceptions import InvalidTag
from hypothesis import given
from hypothesis import strategies as st

from crm.auth.core import mfa
from crm.auth.mfa_services import pending_expired

# RFC 6238 appendix B: the SHA-1 secret "12345678901234567890", in base32.
RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()


def at(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def test_codes_match_the_rfc_6238_vectors():
    # The RFC gives 8 digits; a 6-digit code is their last six.
    assert mfa.totp_code(RFC_SECRET, at(59)) == "287082"
    assert mfa.totp_code(RFC_SECRET, at(1111111109)) == "081804"
    assert mfa.totp_code(RFC_SECRET, at(1234567890)) == "005924"
    assert mfa.totp_code(RFC_SECRET, at(2000000000)) == "279037"


def test_a_code_matches_its_step_and_one_step_either_side():
    now = at(1111111109)
    step = mfa.time_step(now)
    code = mfa.totp_code(RFC_SECRET, now)
    assert mfa.matching_step(RFC_SECRET, code, now, None) == step
    assert mfa.matching_step(RFC_SECRET, code, now + dt.timedelta(seconds=30), None) == step
    assert mfa.matching_step(RFC_SECRET, code, now - dt.timedelta(seconds=30), None) == step
    assert mfa.matching_step(RFC_SECRET, code, now + dt.timedelta(seconds=90), None) is None


def test_a_used_step_and_older_ones_never_match_again():
    now = at(1111111109)
    step = mfa.time_step(now)
    code = mfa.totp_code(RFC_SECRET, now)
    assert mfa.matching_step(RFC_SECRET, code, now, step) is None
    previous = mfa.totp_code(RFC_SECRET, now - dt.timedelta(seconds=30))
    assert mfa.matching_step(RFC_SECRET, previous, now, step - 1) is None
    following = mfa.totp_code(RFC_SECRET, now + dt.timedelta(seconds=30))
    assert mfa.matching_step(RFC_SECRET, following, now, step) == step + 1


def test_typed_codes_are_normalised_and_junk_refused():
    now = at(1111111109)
    assert mfa.matching_step(RFC_SECRET, " 081 804 ", now, None) == mfa.time_step(now)
    assert mfa.matching_step(RFC_SECRET, "081-804", now, None) == mfa.time_step(now)
    for junk in ("", "08180", "0818040", "abcdef", "08180x"):
        assert mfa.matching_step(RFC_SECRET, junk, now, None) is None


@given(st.integers(min_value=0, max_value=4_000_000_000), st.integers(min_value=-30, max_value=30))
def test_a_code_is_accepted_within_thirty_seconds_of_drift(seconds, drift):
    code = mfa.totp_code(RFC_SECRET, at(seconds))
    step = mfa.matching_step(RFC_SECRET, code, at(seconds + drift), None)
    assert step == mfa.time_step(at(seconds))


def test_secrets_are_random_base32_of_160_bits():
    secrets = {mfa.new_secret() for _ in range(20)}
    assert len(secrets) == 20
    for secret in secrets:
        assert len(base64.b32decode(secret)) == 20


def test_the_provisioning_uri_names_the_issuer_and_the_account():
    uri = mfa.provisioning_uri(RFC_SECRET, "anne@aer-bfc.fr")
    parts = urlsplit(uri)
    assert parts.scheme == "otpauth" and parts.netloc == "totp"
    assert "anne%40aer-bfc.fr" in parts.path or "anne@aer-bfc.fr" in parts.path
    query = parse_qs(parts.query)
    assert query["secret"] == [RFC_SECRET] and query["issuer"] == ["Relais"]


def test_the_qr_code_is_a_self_contained_svg_image_without_styles():
    uri = mfa.qr_data_uri("otpauth://totp/Relais:x?secret=" + RFC_SECRET)
    prefix = "data:image/svg+xml;base64,"
    assert uri.startswith(prefix)
    svg = base64.b64decode(uri[len(prefix):]).decode()
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert "style" not in svg and "<script" not in svg


def test_the_secret_is_grouped_by_four_for_typing():
    assert mfa.grouped("ABCDEFGHIJ") == "ABCD EFGH IJ"


def test_recovery_codes_are_ten_distinct_readable_codes():
    codes = mfa.new_recovery_codes()
    assert len(set(codes)) == 10
    for code in codes:
        assert len(code) == 11 and code[5] == "-"
        assert mfa.looks_like_recovery_code(code)
        assert not set(code.replace("-", "")) & set("01ilo")
    assert not mfa.looks_like_recovery_code("123456")


def test_recovery_code_hashes_are_keyed_and_ignore_case_and_separators():
    key = mfa.keys_from("secret one").recovery
    digest = mfa.hash_recovery_code(key, "abcde-fghjk")
    assert mfa.hash_recovery_code(key, " ABCDE FGHJK ") == digest
    assert mfa.hash_recovery_code(mfa.keys_from("secret two").recovery, "abcde-fghjk") != digest
    assert "abcde" not in digest and len(digest) == 64


def test_secrets_are_sealed_for_one_user_under_one_key():
    keys = mfa.keys_from("the application key")
    assert keys.sealing != keys.recovery and len(keys.sealing) == 32
    secret = mfa.new_secret()
    sealed = mfa.seal_secret(keys.sealing, secret, 7)
    assert len(sealed) == 64 and secret not in sealed
    assert sealed != mfa.seal_secret(keys.sealing, secret, 7)  # a fresh nonce each time
    assert mfa.open_secret(keys.sealing, sealed, 7) == secret
    for key, user_id in ((keys.sealing, 8), (mfa.keys_from("another key").sealing, 7)):
        with pytest.raises(InvalidTag):
            mfa.open_secret(key, sealed, user_id)


def test_a_half_sign_in_expires():
    now = at(10_000)
    assert not pending_expired(now.timestamp() - 299, now, 5)
    assert pending_expired(now.timestamp() - 301, now, 5)
