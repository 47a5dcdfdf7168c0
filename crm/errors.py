"""Errors shared by the features, and the error pages: short, translated, and revealing
nothing about the internals."""

from __future__ import annotations

from flask import Flask, g, has_request_context, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException, InternalServerError

from crm.extensions import db
from crm.settings import settings

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    403: (_l("Access denied"), _l("Your role does not give access to this page.")),
    404: (_l("Page not found"), _l("This page does not exist, or you do not have access to it.")),
    405: (_l("Method not allowed"), _l("This address does not accept this kind of request.")),
    410: (_l("Link expired"),
          _l("This link has expired or has already been used. Ask for a new one if needed.")),
    413: (_l("File too large"), _l("The file or form sent is larger than the allowed size (%(size)s).")),
    429: (_l("Too many requests"), _l("Please wait a moment before trying again.")),
    500: (_l("Something went wrong"), _l("The error has been recorded.")),
}


class ConflictError(Exception):
    """The record changed since the form was opened: its version is no longer the one sent."""

    def __init__(self, current: object) -> None:
        super().__init__("stale version")
        self.current = current


def conflict_page(current: object, rows: list[tuple[str, str, str, bool]], *, keep_url: str,
                  resend_url: str, not_resent: tuple[str, ...] = ()) -> tuple[str, int]:
    """The 409 page of a stale edit: ``rows`` (label, my value, current value, differs) side
    by side, a link to keep ``current`` and a form that sends the edit again over it (the
    form just sent, less its token, version and ``not_resent`` fields, with the new version)."""
    skip = {"csrf_token", "version", *not_resent}
    resend = [(k, v) for k, values in request.form.lists() for v in values if k not in skip]
    return render_template("errors/conflict.html", record=current, rows=rows, resend=resend,
                           keep_url=keep_url, resend_url=resend_url), 409


def _note_commit(_session: Session) -> None:
    """Remember that this request saved something: the 500 page must not say otherwise."""
    if has_request_context():
        g.committed = True


def outcome() -> str:
    """What a failed request left behind, told truthfully to the reader of the 500 page."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return str(_l("Displaying a page changes nothing: your data is as it was."))
    if g.get("committed"):
        return str(_l("Part of what you sent may have been saved: check before sending it "
                      "again."))
    return str(_l("Nothing was saved by this request: it was cancelled in full. Please try "
                  "again."))


def _render(code: int, detail: str | None = None) -> ResponseReturnValue:
    title, text = MESSAGES.get(code, MESSAGES[500])
    size = f"{settings().upload_max_bytes // (1024 * 1024)} Mo"
    return render_template("errors/error.html", code=code, title=title,
                           text=str(text) % {"size": size}, detail=detail), code


def handle_http(exc: HTTPException) -> ResponseReturnValue:
    return _render(exc.code or 500)


def handle_csrf(_exc: CSRFError) -> ResponseReturnValue:
    from flask_babel import gettext as _

    return _render(400, _("The form expired or was sent twice. Go back, reload the page "
                          "and send it again: nothing was saved."))


def handle_500(_exc: InternalServerError) -> ResponseReturnValue:
    db.session.rollback()
    return _render(500, outcome())


def init_app(app: Flask) -> None:
    if not event.contains(Session, "after_commit", _note_commit):
        event.listen(Session, "after_commit", _note_commit)
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(InternalServerError, handle_500)
    app.register_error_handler(HTTPException, handle_http)
