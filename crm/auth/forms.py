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
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from crm.auth.passwords import MAX_LENGTH, password_problem

PASSWORD_MESSAGES = {
    "too_short": _l("At least 12 characters."),
    "too_long": _l("At most 128 characters."),
    "common": _l("This password is too common: choose another one."),
    "context": _l("This password is too close to the application or your name."),
}


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)],
                             render_kw={"autocomplete": "current-password"})
    next = HiddenField()


class NewPasswordMixin:
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired()],
        description=_l("12 to 128 characters; a sentence of several words works well."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Confirm the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    personal_words: tuple[str, ...] = ()

    def validate_new_password(self, field: Field) -> None:
        problem = password_problem(field.data or "", personal=self.personal_words)
        if problem:
            raise ValidationError(str(PASSWORD_MESSAGES[problem]))


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
