"""Form helpers shared by the features: select choices from a label table, one value per line,
and the empty confirmation form."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_wtf import FlaskForm
from wtforms import SelectChoice


def lines(text: str | None) -> list[str]:
    """The non-blank lines of ``text``, stripped (a textarea with one value per line)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def choices(mapping: Mapping[Any, object], blank: str | None = None) -> list[SelectChoice]:
    """The choices of a select from a label table, after an empty choice labelled ``blank``."""
    head = [SelectChoice("", blank)] if blank is not None else []
    return head + [SelectChoice(str(k), str(v)) for k, v in mapping.items()]


class ConfirmForm(FlaskForm):
    """A POST with nothing but its CSRF token (a confirmation: undo, scan, discard...)."""
