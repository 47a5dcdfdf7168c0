"""Interface language: French by default, English per user or per browser session.

Flask-Babel finds the message catalogue again for every message (five context look-ups
each); a page translates hundreds. ``CatalogueDomain`` keeps the catalogue of the request's
locale in the request's ``g``, found once per request and locale (``force_locale``, which the
e-mails sent in a request use, changes the locale and so the catalogue), and ``init_app``
gives the templates translation functions that go straight to it.
"""

from __future__ import annotations

from functools import cached_property

from babel.support import NullTranslations
from flask import Flask, g, session
from flask_babel import Babel, Domain, get_locale
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


class CatalogueDomain(Domain):
    """The default message domain, its catalogue found once per request and locale."""

    def get_translations(self) -> NullTranslations:
        if not g:
            return super().get_translations()
        state = g._get_current_object()
        # Flask-Babel's per-request state: the locale it chose, or the one forced
        babel_state = getattr(state, "_flask_babel", None)
        locale = getattr(babel_state, "babel_locale", None) or get_locale()
        found = getattr(state, "_relais_catalogue", None)
        if found is None or found[0] is not locale:
            found = state._relais_catalogue = (locale, super().get_translations())
        return found[1]


class CatalogueBabel(Babel):
    @cached_property
    def domain_instance(self) -> Domain:
        return CatalogueDomain(domain=self.domain)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["get_locale"] = get_locale
    with app.app_context():  # the domain reads the app's configuration once
        domain = app.extensions["babel"].instance.domain_instance

    def gettext(message: str) -> str:
        return domain.get_translations().ugettext(message)

    def ngettext(singular: str, plural: str, n: int) -> str:
        return domain.get_translations().ungettext(singular, plural, n)

    def pgettext(context: str, message: str) -> str:
        return domain.get_translations().upgettext(context, message)

    def npgettext(context: str, singular: str, plural: str, n: int) -> str:
        return domain.get_translations().unpgettext(context, singular, plural, n)

    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=gettext, ngettext=ngettext, pgettext=pgettext, npgettext=npgettext,
        newstyle=True)


def N_(text: str) -> str:
    """Mark a message id for extraction; it is translated later, in the reader's locale."""
    return text
