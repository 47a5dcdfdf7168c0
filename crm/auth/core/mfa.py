"""Pure helpers for multi-factor sign-in: TOTP codes, QR codes and recovery codes.

Nothing here touches the database or the request: the service module stores what these
functions compute. TOTP secrets are stored sealed (AES-256-GCM) and recovery codes as
HMAC-SHA256 digests, both with keys derived from the application's secret key: changing
that key means every user sets up two-step verification again.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import io
import re
import secrets
from dataclasses import dataclass

import pyotp
import segno
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ISSUER = "Relais"
PERIOD = 30  # seconds per TOTP time step (RFC 6238 default, what every authenticator app uses)
DIGITS = 6
WINDOW = 1  # steps accepted either side of now, for clock drift
RECOVERY_CODE_COUNT = 10
# Lower-case letters and digits without the look-alikes 0/o, 1/l/i: 31 symbols, so ten of
# them carry about 49 bits, far beyond guessing under the sign-in throttle.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 10


def new_secret() -> str:
    """A random base32 TOTP secret (160 bits)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, account: str, issuer: str = ISSUER) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=PERIOD).provisioning_uri(
        name=account, issuer_name=issuer)


def qr_data_uri(text: str) -> str:
    """A QR code of ``text`` as a base64 SVG data URI, for an ``<img>`` under a strict CSP."""
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="svg", scale=4, border=4, dark="#000",
                                     light="#fff", xmldecl=False, nl=False)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def grouped(secret: str) -> str:
    """The secret in groups of four characters, easier to type by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def time_step(at: dt.datetime) -> int:
    return int(at.timestamp()) // PERIOD


def normalise_code(text: str) -> str:
    """A typed code without spaces or dashes, lower-cased."""
    return re.sub(r"[\s\-]", "", text or "").lower()


def matching_step(secret: str, code: str, at: dt.datetime, last_used_step: int | None) -> int | None:
    """The time step whose TOTP code is ``code``, within ±WINDOW of ``at`` and later than
    ``last_used_step`` (so that no code, nor an older one, is accepted twice); else None."""
    code = normalise_code(code)
    if len(code) != DIGITS or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=PERIOD)
    now = time_step(at)
    for step in range(max(0, now - WINDOW), now + WINDOW + 1):
        if last_used_step is not None and step <= last_used_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def totp_code(secret: str, at: dt.datetime) -> str:
    """The code an authenticator app shows at ``at`` (used by tests and the demo)."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=PERIOD).generate_otp(time_step(at))


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    """``count`` distinct random codes written ``xxxxx-xxxxx``."""
    codes: set[str] = set()
    while len(codes) < count:
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        codes.add(f"{raw[:5]}-{raw[5:]}")
    return sorted(codes)


def looks_like_recovery_code(text: str) -> bool:
    code = normalise_code(text)
    return len(code) == RECOVERY_LENGTH and all(c in RECOVERY_ALPHABET for c in code)


def hash_recovery_code(key: bytes, code: str) -> str:
    """HMAC-SHA256 of the normalised code: the codes are random enough for a fast keyed hash."""
    return hmac.new(key, normalise_code(code).encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Keys:
    """Keys derived from the application's secret key: one per purpose."""

    recovery: bytes  # HMAC of the recovery codes
    sealing: bytes  # AES-256-GCM of the TOTP secrets


def keys_from(secret_key: str | bytes) -> Keys:
    raw = secret_key.encode() if isinstance(secret_key, str) else secret_key
    return Keys(recovery=hmac.new(raw, b"relais-mfa-recovery-codes", hashlib.sha256).digest(),
                sealing=hmac.new(raw, b"relais-mfa-totp-secrets", hashlib.sha256).digest())


def seal_secret(key: bytes, secret: str, user_id: int) -> str:
    """The TOTP secret encrypted (AES-256-GCM, bound to the user): 64 base64 characters."""
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(key).encrypt(nonce, base64.b32decode(secret), _bound_to(user_id))
    return base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def open_secret(key: bytes, sealed: str, user_id: int) -> str:
    """The TOTP secret back from ``seal_secret``; raises ``InvalidTag`` for another key or user."""
    raw = base64.urlsafe_b64decode(sealed)
    plain = AESGCM(key).decrypt(raw[:12], raw[12:], _bound_to(user_id))
    return base64.b32encode(plain).decode("ascii")


def _bound_to(user_id: int) -> bytes:
    return f"relais-totp-secret:{user_id}".encode()
