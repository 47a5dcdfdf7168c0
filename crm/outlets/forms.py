"""Outlet form."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from crm.contacts.core.normalise import (
    InvalidEmail,
    InvalidPhone,
    display_phone,
    is_web_url,
    normalise_email,
    parse_phone,
)
from crm.contacts.services import OUTLET_KIND
from crm.forms import choices, lines
from crm.outlets.models import OutletKind
from crm.outlets.services import OutletData


def _check(convert: Callable[[str], object],
           message: object) -> Callable[[FlaskForm, Field], None]:
    def validate(_form: FlaskForm, field: Field) -> None:
        if field.data and field.data.strip():
            try:
                if convert(field.data) is False:
                    raise ValueError(field.data)
            except (InvalidEmail, InvalidPhone, ValueError) as exc:
                raise ValidationError(str(message)) from exc
    return validate


class OutletForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), default=OutletKind.PQR.value)
    aliases = TextAreaField(_l("Other names"), render_kw={"rows": 2},
                            description=_l("One per line: abbreviations, former names."))
    coverage_area = StringField(_l("Coverage area"), validators=[Optional(), Length(max=200)])
    website = StringField(_l("Website"), validators=[
        Optional(), Length(max=500),
        _check(is_web_url, _l("Enter an address starting with https:// or http://."))])
    newsroom_email = StringField(_l("Newsroom email"), validators=[
        Optional(), Length(max=254), _check(normalise_email, _l("Invalid email address."))])
    switchboard_phone = StringField(_l("Switchboard"), validators=[
        Optional(), _check(parse_phone, _l("Invalid phone number."))])
    version = HiddenField()

    def set_choices(self) -> OutletForm:
        self.kind.choices = choices(OUTLET_KIND)
        return self

    def to_data(self) -> OutletData:
        return OutletData(
            name=self.name.data or "", kind=OutletKind(self.kind.data),
            aliases=lines(self.aliases.data), coverage_area=self.coverage_area.data,
            website=self.website.data, newsroom_email=self.newsroom_email.data,
            switchboard_phone=self.switchboard_phone.data)


def outlet_form_values(data: OutletData, version: int) -> dict[str, object]:
    return {"name": data.name, "kind": data.kind.value, "aliases": "\n".join(data.aliases),
            "coverage_area": data.coverage_area, "website": data.website,
            "newsroom_email": data.newsroom_email,
            "switchboard_phone": display_phone(data.switchboard_phone)
            if data.switchboard_phone else "",
            "version": str(version)}


def describe_outlet(data: OutletData) -> dict[str, tuple[str, str]]:
    """Each field as (label, displayed value), for the conflict page."""
    phone = display_phone(data.switchboard_phone) if data.switchboard_phone else ""
    return {
        "name": (str(_l("Name")), data.name),
        "kind": (str(_l("Kind")), str(OUTLET_KIND[OutletKind(data.kind)])),
        "aliases": (str(_l("Other names")), ", ".join(data.aliases)),
        "coverage_area": (str(_l("Coverage area")), data.coverage_area or ""),
        "website": (str(_l("Website")), data.website or ""),
        "newsroom_email": (str(_l("Newsroom email")), data.newsroom_email or ""),
        "switchboard_phone": (str(_l("Switchboard")), phone),
    }
