from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Optional

from crm.security import plausible_date


class AuditFilterForm(FlaskForm):
    """Read-only filters sent by GET: no CSRF token needed."""

    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validators=[Optional()], validate_choice=False)
    organisation = SelectField(_l("Organisation"), coerce=str, validators=[Optional()],
                               validate_choice=False)
    actor = StringField(_l("User (email)"), validators=[Optional()])
    since = DateField(_l("From"), validators=[Optional(), plausible_date])
    until = DateField(_l("To"), validators=[Optional(), plausible_date])

