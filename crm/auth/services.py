"""Sign-in, server-side sessions and passwords. Services flush; callers commit."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import Executable, delete, select, update
from sqlalchemy.orm.attributes import set_committed_value

from crm.audit.services import record
from crm.auth import passwords, throttle
from crm.auth.labels import ROLE_LABELS as ROLE_LABELS  # the label of each role, for every page
from crm.auth.labels import password_message as password_message
from crm.auth.labels import role_label as role_label
from crm.auth.models import User, UserMfa, UserSession

# hashing and checking a new password, for the features that set one (users)
from crm.auth.passwords import hash_password as hash_password
from crm.auth.passwords import password_problem as password_problem
from crm.database import affected_rows, utcnow
from crm.extensions import db
from crm.i18n import N_
from crm.mail.services import queue_email
from crm.settings import settings


def normalise_email(email: str) -> str:
    return email.strip().lower()


@dataclass(frozen=True)
class LoginResult:
    user: User | None = None
    retry_after: int = 0
    busy: bool = False  # every password-check slot was taken: try again in a moment


def authenticate(email: str, password: str, ip: str, rules: throttle.ThrottleRules) -> LoginResult:
    """Check credentials under the throttle; record success or failure in the audit log.

    The attempt is recorded (and committed) before the password is checked, so parallel
    attempts cannot all slip under the throttle. Exactly one argon2 check is made whether
    or not the account exists or is enabled: the answer time reveals nothing."""
    account = normalise_email(email)
    config = settings()
    with passwords.hashing_slot(config.password_hash_slots,
                                config.password_hash_wait) as granted:
        if not granted:
            return LoginResult(busy=True)
        wait = throttle.attempt(account, ip, rules)
        if wait:
            record(None, "auth.login_throttled", account=account, retry_after=wait)
            return LoginResult(retry_after=wait)
        user = db.session.scalar(select(User).where(User.email == account))
        if user is None or not user.is_enabled:
            passwords.verify_dummy(password)
            if user is None:
                record(None, "auth.login_failed", account=account)
            else:
                record(None, "auth.login_refused_disabled", user, account=account)
            return LoginResult()
        if not passwords.verify_password(user.password_hash, password):
            record(None, "auth.login_failed", user, account=account)
            return LoginResult()
        if passwords.needs_rehash(user.password_hash):
            user.password_hash = passwords.hash_password(password)
    throttle.clear_now(account)
    user.last_login_at = utcnow()
    record(user, "auth.login", user)
    return LoginResult(user=user)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(user: User, ip: str | None, user_agent: str | None) -> str:
    """Create a server-side session for ``user``; returns the token to keep in the cookie."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(token_hash=_hash_token(token), user=user, ip=ip,
                               user_agent=(user_agent or "")[:255]))
    user.session_token = token
    return token


# How stale last-seen may get before a request moves it: the idle timeout counts from up to
# this much earlier, and a signed-in user's page views write at most once per step.
LAST_SEEN_STEP = dt.timedelta(minutes=1)


def resume_session(token: str, idle: dt.timedelta, lifetime: dt.timedelta) -> User | None:
    """The user of a live session, or None if the token is unknown, idle or too old.

    Reads through the caller's session and leaves nothing in it to commit: ending a dead
    session, and moving a last-seen older than ``LAST_SEEN_STEP``, are each committed in a
    short transaction of their own. So loading the user never commits the request's work, and
    most page views write nothing."""
    row = db.session.scalar(select(UserSession).where(UserSession.token_hash == _hash_token(token)))
    if row is None:
        return None
    now = utcnow()
    if not row.user.is_enabled or now - row.last_seen_at > idle or now - row.created_at > lifetime:
        _write_apart(delete(UserSession).where(UserSession.id == row.id))
        db.session.expunge(row)
        return None
    if now - row.last_seen_at > LAST_SEEN_STEP:
        _write_apart(update(UserSession).where(UserSession.id == row.id)
                     .values(last_seen_at=now))
        set_committed_value(row, "last_seen_at", now)
    row.user.session_token = token
    return row.user


def _write_apart(statement: Executable) -> None:
    """Commit ``statement`` on a connection of its own, outside the caller's transaction."""
    with db.engine.begin() as connection:
        connection.execute(statement)


def close_session(token: str | None) -> None:
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == _hash_token(token)))


def close_all_sessions(user: User, *, keep_token: str | None = None) -> int:
    stmt = delete(UserSession).where(UserSession.user_id == user.id)
    if keep_token:
        stmt = stmt.where(UserSession.token_hash != _hash_token(keep_token))
    return affected_rows(stmt)


def purge_expired_sessions(idle: dt.timedelta, lifetime: dt.timedelta) -> int:
    now = utcnow()
    stmt = delete(UserSession).where(
        (UserSession.last_seen_at < now - idle) | (UserSession.created_at < now - lifetime)
    )
    return affected_rows(stmt)


def change_password(user: User, new_password: str, *, keep_token: str | None) -> None:
    """Set a new password and end the user's other sessions."""
    user.password_hash = passwords.hash_password(new_password)
    ended = close_all_sessions(user, keep_token=keep_token)
    record(user, "auth.password_changed", user, other_sessions_ended=ended)
    queue_email(user.email, N_("Your Relais password was changed"), "password_changed",
                locale=user.locale, user=user)


class MfaError(Exception):
    """A refused MFA operation; ``code`` names the reason for the view's message."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def mfa_authenticator(user: User) -> UserMfa | None:
    """``user``'s authenticator (enrolled or pending), None if they have none."""
    from crm.auth import mfa_services  # it builds on this module's sessions

    return mfa_services.authenticator(user)


def reset_mfa(actor: User | None, user: User) -> None:
    """An administrator (None: the command line) removes ``user``'s authenticator and ends
    their sessions; ``MfaError`` on their own account or when there is none."""
    from crm.auth import mfa_services

    mfa_services.reset(actor, user)
