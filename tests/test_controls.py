"""``control`` and ``control_label`` draw exactly what WTForms' widgets draw: every kind of
field the forms use, with values to escape, flags, attributes given by the field and by the
template, errors, and fields they leave to WTForms."""

from __future__ import annotations

import datetime as dt

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    FileField,
    Form,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from crm.controls import control, control_label


class Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class Everything(Form):
    name = StringField("Nom <b>", validators=[DataRequired(), Length(min=2, max=20)],
                       render_kw={"placeholder": 'dit "bonjour"', "class": "from-field"})
    notes = TextAreaField("Notes", validators=[Length(max=50)], render_kw={"rows": 3})
    kind = SelectField("Type", choices=[SelectChoice("a", "A & B"), SelectChoice("b", "<b>"),
                                            SelectChoice(True, "oui", render_kw={"lang": "fr"})],
                       default="b")
    when = DateTimeLocalField("Quand", validators=[DataRequired()],
                              default=dt.datetime(2026, 12, 1, 9, 5))  # noqa: DTZ001 - a local wall time
    day = DateField("Jour", validators=[Optional()])
    token = HiddenField(default='x"y')
    email = EmailField("Courriel", render_kw={"disabled": True})
    count = IntegerField("Nombre", validators=[NumberRange(min=1, max=9)], default=3)
    secret = PasswordField("Mot de passe", validators=[DataRequired()])
    flag = BooleanField("Oui", default=True)
    people = Checkboxes("Contacts", coerce=int,
                        choices=[SelectChoice(1, "Anne"), SelectChoice(2, "Jean <J>")],
                        validators=[DataRequired()], default=[2])
    tags = SelectMultipleField("Étiquettes", choices=[SelectChoice("x", "X")])
    upload = FileField("Fichier")


CALLS = [{}, {"class_": "form-control"}, {"class_": "form-control is-invalid",
                                           "aria-describedby": "x-hint x-error",
                                           "aria-invalid": "true"},
         {"id": "other", "data_role": "r", "disabled": False}, {"value": "given"}]


@pytest.mark.parametrize("formdata", [None, MultiDict(
    {"name": '<script>"', "notes": "a\n<b>", "kind": "a", "when": "bad", "day": "2026-12-01",
     "count": "x", "secret": "s", "people": ["1", "2"], "email": "a@b"})])
def test_controls_are_those_of_wtforms(formdata: MultiDict[str, str] | None) -> None:
    form = Everything(formdata)
    form.validate()
    for field in form:
        for kwargs in CALLS:
            assert control(field, **kwargs) == field(**kwargs), (field.name, kwargs)
            assert control_label(field, **kwargs) == field.label(**kwargs)
        assert control_label(field, for_="elsewhere") == field.label(for_="elsewhere")
    for option in form.people:
        for kwargs in CALLS:
            assert control(option, **kwargs) == option(**kwargs)
