"""Demo events: the Assises 2026 of the joint press release (a press point 9h–10h in the
Galerie François Mitterrand, press only, then the Assises 10h–13h in the Salle des séances,
at the Conseil régional in Dijon, on 10 June 2026), kept as a past event with its invitees'
answers, and an upcoming press point, dated from today, that a newcomer can invite to."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select

from crm.auth.models import User
from crm.contacts.models import Contact, ContactKind
from crm.contacts.services import visible_contacts
from crm.events.models import (
    Audience,
    CrewRole,
    Event,
    EventStatus,
    Invitation,
    ResponseStatus,
)
from crm.events.services import (
    AnswerData,
    CrewData,
    EventData,
    SessionData,
    answer_invitation,
    check_in,
    create_event,
    invite,
    set_status,
)
from crm.extensions import db
from crm.orgs.models import Organisation

PARIS = ZoneInfo("Europe/Paris")
ASSISES = "Assises régionales des biothérapies et de la bioproduction 2026"
UPCOMING = "Point presse : BIOVALIANCE, un an après"
VENUE, ADDRESS = "Conseil régional de Bourgogne-Franche-Comté", "17 bd de la Trémouille, Dijon"


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), PARIS)


def load_events(manager: User, today: dt.date) -> int:
    """Create the two demo events once (``manager``: a Région manager); returns how many."""
    known = set(db.session.scalars(select(Event.title).where(Event.title.in_([ASSISES, UPCOMING]))))
    others = list(db.session.scalars(select(Organisation.id).where(
        Organisation.id != manager.organisation_id)))
    created = 0
    if ASSISES not in known:
        _assises(manager, others)
        created += 1
    if UPCOMING not in known:
        day = today + dt.timedelta(days=14)
        event = create_event(manager, EventData(
            title=UPCOMING, venue=VENUE, address=ADDRESS, organiser_ids=others,
            description="Un an après la création de BIOVALIANCE, premiers résultats.",
            sessions=(SessionData("Point presse", _at(day, 10), _at(day, 11),
                                  room="Galerie François Mitterrand", audience=Audience.PRESS,
                                  capacity=8),)))
        set_status(manager, event, EventStatus.OPEN)
        created += 1
    db.session.flush()
    return created


def _assises(manager: User, others: list[int]) -> None:
    day = dt.date(2026, 6, 10)
    event = create_event(manager, EventData(
        title=ASSISES, venue=VENUE, address=ADDRESS, organiser_ids=others,
        description="Bilan à 18 mois de la feuille de route régionale des biothérapies et de "
                    "la bioproduction, et perspectives 2026-2028.",
        sessions=(SessionData("Point presse", _at(day, 9), _at(day, 10),
                              room="Galerie François Mitterrand", audience=Audience.PRESS,
                              capacity=6),
                  SessionData("Assises régionales", _at(day, 10), _at(day, 13),
                              room="Salle des séances", audience=Audience.PUBLIC))))
    set_status(manager, event, EventStatus.OPEN)
    journalists = list(db.session.scalars(visible_contacts(manager).where(
        Contact.kind == ContactKind.JOURNALIST).order_by(Contact.id).limit(8)))
    invitations = invite(manager, event, [c.id for c in journalists])
    press, assises = (s.id for s in event.sessions)
    answers = [  # yes with a photographer, a camera crew, plain yeses, a no; the last waits
        ({press: True, assises: True}, [CrewData(CrewRole.PHOTOGRAPHER, "Léa Martin")]),
        ({press: True, assises: False}, [CrewData(CrewRole.CAMERA, "Hugo Petit"),
                                         CrewData(CrewRole.TECHNICIAN, "Inès Roux")]),
        ({press: True, assises: True}, []),
        ({press: False, assises: True}, []),
        ({press: False, assises: False}, []),
        ({press: True, assises: True}, []),  # the press point is full: waitlisted
    ]
    for invitation, (choices, crew), contact in zip(invitations, answers, journalists,
                                                    strict=False):
        outlet = contact.outlets[0].name if contact.outlets else ""
        answer_invitation(invitation, AnswerData(choices=choices, crew=crew,
                                                 outlet_name=outlet))
    _check_in(manager, invitations, press, _at(day, 9))
    set_status(manager, event, EventStatus.PAST)


def _check_in(manager: User, invitations: list[Invitation], press: int,
              start: dt.datetime) -> None:
    """On the day: the first three who accepted the press point came, a few minutes apart;
    one who had not answered came too (the attendance is logged on each contact)."""
    came = [r for i in invitations for r in i.responses if r.session_id == press
            and r.status == ResponseStatus.ACCEPTED][:3]
    came += [r for r in invitations[-1].responses if r.session_id == press
             and r.status == ResponseStatus.PENDING]
    for minutes, response in enumerate(came):
        check_in(manager, response, at=start - dt.timedelta(minutes=10 - 3 * minutes))
