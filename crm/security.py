"""Request hardening: response headers (CSP with a per-request nonce, no sniffing, referrer,
HSTS, caching), ids bounded to the database's integer range, links built from the
configured base URL, and a development server that does not advertise its version."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import SecurityError
from werkzeug.routing import IntegerConverter
from werkzeug.serving import WSGIRequestHandler
from wtforms import Field, ValidationError

from crm.settings import settings

# Every id column is a signed 64-bit integer (BIGINT on PostgreSQL, INTEGER on SQLite):
# a larger number can name no row, and binding it fails in the database driver.
MAX_ID = 2**63 - 1
# Pages beyond this would overflow the OFFSET of any page size; nothing has that many.
MAX_PAGE = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` in every route: a number beyond the signed 64-bit range matches no
    route (404) instead of reaching the database."""

    def __init__(self, map: Any, fixed_digits: int = 0, min: int | None = None,
                 max: int | None = None, signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min,
                         max=MAX_ID if max is None else max, signed=signed)


def parse_id(value: object) -> int | None:
    """``value`` as a positive id if it is one (digits, within the 64-bit range), else None."""
    text = str(value).strip() if value is not None else ""
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


# Dates a form accepts: far enough from year 1 and 9999 that a time zone or a day more
# never leaves Python's range.
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


def plausible_date(_form: object, field: Field) -> None:
    """WTForms validator for a date or a date and time: a form error outside FIRST_DAY to
    LAST_DAY, instead of an overflow when it is turned into an instant."""
    value = field.data
    day = value.date() if isinstance(value, dt.datetime) else value
    if isinstance(day, dt.date) and not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(_l("Enter a date between %(first)s and %(last)s.",
                                 first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat()))


def coerce_id(value: object) -> int:
    """WTForms ``coerce`` for submitted ids: a ValueError (a form error) when not an id."""
    number = parse_id(value)
    if number is None:
        raise ValueError("not an id")
    return number


def id_arg(name: str) -> int | None:
    """The query-string parameter ``name`` as an id, or None when absent or not an id."""
    return parse_id(request.args.get(name))


def page_arg(name: str = "page") -> int:
    """The page number of the query string: 1 when absent, malformed or out of range."""
    page = parse_id(request.args.get(name))
    return page if page is not None and page <= MAX_PAGE else 1


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute link to ``endpoint`` built from ``BASE_URL``, never from the request's
    Host header (which a client chooses): the only way to put a link in an e-mail."""
    base = urlsplit(settings().base_url)
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path.rstrip("/") or "/",
                                       url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


class QuietRequestHandler(WSGIRequestHandler):
    """The development server's handler, without Werkzeug's and Python's versions in
    the ``Server`` header."""

    def version_string(self) -> str:
        return "Relais"

SECRET_LINK_ENDPOINTS = {"auth.reset_password", "mailings.unsubscribe",
                         "mailings.unsubscribe_choice"}


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return str(g.csp_nonce)


def content_security_policy(nonce: str) -> str:
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ])


def set_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    # Pages reached through a secret link (password reset) never leak it as a referrer.
    secret_link = request.endpoint in SECRET_LINK_ENDPOINTS
    headers.setdefault("Referrer-Policy", "no-referrer" if secret_link else "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if settings().production:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if not request.path.startswith("/static/"):
        # Pages carry personal data: never keep them in shared or browser caches.
        headers.setdefault("Cache-Control", "no-store")
    return response


def untrusted_host(_exc: SecurityError) -> Response:
    """A request for another host than Relais's own (TRUSTED_HOSTS): a bare 400, since
    no link can be built for a request that matched no host."""
    return Response("Bad request: unknown host.\n", status=400, mimetype="text/plain")


def init_app(app: Flask) -> None:
    app.register_error_handler(SecurityError, untrusted_host)
    # Before any blueprint is registered: routes compile their converters when added.
    app.url_map.converters["int"] = BoundedIntConverter
    app.after_request(set_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
