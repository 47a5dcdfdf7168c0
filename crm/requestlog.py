"""One log line per request: request id, user id, route, method, status and duration.

The request id is the caller's ``X-Request-ID`` when it looks like one (the reverse proxy's,
so that its log and ours can be joined), else a new random one; the answer carries it back.
The line names the route pattern (``/contacts/<int:contact_id>``), never the path or the
query string: those can hold a reset token or a searched name. It names the user by id,
never by e-mail. ``LOG_FORMAT`` picks ``key=value`` text or one JSON object per line (JSON
escapes whatever a client sent, so no line can be forged). Successful health checks are not
logged: a load balancer asks every few seconds.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
import time
import uuid
from typing import Any

from flask import Flask, Response, g, request

from crm.settings import settings

LOGGER_NAME = "crm.request"
HEADER = "X-Request-ID"
# What the reverse proxy sends (nginx's $request_id is 32 hex digits); anything else is replaced.
SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,127}")
QUIET_ENDPOINTS = frozenset({"health.live", "health.ready"})

logger = logging.getLogger(LOGGER_NAME)


def request_id() -> str:
    """The current request's id (made on first use)."""
    if "request_id" not in g:
        incoming = request.headers.get(HEADER, "")
        g.request_id = incoming if SANE_ID.fullmatch(incoming) else uuid.uuid4().hex
    return str(g.request_id)


def _start() -> None:
    g.request_started = time.perf_counter()
    request_id()


def _user_id() -> int | None:
    # Flask-Login keeps the loaded user in g._login_user: reading it never loads one (a
    # static file answered without a session lookup stays so).
    user = g.get("_login_user")
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return int(user.id)


def record(response: Response) -> dict[str, Any]:
    """The fields of the current request's line."""
    started = g.get("request_started")
    elapsed = (time.perf_counter() - started) * 1000 if started is not None else None
    return {
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
        "request_id": request_id(),
        "method": request.method,
        "route": request.url_rule.rule if request.url_rule else None,
        "endpoint": request.endpoint,
        "status": response.status_code,
        "duration_ms": round(elapsed, 1) if elapsed is not None else None,
        "user_id": _user_id(),
    }


def format_line(fields: dict[str, Any], log_format: str) -> str:
    if log_format == "json":
        return json.dumps({"event": "request", **fields}, ensure_ascii=False)
    return "request " + " ".join(f"{key}={'-' if value is None else value}"
                                 for key, value in fields.items())


def _finish(response: Response) -> Response:
    response.headers[HEADER] = request_id()
    if request.endpoint not in QUIET_ENDPOINTS or response.status_code >= 400:
        logger.info(format_line(record(response), settings().log_format))
    return response


class StandardError(logging.Handler):
    """Writes each line, as it was formatted, to whatever ``sys.stderr`` is when it is
    written (under gunicorn and systemd: the journal; the test runner swaps it)."""

    def __init__(self) -> None:
        super().__init__()
        self.name = LOGGER_NAME

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(record.getMessage() + "\n")
            sys.stderr.flush()
        except Exception:
            self.handleError(record)


def init_app(app: Flask) -> None:
    """Log every request of ``app``. Call it before any other ``after_request`` hook is
    registered: Flask runs them in reverse order, so this one sees the final answer."""
    if not any(h.name == LOGGER_NAME for h in logger.handlers):
        logger.addHandler(StandardError())
    logger.setLevel(logging.INFO)
    logger.propagate = False  # not again through the app's or the root logger's handlers
    app.before_request(_start)
    app.after_request(_finish)
