"""Task forms: create/edit, comment, and the list filters (read from the query string)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional, ValidationError

from crm.auth.models import User
from crm.forms import choices
from crm.orgs.models import Organisation
from crm.security import parse_id
from crm.tasks import labels
from crm.tasks.models import Priority, TaskStatus
from crm.tasks.services import TaskData


def user_choices(users: list[User], blank: str | None = None) -> list[SelectChoice]:
    head = [SelectChoice("", blank)] if blank is not None else []
    return head + [SelectChoice(str(u.id), f"{u.full_name} ({u.organisation.short_name})")
                   for u in users]


def _int(value: str | None) -> int | None:
    return parse_id(value)


def _hidden_id(_form: FlaskForm, field: HiddenField) -> None:
    """A hidden link is empty or an id: anything else was forged (the record's scope is
    checked by the service)."""
    if field.data and parse_id(field.data) is None:
        raise ValidationError(_l("This link to another record is not valid."))


class TaskForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), render_kw={"rows": 4},
                                validators=[Length(max=5000)])
    assignee_id = SelectField(_l("Assigned to"), validators=[DataRequired()],
                              description=_l("Anyone in any of the bodies."))
    due_on = DateField(_l("Due date"), validators=[Optional()])
    priority = SelectField(_l("Priority"), default=Priority.NORMAL.value)
    contact_id = HiddenField(validators=[_hidden_id])
    outlet_id = HiddenField(validators=[_hidden_id])
    interaction_id = HiddenField(validators=[_hidden_id])

    def set_choices(self, users: list[User]) -> TaskForm:
        self.assignee_id.choices = user_choices(users)
        self.priority.choices = choices(labels.PRIORITY)
        return self

    def to_data(self) -> TaskData:
        return TaskData(
            title=self.title.data or "", assignee_id=int(self.assignee_id.data),
            due_on=self.due_on.data, priority=Priority(self.priority.data),
            description=self.description.data or None,
            contact_id=_int(self.contact_id.data), outlet_id=_int(self.outlet_id.data),
            interaction_id=_int(self.interaction_id.data))


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Comment"), render_kw={"rows": 3},
                         validators=[DataRequired(), Length(max=5000)])


class StatusForm(FlaskForm):
    """Only the CSRF token is rendered: the new status is the value of the pressed button."""

    status = StringField(validators=[DataRequired(), AnyOf([s.value for s in TaskStatus])])


class TaskFilterForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(_l("Status"), default=TaskStatus.OPEN.value, validate_choice=False)
    organisation = SelectField(_l("Organisation of the assignee"), validate_choice=False)
    assignee = SelectField(_l("Assigned to"), validate_choice=False)

    def set_choices(self, users: list[User], organisations: list[Organisation]) -> TaskFilterForm:
        every = str(_l("All"))
        self.status.choices = choices(labels.STATUS, every)
        self.organisation.choices = [SelectChoice("", every)] + [
            SelectChoice(str(o.id), o.short_name) for o in organisations]
        self.assignee.choices = user_choices(users, every)
        return self

    def status_value(self) -> TaskStatus | None:
        value = self.status.data
        return TaskStatus(value) if value in {s.value for s in TaskStatus} else None

    def organisation_value(self) -> int | None:
        return _int(self.organisation.data)

    def assignee_value(self) -> int | None:
        return _int(self.assignee.data)
