"""Who is signed in: the Flask-Login loader and safe redirects (role checks: ``crm.access``)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import url_for

from crm.auth.models import User
from crm.auth.services import resume_session
from crm.extensions import login_manager
from crm.settings import settings


@login_manager.user_loader
def load_user(token: str) -> User | None:
    # Runs before any view (the MFA enrolment check reads current_user first); the session's
    # bookkeeping is committed apart, so the request's own transaction stays the view's.
    return resume_session(token, idle=settings().session_idle,
                          lifetime=settings().session_lifetime)


def safe_next(target: str | None) -> str:
    """``target`` if it is a path on this site, else the home page (no open redirect)."""
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith(("//", "/\\"))
            and "\\" not in target
            and not any(ord(c) < 32 for c in target)
        ):
            return target
    return url_for("dashboard.index")


def init_login_manager() -> None:
    from flask_babel import lazy_gettext as _l

    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
