from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length

from crm.auth.forms import NewPasswordMixin
from crm.auth.models import Role

ROLE_LABELS = {
    Role.OFFICER: _l("Press officer"),
    Role.MANAGER: _l("Communication manager"),
    Role.ADMIN: _l("Administrator"),
}


def role_label(role: Role | str) -> str:
    return str(ROLE_LABELS[Role(role)])


class UserForm(FlaskForm):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=[SelectChoice(r.value, ROLE_LABELS[r]) for r in Role])
    organisation_id = SelectField(_l("Organisation"), coerce=int)


class NewUserForm(NewPasswordMixin, UserForm):
    email = EmailField(_l("Email address"),
                       validators=[DataRequired(), Email(check_deliverability=False),
                                   Length(max=254)])
