"""Event forms: the event with its sessions (times typed in Paris time), its status, the
invitation mailing, and the public RSVP form built for the event's sessions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from crm.events.models import (
    Audience,
    CrewRole,
    EventSession,
    EventStatus,
    EventVisibility,
    ResponseStatus,
)
from crm.security import coerce_id

VISIBILITY = {EventVisibility.SHARED: _l("Shared with every organisation"),
              EventVisibility.PRIVATE: _l("Organiser organisations only")}
AUDIENCES = {Audience.PRESS: _l("Press only"), Audience.PUBLIC: _l("Public")}
STATUSES = {EventStatus.DRAFT: _l("Draft"), EventStatus.OPEN: _l("Open for answers"),
            EventStatus.CLOSED: _l("Answers closed"), EventStatus.PAST: _l("Past")}
RESPONSE_STATUSES = {ResponseStatus.PENDING: _l("No answer"), ResponseStatus.ACCEPTED: _l("Accepted"),
                     ResponseStatus.DECLINED: _l("Declined"),
                     ResponseStatus.WAITLISTED: _l("Waitlisted"),
                     ResponseStatus.OFFERED: _l("Seat offered"),
                     ResponseStatus.CANCELLED: _l("Cancelled")}
CREW_ROLES = {CrewRole.WRITER: _l("Journalist (writer)"),
              CrewRole.PHOTOGRAPHER: _l("Photographer"),
              CrewRole.CAMERA: _l("Video journalist / camera operator"),
              CrewRole.TECHNICIAN: _l("Technician")}


class SessionForm(Form):
    """One row of the sessions table; a row left without a name is ignored."""

    id = HiddenField()
    name = StringField(_l("Session name"), validators=[Optional(), Length(max=200)])
    day = DateField(_l("Date"), validators=[Optional()])
    starts = TimeField(_l("Start (Paris time)"), validators=[Optional()])
    ends = TimeField(_l("End (Paris time)"), validators=[Optional()])
    room = StringField(_l("Room"), validators=[Optional(), Length(max=200)])
    audience = SelectField(_l("Audience"), default=Audience.PUBLIC.value,
                           choices=[SelectChoice(k.value, v) for k, v in AUDIENCES.items()])
    capacity = IntegerField(_l("Capacity (seats, crews included)"),
                            validators=[Optional(), NumberRange(min=1, max=100_000)])

    def validate_name(self, field: StringField) -> None:
        if field.data and not (self.day.data and self.starts.data and self.ends.data):
            raise ValidationError(_l("Give the session a date, a start and an end."))
        if field.data and self.starts.data and self.ends.data and \
                self.ends.data <= self.starts.data:
            raise ValidationError(_l("The session must end after it starts."))


class EventForm(FlaskForm):
    version = HiddenField()
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=200)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=10_000)])
    visibility = SelectField(_l("Visibility"), default=EventVisibility.SHARED.value,
                             choices=[SelectChoice(k.value, v) for k, v in VISIBILITY.items()])
    organiser_ids = SelectMultipleField(_l("Co-organisers"), coerce=coerce_id,
                                        validate_choice=False)
    sessions = FieldList(FormField(SessionForm), min_entries=1, max_entries=12)

    def validate_sessions(self, field: FieldList) -> None:
        if not any(entry.form.name.data for entry in field):
            raise ValidationError(_l("Give the event at least one session."))


def session_rows(sessions: list[EventSession], zone: dt.tzinfo, blank: int) -> list[dict[str, Any]]:
    """The sessions as form rows in local time, and ``blank`` empty rows to add one."""
    rows: list[dict[str, Any]] = [
        {"id": str(s.id), "name": s.name, "day": s.starts_at.astimezone(zone).date(),
         "starts": s.starts_at.astimezone(zone).time(), "ends": s.ends_at.astimezone(zone).time(),
         "room": s.room, "audience": s.audience.value, "capacity": s.capacity}
        for s in sessions]
    return rows + [{} for _ in range(blank)]


class StatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=[SelectChoice(k.value, v)
                                                for k, v in STATUSES.items()])


class InviteForm(FlaskForm):
    list_ids = SelectMultipleField(_l("Lists and segments to invite"), coerce=coerce_id,
                                   validate_choice=False, validators=[DataRequired()])
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=255)])
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=50_000)])


class CrewForm(Form):
    role = SelectField(_l("Role"), validate_choice=False,
                       choices=[SelectChoice("", _l("Nobody"))] +
                       [SelectChoice(k.value, v) for k, v in CREW_ROLES.items()])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])

    def validate_role(self, field: SelectField) -> None:
        if field.data and field.data not in CREW_ROLES:
            raise ValidationError(_l("Choose a role in the list."))


class RsvpForm(FlaskForm):
    """The public answer form; ``for_sessions`` adds one yes / no question per session."""

    outlet_name = StringField(_l("Outlet you represent"), validators=[Optional(), Length(max=200)])
    press_card = StringField(_l("Press card number (optional)"),
                             validators=[Optional(), Length(max=50)])
    crew = FieldList(FormField(CrewForm), min_entries=3, max_entries=10)
    equipment_needs = TextAreaField(_l("Equipment or parking needs"),
                                    validators=[Optional(), Length(max=2000)])
    accessibility_needs = TextAreaField(_l("Accessibility needs"),
                                        validators=[Optional(), Length(max=2000)])

    @staticmethod
    def for_sessions(sessions: list[EventSession]) -> type[RsvpForm]:
        fields = {f"session_{s.id}": RadioField(
            s.name, choices=[SelectChoice("yes", _l("I will attend")),
                     SelectChoice("no", _l("I will not attend"))],
            validators=[Optional()]) for s in sessions}
        return type("EventRsvpForm", (RsvpForm,), fields)

    def choices(self, sessions: list[EventSession]) -> dict[int, bool]:
        found = {s.id: self[f"session_{s.id}"].data for s in sessions}
        return {sid: value == "yes" for sid, value in found.items() if value in ("yes", "no")}
