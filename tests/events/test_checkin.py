"""Check-in at the door: mark present and undo (conditional, idempotent), the attendance
interaction on the contact, the audit log, walk-ins found or created, and the door's pages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from crm.audit.models import AuditEvent
from crm.auth.models import User
from crm.contacts.models import Contact, Visibility
from crm.events import checkin
from crm.events.models import Event, EventSession, Invitation, Response, ResponseStatus
from crm.events.services import AnswerData, answer_invitation, find_invitation
from crm.extensions import db
from crm.interactions.models import Interaction, InteractionKind
from tests.conftest import login


def _response(contact_id: int, session_id: int) -> Response:
    return db.session.scalars(select(Response).join(Invitation).where(
        Invitation.contact_id == contact_id, Response.session_id == session_id)).one()


def _attendances(contact_id: int) -> list[Interaction]:
    return list(db.session.scalars(select(Interaction).where(
        Interaction.kind == InteractionKind.PRESS_POINT, Interaction.deleted_at.is_(None),
        Interaction.contacts.any(Contact.id == contact_id))))


def _actions(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == action)) or 0


@pytest.fixture
def door(app, open_event, make_contact, invite_contacts):
    """An open event with two invited journalists; the first accepted the press point."""
    event = open_event()
    people = [make_contact("GIRAUD", "Thomas"), make_contact("ROUSSEL", "Juliette")]
    tokens = invite_contacts(event, people)
    with app.app_context():
        answer_invitation(find_invitation(tokens[0]), AnswerData(choices={event.press_id: True}))
        db.session.commit()
    return event, people


def test_check_in_logs_the_attendance_once_and_undo_takes_it_back(app, door):
    event, (thomas, _juliette) = door
    with app.app_context():
        officer = db.session.get_one(User, event.manager_id)
        response = _response(thomas, event.press_id)
        assert checkin.check_in(officer, response) is True
        assert checkin.check_in(officer, response) is False  # the double click
        db.session.commit()
        assert response.checked_in_at is not None and response.checked_in_by_id == officer.id
        logged = _attendances(thomas)
        assert len(logged) == 1 and "Point presse" in logged[0].subject
        assert _actions("event.checked_in") == 1

        assert checkin.undo_check_in(officer, response) is True
        assert checkin.undo_check_in(officer, response) is False
        db.session.commit()
        assert response.checked_in_at is None
        assert _attendances(thomas) == []
        assert _actions("event.check_in_undone") == 1
        # checked in again later: a new attendance, the earlier one stays in the trash
        assert checkin.check_in(officer, response) is True
        db.session.commit()
        assert len(_attendances(thomas)) == 1


def test_door_list_searches_by_name_and_outlet_and_counts(app, door, make_outlet, make_contact,
                                                          invite_contacts):
    event, (_thomas, juliette) = door
    outlet = make_outlet("Le Bien Public")
    bien_public = make_contact("MOREL", "Élise", outlet_ids=[outlet])
    invite_contacts(event, [bien_public])
    with app.app_context():
        officer = db.session.get_one(User, event.manager_id)
        session = db.session.get_one(EventSession, event.press_id)
        names = lambda q: [c.last_name for _r, _i, c in db.session.execute(  # noqa: E731
            checkin.door_list(officer, session, q))]
        assert names("") == ["GIRAUD", "MOREL", "ROUSSEL"]
        assert names("elise") == ["MOREL"]
        assert names("bien public") == ["MOREL"]
        assert names("giraud thomas") == ["GIRAUD"]
        assert names("personne") == []
        counts = checkin.door_counts(officer, session)
        assert (counts.invited, counts.expected, counts.present) == (3, 1, 0)
        checkin.check_in(officer, _response(juliette, event.press_id))  # came without answering
        db.session.commit()
        counts = checkin.door_counts(officer, session)
        assert (counts.invited, counts.expected, counts.present) == (3, 1, 1)
        assert names("")[-1] == "ROUSSEL"  # present people go to the end of the list


def test_another_bodys_private_invitee_is_not_listed(app, door, make_contact, invite_contacts,
                                                     make_user):
    event, _people = door
    hidden = make_contact("SECRET", "Anne", org="Préfecture BFC", visibility=Visibility.PRIVATE)
    invite_contacts(event, [hidden])
    with app.app_context():
        officer = db.session.get_one(User, event.manager_id)
        session = db.session.get_one(EventSession, event.press_id)
        listed = [c.id for _r, _i, c in db.session.execute(
            checkin.door_list(officer, session, ""))]
        assert hidden not in listed
        assert checkin.door_counts(officer, session).invited == 2


def test_walk_in_is_found_through_the_duplicate_lookup_or_created(app, door, make_contact):
    event, _people = door
    known = make_contact("PERRIN", "Aline", emails=["aline.perrin@leprogres.fr"])
    with app.app_context():
        officer = db.session.get_one(User, event.manager_id)
        the_event = db.session.get_one(Event, event.id)
        session = db.session.get_one(EventSession, event.press_id)
        walk_in = checkin.WalkIn("Aline", "Perrin", [], ["aline.perrin@leprogres.fr"], [])
        assert [c.id for c in checkin.possible_contacts(officer, the_event, walk_in)] == [known]
        response = checkin.admit_walk_in(officer, session, contact=db.session.get_one(
            Contact, known))
        db.session.commit()
        assert response.checked_in_at is not None
        assert response.status == ResponseStatus.ACCEPTED  # a seat was left
        new = checkin.WalkIn("Paul", "NOUVEAU", [], ["paul.nouveau@france3.fr"], [])
        assert checkin.possible_contacts(officer, the_event, new) == []
        created = checkin.admit_walk_in(officer, session, new)
        db.session.commit()
        contact = db.session.get_one(Contact, created.invitation.contact_id)
        assert contact.source.startswith("Accueil : ") and contact.last_name == "NOUVEAU"
        assert _actions("event.walk_in") == 2
        assert len(_attendances(contact.id)) == 1


def _token(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match
    return match.group(1)


def test_door_pages_check_in_undo_and_walk_in(app, client, door, make_user):
    event, (thomas, _juliette) = door
    with app.app_context():
        response_id = _response(thomas, event.press_id).id
        manager = db.session.get_one(User, event.manager_id).email
    login(client, manager)
    page = client.get(f"/events/{event.id}/door?session={event.press_id}&q=giraud")
    assert page.status_code == 200 and "GIRAUD Thomas" in page.text
    url = f"/events/{event.id}/door/{response_id}/check-in"
    for _ in range(2):  # a double click: the second changes nothing
        done = client.post(url, data={"csrf_token": _token(page.text), "q": "giraud"})
        assert done.status_code == 302 and "q=giraud" in done.headers["Location"]
    counts = client.get(f"/events/{event.id}/door/counts?session={event.press_id}")
    assert re.search(r"<strong[^>]*>1</strong>", counts.text)
    assert client.get(done.headers["Location"]).text.count("Arrivé") >= 1
    undone = client.post(f"/events/{event.id}/door/{response_id}/undo",
                         data={"csrf_token": _token(page.text)})
    assert undone.status_code == 302
    walk = {"csrf_token": _token(page.text), "session": str(event.press_id),
            "last_name": "GIRAUD", "first_name": "Thomas"}
    asked = client.post(f"/events/{event.id}/door/walk-in", data=walk)
    assert asked.status_code == 200 and "Faire entrer cette personne" in asked.text
    missing = client.post(f"/events/{event.id}/door/walk-in", data={**walk, "last_name": ""})
    assert missing.status_code == 422


def test_only_organisers_check_people_in(app, client, door, make_user):
    event, (thomas, _juliette) = door
    with app.app_context():
        response_id = _response(thomas, event.press_id).id
    outsider = make_user("officer", "Préfecture BFC")
    login(client, outsider.email)
    assert client.get(f"/events/{event.id}/door").status_code == 200  # a shared event
    assert client.post_form(f"/events/{event.id}/door/{response_id}/check-in").status_code == 403
