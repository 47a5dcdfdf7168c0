"""The interaction form: quick logging from a contact page, and the full edit form."""

from __future__ import annotations

import datetime as dt
import uuid

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from crm.clock import local_now, local_zone
from crm.contacts.core.normalise import is_web_url
from crm.forms import choices
from crm.interactions import labels
from crm.interactions.models import InteractionKind, InteractionVisibility, Medium
from crm.interactions.services import Candidate, InteractionData
from crm.outlets.models import Outlet
from crm.security import plausible_date


def local_minute() -> dt.datetime:
    """Local now, to the minute and naive: what a datetime-local input shows."""
    return local_now().replace(second=0, microsecond=0, tzinfo=None)


def _web_url(_form: FlaskForm, field: StringField) -> None:
    if field.data and not is_web_url(field.data):
        raise ValidationError(str(_l("Give an address starting with https:// or http://.")))


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class InteractionForm(FlaskForm):
    kind = SelectField(_l("Kind"), default=InteractionKind.CALL.value)
    happened_at = DateTimeLocalField(_l("Date and time"),
                                     validators=[DataRequired(), plausible_date],
                                     default=local_minute)
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    notes = TextAreaField(_l("Notes"), render_kw={"rows": 3}, validators=[Length(max=5000)])
    contact_ids = CheckboxesField(_l("Contacts"), coerce=int, validators=[DataRequired()])
    outlet_id = SelectField(_l("Outlet"), coerce=str, default="")
    visibility = SelectField(_l("Visibility"), default=InteractionVisibility.ORG.value)
    coverage_url = StringField(_l("Article address"), validators=[Optional(), Length(max=500),
                                                                  _web_url])
    coverage_title = StringField(_l("Article title"), validators=[Length(max=300)])
    coverage_medium = SelectField(_l("Medium"), default="")
    covered_item = StringField(_l("Release or event covered"), validators=[Length(max=300)])
    # one token per rendered form: the same form sent twice logs one interaction
    form_token = HiddenField(default=lambda: uuid.uuid4().hex,
                             validators=[Optional(), Regexp(r"^[0-9a-f]{32}$")])

    def set_choices(self, contacts: list[Candidate], current: Outlet | None = None
                    ) -> InteractionForm:
        """``contacts``: those the interaction may concern (the first one is ticked first);
        ``current``: the outlet already recorded, kept as a choice even if no longer offered."""
        self.kind.choices = choices(labels.KIND)
        self.visibility.choices = choices(labels.VISIBILITY)
        self.coverage_medium.choices = choices(labels.MEDIUM, "—")
        self.contact_ids.choices = [SelectChoice(c.id, c.full_name) for c in contacts]
        outlets = {o.id: o.name for c in contacts for o in c.outlets if not o.is_deleted}
        if current is not None and current.id not in outlets:
            outlets[current.id] = (f"{current.name} ({_l('deleted')})" if current.is_deleted
                                   else current.name)
        self.outlet_id.choices = [SelectChoice("", "—")] + [
            SelectChoice(str(key), name) for key, name in outlets.items()]
        return self

    def to_data(self) -> InteractionData:
        when = self.happened_at.data.replace(tzinfo=local_zone()).astimezone(dt.UTC)
        outlet = self.outlet_id.data or ""
        return InteractionData(
            kind=InteractionKind(self.kind.data), happened_at=when,
            subject=self.subject.data or "", notes=self.notes.data or None,
            contact_ids=list(self.contact_ids.data or []),
            outlet_id=int(outlet) if outlet.isdigit() else None,
            visibility=InteractionVisibility(self.visibility.data),
            coverage_url=self.coverage_url.data or None,
            coverage_title=self.coverage_title.data or None,
            coverage_medium=Medium(self.coverage_medium.data) if self.coverage_medium.data
            else None,
            covered_item=self.covered_item.data or None)


def form_values(data: InteractionData) -> dict[str, object]:
    local = data.happened_at.astimezone(local_zone()).replace(tzinfo=None)
    return {
        "kind": data.kind.value, "happened_at": local, "subject": data.subject,
        "notes": data.notes, "contact_ids": data.contact_ids,
        "outlet_id": str(data.outlet_id or ""), "visibility": data.visibility.value,
        "coverage_url": data.coverage_url, "coverage_title": data.coverage_title,
        "coverage_medium": data.coverage_medium.value if data.coverage_medium else "",
        "covered_item": data.covered_item,
    }
