"""The label of each role and why a new password is refused, for the pages of every feature
(through ``crm.auth.services``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from crm.auth.models import Role
from crm.auth.passwords import password_problem

ROLE_LABELS = {
    Role.OFFICER: _l("Press officer"),
    Role.MANAGER: _l("Communication manager"),
    Role.ADMIN: _l("Administrator"),
}


def role_label(role: Role | str) -> str:
    return str(ROLE_LABELS[Role(role)])


PASSWORD_MESSAGES = {
    "too_short": _l("At least 12 characters."),
    "too_long": _l("At most 128 characters."),
    "common": _l("This password is too common: choose another one."),
    "context": _l("This password is too close to the application or your name."),
}


def password_message(password: str, *, personal: tuple[str, ...] = ()) -> str | None:
    """Why ``password`` is refused, translated, or None if it is fine."""
    problem = password_problem(password, personal=personal)
    return str(PASSWORD_MESSAGES[problem]) if problem else None
