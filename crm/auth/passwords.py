"""Password hashing (argon2id) and the password policy. No Flask import.

Policy (ASVS 6.2, CNIL 2022): 12 to 128 characters, any composition, not in the
block-list of common passwords nor made of the organisations' own words.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from importlib.resources import files

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 128

# argon2id with argon2-cffi's defaults (t=3, m=64 MiB, p=4), inside ASVS 5.0 Appendix C.
# ``configure`` lets the test suite use cheap parameters; production never calls it.
_hasher = PasswordHasher()


def configure(*, time_cost: int, memory_cost: int, parallelism: int) -> None:
    global _hasher
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with other parameters than today's: rehash at login."""
    return _hasher.check_needs_rehash(password_hash)


@cache
def _blocked() -> frozenset[str]:
    text = files("crm.auth").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().casefold() for line in text.splitlines() if line.strip())


CONTEXT_WORDS = ("relais", "aerbfc", "bfc", "region", "prefecture", "bourgogne", "franche",
                 "comte", "presse", "password", "motdepasse")


def password_problem(password: str, *, personal: tuple[str, ...] = ()) -> str | None:
    """Return why ``password`` is refused (an English message id), or None if it is fine."""
    if len(password) < MIN_LENGTH:
        return "too_short"
    if len(password) > MAX_LENGTH:
        return "too_long"
    folded = _fold(password)
    if folded in _blocked():
        return "common"
    stripped = folded
    for word in (*CONTEXT_WORDS, *(_fold(p) for p in personal if len(p) >= 3)):
        stripped = stripped.replace(word, "")
    if len(set(stripped.strip("0123456789 !?.-_*@#"))) < 3:
        return "context"
    return None


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
