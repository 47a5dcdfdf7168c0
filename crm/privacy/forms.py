"""The confirmation asked before an erasure, which cannot be undone."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import DataRequired


class EraseForm(FlaskForm):
    confirm = BooleanField(
        _l("I confirm the person asked for the erasure; it cannot be undone"),
        validators=[DataRequired(_l("Tick the box to confirm the erasure."))])
