import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Optional, ValidationError

FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


class AuditFilterForm(FlaskForm):
    """Read-only filters sent by GET: no CSRF token needed."""

    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validators=[Optional()], validate_choice=False)
    organisation = SelectField(_l("Organisation"), coerce=str, validators=[Optional()],
                               validate_choice=False)
    actor = StringField(_l("User (email)"), validators=[Optional()])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])

    def validate_since(self, field) -> None:  # type: ignore[no-untyped-def]
        _plausible(field.data)

    def validate_until(self, field) -> None:  # type: ignore[no-untyped-def]
        _plausible(field.data)


def _plausible(day: dt.date | None) -> None:
    """Dates far outside the log's life cannot be turned into instants (0001-01-01 in Paris
    is before the first UTC instant): a form error, not a failed query."""
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(_l("Enter a date between %(first)s and %(last)s.",
                                 first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat()))
