"""Multi-factor sign-in: enrolment, code checks, recovery codes, reset. Services flush; callers commit.

A user's authenticator is a ``UserMfa`` row: pending while ``confirmed_at`` is empty, active
once a first good code confirmed it. Code attempts count in the sign-in throttle under the
account key ``mfa:<user id>`` until a good code clears them, so five wrong codes start the
doubling wait.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from sqlalchemy import delete, func, select, update

from crm.audit.services import record
from crm.auth import throttle
from crm.auth.core import mfa
from crm.auth.models import MfaRecoveryCode, User, UserMfa
from crm.auth.services import MfaError as MfaError  # raised here, caught by other features
from crm.auth.services import close_all_sessions
from crm.database import affected_rows, utcnow
from crm.extensions import db


@dataclass(frozen=True)
class CodeCheck:
    ok: bool = False
    retry_after: int = 0
    recovery_code_used: bool = False


def is_required(user: User, required_roles: Iterable[str]) -> bool:
    return user.role.value in set(required_roles)


def authenticator(user: User) -> UserMfa | None:
    return db.session.get(UserMfa, user.id)


def is_enrolled(user: User) -> bool:
    row = authenticator(user)
    return row is not None and row.confirmed_at is not None


def start_enrolment(user: User, keys: mfa.Keys) -> UserMfa:
    """A new pending secret for ``user`` (replacing an unconfirmed one), stored sealed."""
    row = authenticator(user)
    if row is not None and row.confirmed_at is not None:
        raise MfaError("already_enrolled")
    sealed = mfa.seal_secret(keys.sealing, mfa.new_secret(), user.id)
    if row is None:
        row = UserMfa(user_id=user.id, totp_secret=sealed)
        db.session.add(row)
    else:
        row.totp_secret = sealed
        row.created_at = utcnow()
    db.session.flush()
    return row


def pending_secret(user: User, keys: mfa.Keys) -> str | None:
    """The secret of an enrolment not confirmed yet, to show once for the app; else None."""
    row = pending_enrolment(user)
    if row is None:
        return None
    try:
        return _secret(row, keys)
    except MfaError:
        return None  # sealed under an older key: the user starts again


def _secret(row: UserMfa, keys: mfa.Keys) -> str:
    try:
        return mfa.open_secret(keys.sealing, row.totp_secret, row.user_id)
    except (InvalidTag, ValueError) as exc:
        raise MfaError("unreadable") from exc


def pending_enrolment(user: User) -> UserMfa | None:
    row = authenticator(user)
    return row if row is not None and row.confirmed_at is None else None


def confirm_enrolment(user: User, code: str, ip: str, rules: throttle.ThrottleRules,
                      keys: mfa.Keys) -> tuple[CodeCheck, list[str]]:
    """Activate the pending authenticator with a first good code; returns the recovery codes."""
    row = pending_enrolment(user)
    if row is None:
        raise MfaError("no_pending_enrolment")
    wait = throttle.attempt(_account(user), ip, rules)
    if wait:
        return CodeCheck(retry_after=wait), []
    now = utcnow()
    step = mfa.matching_step(_secret(row, keys), code, now, None)
    if step is None:
        _failed(user, stage="enrolment")
        return CodeCheck(), []
    throttle.clear_now(_account(user))
    row.confirmed_at = now
    row.last_used_step = step
    codes = _replace_recovery_codes(user, keys)
    record(user, "auth.mfa_enrolled", user)
    return CodeCheck(ok=True), codes


def check_code(user: User, code: str, ip: str, rules: throttle.ThrottleRules,
               keys: mfa.Keys, *, allow_recovery: bool = True) -> CodeCheck:
    """Accept a fresh TOTP code or (if allowed) an unused recovery code, under the throttle.

    The attempt is recorded (and committed) before the code is checked, so parallel guesses
    cannot all slip under the throttle; a good code forgets the attempts. The throttle's own
    transactions run before this session writes anything (SQLite has a single writer)."""
    row = authenticator(user)
    if row is None or row.confirmed_at is None:
        raise MfaError("not_enrolled")
    wait = throttle.attempt(_account(user), ip, rules)
    if wait:
        record(user, "auth.mfa_throttled", user, retry_after=wait)
        return CodeCheck(retry_after=wait)
    now = utcnow()
    step = mfa.matching_step(_secret(row, keys), code, now, row.last_used_step)
    if step is not None:
        throttle.clear_now(_account(user))
        # Conditional update: two requests racing with the same code cannot both win.
        won = affected_rows(
            update(UserMfa)
            .where(UserMfa.user_id == user.id,
                   (UserMfa.last_used_step.is_(None)) | (UserMfa.last_used_step < step))
            .values(last_used_step=step)
            .execution_options(synchronize_session="fetch")
        )
        if won:
            return CodeCheck(ok=True)
    elif allow_recovery and mfa.looks_like_recovery_code(code):
        digest = mfa.hash_recovery_code(keys.recovery, code)
        if _unused_recovery_code(user, digest):
            throttle.clear_now(_account(user))
            used = affected_rows(
                update(MfaRecoveryCode)
                .where(MfaRecoveryCode.user_id == user.id, MfaRecoveryCode.code_hash == digest,
                       MfaRecoveryCode.used_at.is_(None))
                .values(used_at=now)
                .execution_options(synchronize_session=False)
            )
            if used:
                record(user, "auth.mfa_recovery_code_used", user,
                       remaining=remaining_recovery_codes(user))
                return CodeCheck(ok=True, recovery_code_used=True)
    _failed(user, stage="sign-in" if allow_recovery else "confirmation")
    return CodeCheck()


def _unused_recovery_code(user: User, digest: str) -> bool:
    return db.session.scalar(
        select(MfaRecoveryCode.id).where(MfaRecoveryCode.user_id == user.id,
                                         MfaRecoveryCode.code_hash == digest,
                                         MfaRecoveryCode.used_at.is_(None))
    ) is not None


def remaining_recovery_codes(user: User) -> int:
    return int(db.session.scalar(
        select(func.count(MfaRecoveryCode.id))
        .where(MfaRecoveryCode.user_id == user.id, MfaRecoveryCode.used_at.is_(None))
    ) or 0)


def regenerate_recovery_codes(user: User, code: str, ip: str, rules: throttle.ThrottleRules,
                              keys: mfa.Keys) -> tuple[CodeCheck, list[str]]:
    """New recovery codes (the old ones stop working), on a current TOTP code."""
    check = check_code(user, code, ip, rules, keys, allow_recovery=False)
    if not check.ok:
        return check, []
    codes = _replace_recovery_codes(user, keys)
    record(user, "auth.mfa_recovery_codes_renewed", user)
    return check, codes


def disable(user: User, code: str, ip: str, rules: throttle.ThrottleRules, keys: mfa.Keys,
            required_roles: Iterable[str]) -> CodeCheck:
    """The user turns MFA off, with a current code, if their role does not require it."""
    if is_required(user, required_roles):
        raise MfaError("required")
    check = check_code(user, code, ip, rules, keys)
    if check.ok:
        _remove(user)
        record(user, "auth.mfa_disabled", user)
    return check


def reset(actor: User | None, user: User) -> None:
    """An administrator (None: the command line) removes ``user``'s authenticator and ends
    their sessions: they enrol again at next sign-in."""
    if actor is not None and actor.id == user.id:
        raise MfaError("own_account")  # one's own goes through the account page, with a code
    if authenticator(user) is None:
        raise MfaError("not_enrolled")
    _remove(user)
    ended = close_all_sessions(user)
    record(actor, "auth.mfa_reset", user, sessions_ended=ended)


def _remove(user: User) -> None:
    db.session.execute(delete(MfaRecoveryCode).where(MfaRecoveryCode.user_id == user.id))
    db.session.execute(delete(UserMfa).where(UserMfa.user_id == user.id))


def _replace_recovery_codes(user: User, keys: mfa.Keys) -> list[str]:
    db.session.execute(delete(MfaRecoveryCode).where(MfaRecoveryCode.user_id == user.id))
    codes = mfa.new_recovery_codes()
    db.session.add_all(MfaRecoveryCode(user_id=user.id, code_hash=mfa.hash_recovery_code(keys.recovery, c))
                       for c in codes)
    db.session.flush()
    return codes


def _failed(user: User, *, stage: str) -> None:
    """Audit a wrong code (the throttle already counts the attempt)."""
    record(user, "auth.mfa_failed", user, stage=stage)


def _account(user: User) -> str:
    return f"mfa:{user.id}"


def pending_expired(started_at: float, now: dt.datetime, minutes: int) -> bool:
    """Whether a half sign-in begun at ``started_at`` (epoch seconds) is too old to finish."""
    return now.timestamp() - started_at > minutes * 60
