"""Form helpers shared by the features: select choices from a label table, one value per line,
the empty confirmation form and the fields of a new password typed twice."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectChoice
from wtforms.validators import DataRequired, EqualTo


def lines(text: str | None) -> list[str]:
    """The non-blank lines of ``text``, stripped (a textarea with one value per line)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def choices(mapping: Mapping[Any, object], blank: str | None = None) -> list[SelectChoice]:
    """The choices of a select from a label table, after an empty choice labelled ``blank``."""
    head = [SelectChoice("", blank)] if blank is not None else []
    return head + [SelectChoice(str(k), str(v)) for k, v in mapping.items()]


class ConfirmForm(FlaskForm):
    """A POST with nothing but its CSRF token (a confirmation: undo, scan, discard...)."""


class NewPasswordFields:
    """A new password and its confirmation, for a form that sets one. The form checks the
    password itself (``validate_new_password``), with ``personal_words`` (the user's name and
    e-mail) as words it must not be built from."""

    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired()],
        description=_l("12 to 128 characters; a sentence of several words works well."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Confirm the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    personal_words: tuple[str, ...] = ()
