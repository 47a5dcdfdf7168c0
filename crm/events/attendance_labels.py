"""Readable names for the RSVP dashboard and the door: answer statuses, count columns, crew
roles and outlet kinds."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from crm.contacts.services import OUTLET_KIND
from crm.events.models import CrewRole, ResponseStatus

RESPONSE_STATUS = {
    ResponseStatus.PENDING: _l("No answer"),
    ResponseStatus.ACCEPTED: _l("Accepted"),
    ResponseStatus.DECLINED: _l("Declined"),
    ResponseStatus.WAITLISTED: _l("Waitlisted"),
    ResponseStatus.OFFERED: _l("Seat offered"),
    ResponseStatus.CANCELLED: _l("Cancelled"),
}

COLUMN = {
    "invited": _l("Invited"),
    **{status.value: label for status, label in RESPONSE_STATUS.items()},
    "checked_in": _l("Checked in"),
}

CREW_ROLE = {
    CrewRole.WRITER: _l("Reporter"),
    CrewRole.PHOTOGRAPHER: _l("Photographer"),
    CrewRole.CAMERA: _l("Video journalist / camera operator"),
    CrewRole.TECHNICIAN: _l("Technician"),
}

NO_OUTLET_LABEL = _l("No outlet")


def outlet_kind_label(kind: str) -> str:
    return str(OUTLET_KIND.get(kind, NO_OUTLET_LABEL)) if kind else str(NO_OUTLET_LABEL)  # type: ignore[call-overload]
