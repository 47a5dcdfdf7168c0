"""Password hashing (argon2id) and the password policy.

The hasher hangs off the app (``app.extensions["password_hasher"]``, set by ``init_app`` from
``PASSWORD_HASH_PARAMETERS``): each app hashes with its own parameters, nothing to rebuild.

Policy (ASVS 6.2, CNIL 2022): 12 to 128 characters, any composition, not in the
block-list of common passwords nor made of the organisations' own words (compared without
case, accents, spaces or punctuation).
"""

from __future__ import annotations

import re
import secrets
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib.resources import files
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app, has_app_context

MIN_LENGTH = 12
MAX_LENGTH = 128

# argon2id with argon2-cffi's defaults (t=3, m=64 MiB, p=4), inside ASVS 5.0 Appendix C;
# production sets no PASSWORD_HASH_PARAMETERS, the test suite sets cheap ones.
DEFAULT_HASHER = PasswordHasher()


def init_app(app: Flask) -> None:
    parameters: dict[str, Any] = app.config.get("PASSWORD_HASH_PARAMETERS") or {}
    app.extensions["password_hasher"] = PasswordHasher(**parameters) if parameters \
        else DEFAULT_HASHER


def hasher() -> PasswordHasher:
    """The current app's hasher; the default one outside an app."""
    if has_app_context():
        return current_app.extensions["password_hasher"]
    return DEFAULT_HASHER


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


_dummy: tuple[PasswordHasher, str] | None = None


def verify_dummy(password: str) -> bool:
    """Spend the time of one real check, against a hash of nothing anyone knows: an unknown
    or deactivated account answers as slowly as a wrong password. Always False."""
    global _dummy
    dummy, current = _dummy, hasher()
    if dummy is None or dummy[0] is not current:  # made with today's parameters
        dummy = _dummy = (current, current.hash(secrets.token_urlsafe(32)))
    verify_password(dummy[1], password)
    return False


_slots: dict[int, threading.BoundedSemaphore] = {}
_slots_lock = threading.Lock()


@contextmanager
def hashing_slot(slots: int, wait: float) -> Iterator[bool]:
    """One of ``slots`` process-wide places for a password check (argon2id takes 64 MiB):
    yields False when none frees up within ``wait`` seconds, so that a burst is turned
    away instead of queueing without bound."""
    with _slots_lock:
        semaphore = _slots.setdefault(slots, threading.BoundedSemaphore(slots))
    granted = semaphore.acquire(timeout=wait) if wait > 0 else semaphore.acquire(blocking=False)
    try:
        yield granted
    finally:
        if granted:
            semaphore.release()


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with other parameters than today's: rehash at login."""
    return hasher().check_needs_rehash(password_hash)


@cache
def _blocked() -> frozenset[str]:
    text = files("crm.auth").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().casefold() for line in text.splitlines() if line.strip())


# Words anyone would try against Relais, besides the organisations' names, short names and
# aliases: a password made only of these (in any order, case, accents, spacing and
# punctuation, with any digits) is refused.
COMMON_WORDS = ("relais", "crm", "presse", "press", "relations", "communication", "journaliste",
                "password", "motdepasse", "mot", "passe", "secret", "admin", "administrateur",
                "bienvenue", "welcome", "bonjour", "hello", "france", "bourgogne", "franche",
                "comte", "region", "regional", "prefecture", "agence", "conseil", "bfc",
                "de", "du", "des", "la", "le", "les", "et", "the", "of", "and")


def password_problem(password: str, *, personal: tuple[str, ...] = ()) -> str | None:
    """Return why ``password`` is refused (an English message id), or None if it is fine."""
    if len(password) < MIN_LENGTH:
        return "too_short"
    if len(password) > MAX_LENGTH:
        return "too_long"
    folded = _fold(password)
    compact = "".join(c for c in folded if c.isalnum())
    if folded in _blocked() or compact in _blocked():
        return "common"
    words = _context_words() | {w for p in personal if len(p) >= 3 for w in _words(p)}
    if len(set(_unexplained(compact, frozenset(words)))) < 3:
        return "context"
    return None


@cache
def _context_words() -> frozenset[str]:
    from crm.orgs.services import FOUNDING_ORGANISATIONS  # data only: the three bodies' names

    phrases = [p for name, short, aliases in FOUNDING_ORGANISATIONS for p in (name, short, *aliases)]
    return frozenset(w for phrase in (*phrases, *COMMON_WORDS) for w in _words(phrase))


def _words(phrase: str) -> list[str]:
    return [w for w in re.split(r"\W+|_", _fold(phrase)) if w]


def _unexplained(text: str, words: frozenset[str]) -> str:
    """The fewest letters of ``text`` left over once it is cut into ``words`` and digits."""
    longest = max(map(len, words), default=0)
    best: list[tuple[int, str]] = [(0, "")] + [(len(text) + 1, "")] * len(text)
    for end in range(1, len(text) + 1):
        char = text[end - 1]
        cost, rest = best[end - 1]
        best[end] = (cost, rest) if char.isdigit() else (cost + 1, rest + char)
        for start in range(max(0, end - longest), end):
            if text[start:end] in words and best[start][0] < best[end][0]:
                best[end] = best[start]
    return best[len(text)][1]


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
