"""Who is expected at the door: the attendee list for the security desk (CSV and XLSX), the
printable press list and the "PRESSE" badges.

Expected means holding a seat (accepted, or a seat offered from the waitlist) or already
checked in (a walk-in). A press session's crew members are people of their own on the list
and on badges. Only the people the reader may see by name are listed.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, replace

from flask_babel import format_datetime, gettext
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from crm.auth.models import User
from crm.contacts.models import Contact
from crm.events.attendance_labels import CREW_ROLE
from crm.events.dashboard import listed_invitation
from crm.events.models import SEATED, Event, EventSession, Invitation, Response
from crm.exports.services import csv_chunks, write_xlsx
from crm.extensions import db

_NOT_IN_SHEET_TITLES = str.maketrans("", "", "[]:*?/\\")


@dataclass(frozen=True)
class Attendee:
    """One person expected at a session (an invitee or a member of their crew)."""

    session: EventSession
    last_name: str
    first_name: str
    role: str  # "" for the invitee, else a crew role's label
    outlet: str
    press_card: str
    needs: str
    accessibility: str
    invited_by: str
    checked_in: str  # local time, or ""
    is_press: bool


def expected(user: User, event: Event, session_id: int | None = None) \
        -> list[tuple[Response, Invitation, Contact]]:
    stmt = (select(Response, Invitation, Contact)
            .join(Invitation, Invitation.id == Response.invitation_id)
            .join(Contact, Contact.id == Invitation.contact_id)
            .join(EventSession, EventSession.id == Response.session_id)
            .where(Invitation.event_id == event.id, listed_invitation(user),
                   or_(Response.status.in_(SEATED), Response.checked_in_at.is_not(None)))
            .options(selectinload(Invitation.crew), selectinload(Contact.outlets))
            .order_by(EventSession.starts_at, EventSession.id, Contact.sort_key, Contact.id))
    if session_id:
        stmt = stmt.where(Response.session_id == session_id)
    return [(r, i, c) for r, i, c in db.session.execute(stmt)]


def attendees(user: User, event: Event, session_id: int | None = None) -> Iterator[Attendee]:
    for response, invitation, contact in expected(user, event, session_id):
        session = response.session
        outlet = invitation.outlet_name or (contact.outlets[0].name if contact.outlets else "")
        invitee = Attendee(
            session=session, last_name=contact.last_name, first_name=contact.first_name,
            role="", outlet=outlet, press_card=invitation.press_card,
            needs=invitation.equipment_needs, accessibility=invitation.accessibility_needs,
            invited_by=invitation.organisation.short_name,
            checked_in=format_datetime(response.checked_in_at, "HH:mm")
            if response.checked_in_at else "", is_press=session.is_press_only)
        yield invitee
        if session.is_press_only:
            for member in invitation.crew:
                yield replace(invitee, last_name=member.name, first_name="",
                              role=str(CREW_ROLE[member.role]), checked_in="")


def _table(user: User, event: Event) -> tuple[list[str], list[list[str]]]:
    header = [gettext("Session"), gettext("Last name"), gettext("First name"),
              gettext("Crew role"), gettext("Outlet"), gettext("Press card"),
              gettext("Equipment or parking"), gettext("Accessibility"), gettext("Invited by"),
              gettext("Checked in at")]
    rows = [[a.session.name, a.last_name, a.first_name, a.role, a.outlet, a.press_card,
             a.needs, a.accessibility, a.invited_by, a.checked_in]
            for a in attendees(user, event)]
    return header, rows


def security_csv(user: User, event: Event) -> bytes:
    """CSV for French Excel (UTF-8 with a BOM, ``;``, formulas defused), by exports' writer."""
    return b"".join(csv_chunks(*_table(user, event)))


def security_xlsx(user: User, event: Event) -> bytes:
    """XLSX with every value a text cell, by exports' writer."""
    header, rows = _table(user, event)
    out = io.BytesIO()
    write_xlsx(out, header, rows, sheet_title=event.title.translate(_NOT_IN_SHEET_TITLES))
    return out.getvalue()


def press_badges(user: User, event: Event) -> list[Attendee]:
    """One badge per person expected at the event's press sessions (once per person)."""
    seen: set[tuple[str, str, str]] = set()
    badges = []
    for attendee in attendees(user, event):
        key = (attendee.last_name, attendee.first_name, attendee.outlet)
        if attendee.is_press and key not in seen:
            seen.add(key)
            badges.append(attendee)
    return badges
