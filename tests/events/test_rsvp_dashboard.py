"""The RSVP dashboard: counts per session by status, inviting body and outlet kind, the
filtered answer list, the security desk's CSV and XLSX, the press list and the badges."""

from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import select

from crm.auth.models import User
from crm.contacts.models import Visibility
from crm.events import attendees, dashboard
from crm.events.models import CrewRole, Event, Invitation, Response
from crm.events.services import AnswerData, CrewData, answer_invitation, find_invitation, invite
from crm.extensions import db
from crm.outlets.models import OutletKind
from tests.conftest import login


@pytest.fixture
def answered(app, open_event, make_contact, make_outlet, make_user, invite_contacts):
    """Five invitees of the AER and one of the Région: a TV journalist coming with a camera
    operator, a radio journalist declining, one waitlisted, two silent, a private one of the
    Préfecture (never shown to the AER)."""
    event = open_event(capacity=3)
    tv, radio = make_outlet("France 3 BFC", OutletKind.TV), make_outlet("France Bleu", OutletKind.RADIO)
    people = [make_contact("=HYPERLINK(1)", "Léa", outlet_ids=[tv]),
              make_contact("ROUSSEL", "Juliette", outlet_ids=[radio]),
              make_contact("PERRIN", "Aline"), make_contact("MOREL", "Élise")]
    tokens = invite_contacts(event, people)
    region = make_user("manager", "Région BFC")
    late = make_contact("BLANC", "Hugo", org="Région BFC")
    hidden = make_contact("SECRET", "Anne", org="Préfecture BFC", visibility=Visibility.PRIVATE)
    with app.app_context():
        invite(db.session.get_one(User, region.id), db.session.get_one(Event, event.id), [late])
        invite(db.session.get_one(User, event.manager_id), db.session.get_one(Event, event.id),
               [hidden])
        answer_invitation(find_invitation(tokens[0]), AnswerData(
            choices={event.press_id: True, event.conference_id: True}, outlet_name="France 3",
            press_card="+33 12", crew=[CrewData(CrewRole.CAMERA, "Marc JRI")]))
        answer_invitation(find_invitation(tokens[1]), AnswerData(
            choices={event.press_id: False, event.conference_id: False}))
        answer_invitation(find_invitation(tokens[2]), AnswerData(
            choices={event.press_id: True}, crew=[CrewData(CrewRole.PHOTOGRAPHER, "P")]))
        db.session.commit()
    return event


def test_counts_per_session_by_status_body_and_outlet_kind(app, answered):
    with app.app_context():
        officer = db.session.get_one(User, answered.manager_id)
        press, conference = dashboard.session_counts(officer, db.session.get_one(Event, answered.id))
        assert press.total.values == {"invited": 5, "accepted": 1, "offered": 0, "waitlisted": 1,
                                      "declined": 1, "cancelled": 0, "pending": 2,
                                      "checked_in": 0}
        assert conference.total.values["accepted"] == 1
        assert [(c.label, c.values["invited"]) for c in press.by_organisation] == [
            ("AER BFC", 4), ("Région BFC", 1)]
        assert {c.label: c.values["invited"] for c in press.by_outlet_kind} == {
            "radio": 1, "tv": 1, "": 3}


def test_answer_list_filters(app, answered):
    with app.app_context():
        officer = db.session.get_one(User, answered.manager_id)
        event = db.session.get_one(Event, answered.id)

        def names(**filters: object) -> list[str]:
            rows = db.session.execute(dashboard.answers(officer, event,
                                                        dashboard.AnswerFilter(**filters)))
            return [c.last_name for _r, _i, c in rows]

        assert len(names()) == 10  # five people, two sessions
        assert names(session_id=answered.press_id, status="accepted") == ["=HYPERLINK(1)"]
        assert names(session_id=answered.press_id, status="waitlisted") == ["PERRIN"]
        assert names(session_id=answered.press_id, outlet_kind="radio") == ["ROUSSEL"]
        assert "SECRET" not in names()
        region = db.session.scalar(select(Invitation.organisation_id).join(Response).where(
            Invitation.organisation_id != event.organisation_id))
        assert names(session_id=answered.press_id, organisation_id=region) == ["BLANC"]
        assert names(status="checked_in") == []


def test_security_list_is_safe_for_spreadsheets(app, answered):
    with app.test_request_context():
        manager = db.session.get_one(User, answered.manager_id)
        event = db.session.get_one(Event, answered.id)
        people = list(attendees.attendees(manager, event))
        assert [(a.last_name, a.role) for a in people if a.session.id == answered.press_id] == [
            ("=HYPERLINK(1)", ""), ("Marc JRI", "JRI / cadreur")]
        text = attendees.security_csv(manager, event).decode("utf-8")
        sheet = openpyxl.load_workbook(io.BytesIO(attendees.security_xlsx(manager, event))).active
    assert text.startswith("\ufeff") and ";" in text.splitlines()[0]
    assert "'=HYPERLINK(1)" in text and "'+33 12" in text  # formula triggers neutralised
    assert "SECRET" not in text and "PERRIN" not in text  # hidden, and only waitlisted
    cells = [c for row in sheet.iter_rows() for c in row if c.value]
    assert all(c.data_type == "s" for c in cells)
    assert "=HYPERLINK(1)" in [c.value for c in cells]  # kept as text, never a formula


def test_badges_are_for_the_expected_press_and_their_crews(app, answered):
    with app.test_request_context():
        manager = db.session.get_one(User, answered.manager_id)
        badges = attendees.press_badges(manager, db.session.get_one(Event, answered.id))
        assert [(b.first_name, b.last_name, b.role, b.outlet) for b in badges] == [
            ("Léa", "=HYPERLINK(1)", "", "France 3"), ("", "Marc JRI", "JRI / cadreur", "France 3")]


def test_dashboard_page_and_downloads(app, client, answered):
    with app.app_context():
        email = db.session.get_one(User, answered.manager_id).email
    login(client, email)
    page = client.get(f"/events/{answered.id}/answers")
    assert page.status_code == 200 and "Liste des participants" in page.text
    csv = client.post_form(f"/events/{answered.id}/attendees.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    text = csv.data.decode("utf-8")
    assert text.startswith("\ufeff") and ";" in text.splitlines()[0]
    assert "'=HYPERLINK(1)" in text and "'+33 12" in text  # formula triggers neutralised
    assert "SECRET" not in text and "PERRIN" not in text  # hidden, and only waitlisted
    xlsx = client.post_form(f"/events/{answered.id}/attendees.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value]
    assert all(c.data_type == "s" for c in cells)
    assert "=HYPERLINK(1)" in [c.value for c in cells]  # kept as text, never a formula


def test_press_list_and_badges_show_the_expected_press(app, client, answered):
    with app.app_context():
        email = db.session.get_one(User, answered.manager_id).email
    login(client, email)
    badges = client.get(f"/events/{answered.id}/badges")
    assert badges.status_code == 200
    assert badges.text.count('class="press-badge"') == 2  # the journalist and her JRI
    assert "PRESSE" in badges.text and "Marc JRI" in badges.text
    press = client.get(f"/events/{answered.id}/press-list")
    assert press.status_code == 200 and "Marc JRI" in press.text and "PERRIN" not in press.text
    with client.get("/static/css/events.css") as css:
        assert "@media print" in css.text
