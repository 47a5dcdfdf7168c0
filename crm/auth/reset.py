"""Password reset by e-mail with signed, short-lived, single-use links.

Nothing is stored: the link carries the user id and a digest of the current password
hash, signed with the secret key and a purpose salt. It expires after ``max_age`` and
dies as soon as the password changes, so it works once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from crm.audit.services import record
from crm.auth.models import User
from crm.auth.passwords import hash_password
from crm.auth.services import close_all_sessions, normalise_email
from crm.extensions import db
from crm.i18n import N_
from crm.mail.services import queue_email

SALT = "relais.password-reset"


def _digest(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:20]


def make_token(secret_key: str | bytes, user: User) -> str:
    return URLSafeTimedSerializer(secret_key, salt=SALT).dumps({"u": user.id, "h": _digest(user)})


def user_for_token(secret_key: str | bytes, token: str, max_age: int) -> User | None:
    """The enabled user the token was made for, if it is genuine, fresh and unused."""
    try:
        data = URLSafeTimedSerializer(secret_key, salt=SALT).loads(token, max_age=max_age)
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("u"))
    if user is None or not user.is_enabled or data.get("h") != _digest(user):
        return None
    return user


def request_reset(email: str, link_for: Callable[[User], str]) -> User | None:
    """Queue a reset link for the account of ``email`` if there is an enabled one."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.is_enabled:
        record(None, "auth.reset_requested_unknown", account=normalise_email(email))
        return None
    queue_email(user.email, N_("Reset your Relais password"), "password_reset", locale=user.locale,
                user=user, link=link_for(user))
    record(None, "auth.reset_requested", user)
    return user


def reset_password(user: User, new_password: str) -> None:
    """Set the new password, end every session of the user, tell them by e-mail."""
    user.password_hash = hash_password(new_password)
    close_all_sessions(user)
    record(user, "auth.password_reset", user)
    queue_email(user.email, N_("Your Relais password was changed"), "password_changed",
                locale=user.locale, user=user)
