from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, Field, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from crm.auth.models import Role
from crm.auth.services import ROLE_LABELS, password_message
from crm.forms import NewPasswordFields


class UserForm(FlaskForm):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=[SelectChoice(r.value, ROLE_LABELS[r]) for r in Role])
    organisation_id = SelectField(_l("Organisation"), coerce=int)


class NewUserForm(NewPasswordFields, UserForm):
    email = EmailField(_l("Email address"),
                       validators=[DataRequired(), Email(check_deliverability=False),
                                   Length(max=254)])

    def validate_new_password(self, field: Field) -> None:
        message = password_message(field.data or "", personal=self.personal_words)
        if message:
            raise ValidationError(message)
