"""Interface language: French by default, English per user or per browser session."""

from __future__ import annotations

from flask import Flask, session
from flask_babel import get_locale
from flask_login import current_user

from crm.settings import settings


def select_locale() -> str:
    languages = settings().languages
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return str(current_user.locale)
    chosen = session.get("locale")
    if chosen in languages:
        return str(chosen)
    return settings().default_locale


def select_timezone() -> str:
    return settings().time_zone.key


def init_app(app: Flask) -> None:
    app.jinja_env.globals["get_locale"] = get_locale


def N_(text: str) -> str:
    """Mark a message id for extraction; it is translated later, in the reader's locale."""
    return text
