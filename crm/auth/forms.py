from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length, ValidationError

from crm.auth.labels import password_message
from crm.auth.passwords import MAX_LENGTH
from crm.forms import NewPasswordFields


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)],
                             render_kw={"autocomplete": "current-password"})
    next = HiddenField()


class NewPasswordMixin(NewPasswordFields):
    def validate_new_password(self, field: Field) -> None:
        message = password_message(field.data or "", personal=self.personal_words)
        if message:
            raise ValidationError(message)


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired()],
        render_kw={"autocomplete": "current-password"},
    )


class PreferencesForm(FlaskForm):
    locale = SelectField(_l("Interface language"), choices=[
        SelectChoice("fr", "Français", render_kw={"lang": "fr"}),
        SelectChoice("en", "English", render_kw={"lang": "en"}),
    ])


    notify_tasks = BooleanField(_l("Email me when someone assigns me a task, and a daily "
                                   "digest of my overdue tasks"))


class LanguageForm(FlaskForm):
    locale = HiddenField(validators=[DataRequired()])
    next = HiddenField()


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "username"})


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    pass


class MfaCodeForm(FlaskForm):
    code = StringField(
        _l("Code"), validators=[DataRequired(), Length(max=32)],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"},
    )
