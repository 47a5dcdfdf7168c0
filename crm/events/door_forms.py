"""Forms of the RSVP dashboard and the door: the answer filters (GET), the door's search
(GET) and a walk-in."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from crm.events.attendance_labels import COLUMN, outlet_kind_label
from crm.events.models import Event
from crm.forms import choices
from crm.orgs.models import Organisation
from crm.outlets.models import Outlet, OutletKind
from crm.security import parse_id


class AnswerFilterForm(FlaskForm):
    """The answer list's filters, read from the query string."""

    class Meta:
        csrf = False

    session = SelectField(_l("Session"), coerce=parse_id, validate_choice=False)
    status = SelectField(_l("Status"), validate_choice=False)
    organisation = SelectField(_l("Invited by"), coerce=parse_id, validate_choice=False)
    outlet_kind = SelectField(_l("Outlet kind"), validate_choice=False)

    def set_choices(self, event: Event, bodies: list[Organisation]) -> AnswerFilterForm:
        anything = str(_l("All"))
        self.session.choices = [SelectChoice("", anything)] + [
            SelectChoice(str(s.id), s.name) for s in event.sessions]
        self.status.choices = choices({k: v for k, v in COLUMN.items() if k != "invited"},
                                      anything)
        self.organisation.choices = [SelectChoice("", anything)] + [
            SelectChoice(str(o.id), o.short_name) for o in bodies]
        self.outlet_kind.choices = [SelectChoice("", anything)] + [
            SelectChoice(k.value, outlet_kind_label(k.value)) for k in OutletKind] + [
            SelectChoice("none", outlet_kind_label(""))]
        return self


class DoorSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Name or outlet"), validators=[Optional(), Length(max=100)])


class WalkInForm(FlaskForm):
    """Someone at the door who is not on the list: found among the contacts, or created."""

    first_name = StringField(_l("First name"), validators=[Optional(), Length(max=100)])
    last_name = StringField(_l("Last name"), validators=[DataRequired(), Length(max=100)])
    outlet_id = SelectField(_l("Outlet"), coerce=parse_id, validate_choice=False)
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    contact_id = HiddenField()  # a contact picked among the possible duplicates
    create_anyway = BooleanField(_l("None of them: create a new contact"))

    def set_choices(self, outlets: list[Outlet]) -> WalkInForm:
        self.outlet_id.choices = [SelectChoice("", _l("None or unknown"))] + [
            SelectChoice(str(o.id), o.name) for o in outlets]
        return self
