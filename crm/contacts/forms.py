"""Contact forms: create/edit (one per line for emails, phones and links) and the list filters."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from typing import TypeVar

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    Field,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from crm.contacts import labels
from crm.contacts.core.normalise import (
    InvalidEmail,
    InvalidPhone,
    is_web_url,
    normalise_email,
    parse_phone,
)
from crm.contacts.models import AREAS, Civility, ContactKind, LegalBasis, Visibility
from crm.contacts.search import ContactFilters
from crm.contacts.services import ContactData
from crm.forms import choices, lines
from crm.orgs.models import Organisation
from crm.outlets.models import Outlet, OutletKind
from crm.security import coerce_id, parse_id

E = TypeVar("E", bound=enum.Enum)


def _each_line(check: Callable[[str], object],
               message: object) -> Callable[[FlaskForm, Field], None]:
    def validate(_form: FlaskForm, field: Field) -> None:
        for number, line in enumerate(lines(field.data), start=1):
            try:
                if check(line) is False:
                    raise ValueError(line)
            except (InvalidEmail, InvalidPhone, ValueError) as exc:
                raise ValidationError(str(message) % {"line": number, "value": line}) from exc
    return validate


def area_choices(blank: str) -> list[SelectChoice]:
    return [SelectChoice("", blank)] + [SelectChoice(a, labels.area_label(a)) for a in AREAS]


LABEL = labels.FIELD_LABELS


class ContactForm(FlaskForm):
    civility = SelectField(LABEL["civility"], default=Civility.NONE.value)
    first_name = StringField(LABEL["first_name"], validators=[Optional(), Length(max=100)])
    last_name = StringField(LABEL["last_name"], validators=[DataRequired(), Length(max=100)])
    kind = SelectField(LABEL["kind"], default=ContactKind.JOURNALIST.value)
    job_title = StringField(LABEL["job_title"], validators=[Optional(), Length(max=200)])
    outlet_ids = SelectMultipleField(LABEL["outlet_ids"], coerce=int,
                                     description=_l("Several for a freelancer."))
    emails = TextAreaField(
        LABEL["emails"], render_kw={"rows": 2},
        description=_l("One per line; the first one is the primary address."),
        validators=[_each_line(normalise_email, _l("Line %(line)d: “%(value)s” is not a valid "
                                                   "email address."))])
    phones = TextAreaField(
        LABEL["phones"], render_kw={"rows": 2},
        description=_l("One per line, in any usual format; the first one is the primary number."),
        validators=[_each_line(parse_phone, _l("Line %(line)d: “%(value)s” is not a valid "
                                               "phone number."))])
    beats = StringField(LABEL["beats"], validators=[Length(max=1000)],
                        description=_l("Separated by commas, e.g. économie, culture."))
    area = SelectField(LABEL["area"], default="")
    social_links = TextAreaField(
        LABEL["social_links"], render_kw={"rows": 2},
        description=_l("One address per line, starting with https:// or http://."),
        validators=[_each_line(is_web_url, _l("Line %(line)d: “%(value)s” is not an http(s) "
                                              "address."))])
    notes = TextAreaField(LABEL["notes"], render_kw={"rows": 3}, validators=[Length(max=5000)])
    visibility = SelectField(LABEL["visibility"], default=Visibility.SHARED.value)
    source = StringField(LABEL["source"], validators=[DataRequired(), Length(max=300)],
                         description=_l("Where the data comes from, e.g. “business card, "
                                        "Assises 2026”."))
    legal_basis = SelectField(LABEL["legal_basis"], default=LegalBasis.LEGITIMATE_INTEREST.value)
    information_sent_at = DateField(LABEL["information_sent_at"], validators=[Optional()])
    is_opted_out = BooleanField(LABEL["is_opted_out"])
    opt_out_organisation_ids = SelectMultipleField(LABEL["opt_out_organisation_ids"], coerce=int)
    is_email_bounced = BooleanField(LABEL["is_email_bounced"])
    version = HiddenField()
    create_anyway = SubmitField(_l("Save anyway"))

    def set_choices(self, outlets: list[Outlet], organisations: list[Organisation]) -> ContactForm:
        self.civility.choices = choices(labels.CIVILITY)
        self.kind.choices = choices(labels.CONTACT_KIND)
        self.area.choices = area_choices(str(_l("(not set)")))
        self.visibility.choices = choices(labels.VISIBILITY)
        self.legal_basis.choices = choices(labels.LEGAL_BASIS)
        self.outlet_ids.choices = [SelectChoice(o.id, o.name) for o in outlets]
        self.opt_out_organisation_ids.choices = [SelectChoice(o.id, o.name)
                                                 for o in organisations]
        return self

    def keep_trashed_outlets(self, outlets: list[Outlet]) -> ContactForm:
        """The contact's outlets in the trash stay choices: an edit keeps their link (it
        serves again if the outlet is restored) instead of dropping it unseen."""
        self.outlet_ids.choices = [*self.outlet_ids.choices, *(
            SelectChoice(o.id, f"{o.name} ({_l('deleted')})") for o in outlets if o.is_deleted)]
        return self

    def to_data(self) -> ContactData:
        sent = self.information_sent_at.data
        return ContactData(
            last_name=self.last_name.data or "", first_name=self.first_name.data or "",
            source=self.source.data or "", civility=Civility(self.civility.data),
            kind=ContactKind(self.kind.data), job_title=self.job_title.data or None,
            outlet_ids=list(self.outlet_ids.data or []), emails=lines(self.emails.data),
            phones=lines(self.phones.data),
            beats=[b.strip() for b in (self.beats.data or "").split(",") if b.strip()],
            area=self.area.data or None, social_links=lines(self.social_links.data),
            notes=self.notes.data or None, visibility=Visibility(self.visibility.data),
            legal_basis=LegalBasis(self.legal_basis.data),
            information_sent_at=(dt.datetime.combine(sent, dt.time(12), tzinfo=dt.UTC)
                                 if sent else None),
            is_opted_out=self.is_opted_out.data, is_email_bounced=self.is_email_bounced.data,
            opt_out_organisation_ids=list(self.opt_out_organisation_ids.data or []))


def form_values(data: ContactData, version: int) -> dict[str, object]:
    """What a form shows for ``data`` (the stored contact), ready for ``ContactForm(data=...)``."""
    from crm.contacts.core.normalise import display_phone

    return {
        "civility": data.civility.value, "first_name": data.first_name,
        "last_name": data.last_name, "kind": data.kind.value, "job_title": data.job_title,
        "outlet_ids": data.outlet_ids, "emails": "\n".join(data.emails),
        "phones": "\n".join(display_phone(p) for p in data.phones),
        "beats": ", ".join(data.beats), "area": data.area or "",
        "social_links": "\n".join(data.social_links), "notes": data.notes,
        "visibility": data.visibility.value, "source": data.source,
        "legal_basis": data.legal_basis.value,
        "information_sent_at": data.information_sent_at.date() if data.information_sent_at
        else None,
        "is_opted_out": data.is_opted_out, "is_email_bounced": data.is_email_bounced,
        "opt_out_organisation_ids": data.opt_out_organisation_ids, "version": str(version),
    }


class ContactFilterForm(FlaskForm):
    """The list page's search box and filters, read from the query string (no CSRF: GET)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"))
    organisation = SelectField(_l("Organisation"), coerce=str, validate_choice=False)
    visibility = SelectField(_l("Visibility"), validate_choice=False)
    kind = SelectField(_l("Kind"), validate_choice=False)
    outlet_kind = SelectField(_l("Outlet kind"), validate_choice=False)
    beat = StringField(_l("Beat"))
    area = SelectField(_l("Area"), validate_choice=False)
    has_email = SelectField(_l("Email address"), validate_choice=False)
    opted_out = SelectField(_l("Opted out"), validate_choice=False)
    bounced = SelectField(_l("Email bounced"), validate_choice=False)
    sort = SelectField(_l("Sort by"), validate_choice=False)

    def set_choices(self, organisations: list[Organisation]) -> ContactFilterForm:
        every = str(_l("Any"))
        self.organisation.choices = [SelectChoice("", every)] + [
            SelectChoice(str(o.id), o.short_name) for o in organisations]
        self.visibility.choices = choices(labels.VISIBILITY, every)
        self.kind.choices = choices(labels.CONTACT_KIND, every)
        self.outlet_kind.choices = choices(labels.OUTLET_KIND, every)
        self.area.choices = area_choices(every)
        yes_no = [SelectChoice("", every), SelectChoice("yes", str(_l("Yes"))),
                  SelectChoice("no", str(_l("No")))]
        self.has_email.choices = self.opted_out.choices = self.bounced.choices = yes_no
        self.sort.choices = [SelectChoice("name", str(_l("Name"))),
                             SelectChoice("-updated", str(_l("Last modified"))),
                             SelectChoice("-created", str(_l("Last created")))]
        return self

    def to_filters(self) -> ContactFilters:
        def flag(value: str | None) -> bool | None:
            return {"yes": True, "no": False}.get(value or "")

        def member(enum_cls: type[E], value: str | None) -> E | None:
            return enum_cls(value) if value in {m.value for m in enum_cls} else None

        org = self.organisation.data or ""
        return ContactFilters(
            organisation_id=parse_id(org),
            visibility=member(Visibility, self.visibility.data),
            kind=member(ContactKind, self.kind.data),
            outlet_kind=member(OutletKind, self.outlet_kind.data),
            beat=(self.beat.data or "").strip() or None,
            area=self.area.data if self.area.data in AREAS else None,
            has_email=flag(self.has_email.data), opted_out=flag(self.opted_out.data),
            bounced=flag(self.bounced.data))


class BulkTagForm(FlaskForm):
    """Add one beat to the contacts ticked on the list page."""

    contact_ids = SelectMultipleField(_l("Contacts"), coerce=coerce_id, validate_choice=False,
                                      validators=[DataRequired()])
    beat = StringField(_l("Beat to add"), validators=[DataRequired(), Length(max=80)])
