"""Normalisation of contact data on write. Pure functions: no Flask, no database.

Emails are trimmed, validated (no DNS) and lower-cased; phones are parsed for region FR and
stored in E.164; names keep what was typed and also get a folded key in which accents, case,
punctuation and token order no longer matter.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import phonenumbers
from email_validator import EmailNotValidError, validate_email

REGION = "FR"
MAX_SEARCH_TOKENS = 8
_SPECIAL = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ø": "o",
                          "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d"})
_NON_WORD = re.compile(r"[^\w]+|_+")
_PHONE_QUERY = re.compile(r"^[\d\s+().\-/]+$")


class InvalidEmail(ValueError):
    """The text is not a usable email address."""


class InvalidPhone(ValueError):
    """The text is not a valid phone number (for region FR when it has no prefix)."""


@dataclass(frozen=True)
class Phone:
    e164: str
    kind: str  # "mobile" or "landline"


def _fold_once(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(_SPECIAL).casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(_NON_WORD.sub(" ", text).split())


def fold(text: str) -> str:
    """Accent-, case- and punctuation-free words: "L'Est Républicain" → "l est republicain"."""
    folded = _fold_once(text)
    for _ in range(3):  # a few exotic code points need another pass to settle
        again = _fold_once(folded)
        if again == folded:
            break
        folded = again
    return folded


def name_key(*parts: str | None) -> str:
    """Folded name tokens in sorted order: "POIRIER Aline" and "aline poirier" fold alike."""
    return " ".join(sorted(fold(" ".join(p for p in parts if p)).split()))


def sort_key(last_name: str | None, first_name: str | None) -> str:
    """Folded "last first", the order in which lists are sorted."""
    return fold(f"{last_name or ''} {first_name or ''}")


def normalise_email(raw: str) -> str:
    """Trimmed, validated, lower-cased address; raises ``InvalidEmail``."""
    text = (raw or "").strip()
    try:
        info = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidEmail(str(exc)) from exc
    return info.normalized.lower()


def parse_phone(raw: str, region: str = REGION) -> Phone:
    """E.164 and kind of a phone number typed in any usual French way; raises ``InvalidPhone``."""
    text = (raw or "").strip().replace("(0)", "")
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(str(exc)) from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone("not a valid number")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    kind = "mobile" if phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE \
        else "landline"
    return Phone(e164, kind)


@functools.lru_cache(maxsize=8192)
def display_phone(e164: str) -> str:
    """French national format for French numbers ("06 80 55 69 66"), international otherwise."""
    try:
        number = phonenumbers.parse(e164, REGION)
    except phonenumbers.NumberParseException:
        return e164
    fmt = phonenumbers.PhoneNumberFormat.NATIONAL if number.country_code == 33 \
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, fmt)


def phone_search_tokens(e164: str) -> list[str]:
    """The digit strings a search may start with: national "0680556966" and "33680556966"."""
    digits = e164.lstrip("+")
    tokens = [digits]
    if digits.startswith("33"):
        tokens.insert(0, "0" + digits[2:])
    return tokens


def search_tokens(query: str) -> list[str]:
    """Words of a search box entry, folded like the indexed text, at most a few.

    A query made of digits and phone punctuation becomes one digit string, so that
    "06 80 55" or "+33 6 80" can prefix-match the stored phone tokens.
    """
    query = (query or "").strip()
    if _PHONE_QUERY.match(query) and sum(c.isdigit() for c in query) >= 2:
        digits = re.sub(r"\D", "", query.replace("(0)", ""))
        digits = digits[2:] if digits.startswith("00") else digits
        return [digits] if digits else []
    return fold(query).split()[:MAX_SEARCH_TOKENS]


def search_text(*parts: str | None) -> str:
    """One folded text holding every searchable value (names, emails, phones, outlets, beats)."""
    return fold(" ".join(p for p in parts if p))


def is_web_url(raw: str) -> bool:
    """True for an absolute http(s) URL with a host (social handles, websites)."""
    match = re.match(r"^https?://([^/\s?#]+)[^\s]*$", (raw or "").strip(), re.IGNORECASE)
    return bool(match and "." in match.group(1))
