"""List forms: name and visibility, a segment saved from the contact list, adding members."""

from __future__ import annotations

import json
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from crm.imports.models import ImportBatch
from crm.lists.models import ContactList, ListVisibility
from crm.security import coerce_id

VISIBILITY = {ListVisibility.SHARED: _l("Shared with every organisation"),
              ListVisibility.PRIVATE: _l("My organisation only")}


class ListForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    visibility = SelectField(_l("Visibility"), default=ListVisibility.SHARED.value,
                             choices=[SelectChoice(k.value, v) for k, v in VISIBILITY.items()])


class SegmentForm(ListForm):
    """Save the contact list's current search and filters as a segment."""

    criteria = HiddenField(validators=[DataRequired()])

    def validate_criteria(self, field: HiddenField) -> None:
        try:
            value = json.loads(field.data or "")
        except ValueError:
            raise ValidationError(_l("The search to save is not valid.")) from None
        if not isinstance(value, dict):
            raise ValidationError(_l("The search to save is not valid."))

    def criteria_value(self) -> dict[str, Any]:
        return json.loads(self.criteria.data)


class AddMembersForm(FlaskForm):
    """Add contacts (ticked on the contact list, or the one of a contact page) to a list."""

    list_id = SelectField(_l("List"), coerce=coerce_id, validate_choice=False,
                          validators=[DataRequired()])
    contact_ids = SelectMultipleField(_l("Contacts"), coerce=coerce_id, validate_choice=False,
                                      validators=[DataRequired()])

    def set_choices(self, lists: list[ContactList]) -> AddMembersForm:
        self.list_id.choices = [SelectChoice(str(x.id), x.name) for x in lists]
        return self


class AddImportForm(FlaskForm):
    batch_id = SelectField(_l("Import"), coerce=coerce_id, validate_choice=False,
                           validators=[DataRequired()])

    def set_choices(self, batches: list[ImportBatch]) -> AddImportForm:
        self.batch_id.choices = [SelectChoice(str(b.id), b.filename) for b in batches]
        return self
