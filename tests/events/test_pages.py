"""Event pages (create, edit with sessions, status, scope) and the public RSVP page: answers,
crews, a double POST, the waitlist's promotion by e-mail, wrong and expired links, the .ics."""

from __future__ import annotations

import datetime as dt
import re

from icalendar import Calendar
from sqlalchemy import func, select

from crm.events.models import Event, EventSession, EventStatus, Response, ResponseStatus
from crm.extensions import db
from crm.mail.models import OutboxMessage


def _session_rows(day: str, rows: list[tuple[str, str, str, str, str]]) -> dict[str, str]:
    data = {}
    for i, (name, starts, ends, audience, capacity) in enumerate(rows):
        data.update({f"sessions-{i}-name": name, f"sessions-{i}-day": day,
                     f"sessions-{i}-starts": starts, f"sessions-{i}-ends": ends,
                     f"sessions-{i}-audience": audience, f"sessions-{i}-capacity": capacity,
                     f"sessions-{i}-room": "Galerie François Mitterrand"})
    return data


def test_an_officer_creates_edits_and_opens_an_event(app, client, login_as):
    login_as("officer")
    assert "Nouvel événement" in client.get("/events/new").text
    response = client.post_form("/events/new", {
        "title": "Assises 2026", "venue": "Conseil régional", "visibility": "shared",
        "address": "17 bd de la Trémouille, Dijon",
        **_session_rows("2026-06-10", [("Point presse", "09:00", "10:00", "press", "3"),
                                       ("Assises", "10:00", "13:00", "public", "")])})
    assert response.status_code == 302, response.text
    event_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = client.get(f"/events/{event_id}").text
    assert "Point presse" in page and "Brouillon" in page and "0 / 3" in page
    with app.app_context():
        press = db.session.scalar(select(EventSession).where(EventSession.name == "Point presse"))
        assert press.starts_at == dt.datetime(2026, 6, 10, 7, 0, tzinfo=dt.UTC)  # 9h in Paris
        press_id = press.id
    form = client.get(f"/events/{event_id}/edit").text
    assert 'value="09:00"' in form
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)
    edit = {"title": "Assises 2026", "visibility": "shared", "version": version,
            **_session_rows("2026-06-10", [("Point presse", "08:30", "10:00", "press", "3"),
                                           ("Assises", "10:00", "13:00", "public", "")]),
            "sessions-0-id": str(press_id)}
    assert client.post_form(f"/events/{event_id}/edit", edit).status_code == 302
    stale = client.post_form(f"/events/{event_id}/edit", edit)
    assert stale.status_code == 409 and "dans l’intervalle" in stale.text
    assert client.post_form(f"/events/{event_id}/status", {"status": "open"}).status_code == 302
    with app.app_context():
        event = db.session.get_one(Event, event_id)
        assert event.status == EventStatus.OPEN and event.sessions[0].ics_sequence == 1


def test_an_event_form_without_session_is_refused(client, login_as):
    login_as("officer")
    response = client.post_form("/events/new", {"title": "Sans séance", "visibility": "shared"})
    assert response.status_code == 422 and "au moins une séance" in response.text


def test_other_bodies_see_a_shared_event_but_cannot_change_it(client, login_as, open_event):
    event = open_event()
    login_as("officer", "Préfecture BFC")
    assert client.get(f"/events/{event.id}").status_code == 200
    assert client.get(f"/events/{event.id}/edit").status_code == 403
    assert client.post_form(f"/events/{event.id}/status", {"status": "closed"}).status_code == 403


def _form(client, token: str) -> str:
    page = client.get(f"/rsvp/{token}")
    assert page.status_code == 200, page.text
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)


def _post(client, token: str, data: dict[str, str]):
    return client.post(f"/rsvp/{token}", data={"csrf_token": _form(client, token), **data})


def test_a_journalist_answers_with_a_photographer_and_gets_a_confirmation(
        app, client, open_event, make_contact, invite_contacts):
    event = open_event(capacity=3)
    token, = invite_contacts(event, [make_contact(emails=["cecile.hermier@estrepublicain.test"])])
    page = client.get(f"/rsvp/{token}").text
    assert "Point presse" in page and "Photographe" in page and "Je viendrai" in page
    answer = {f"session_{event.press_id}": "yes", f"session_{event.conference_id}": "no",
              "outlet_name": "L'Est Républicain", "crew-0-role": "photographer",
              "crew-0-name": "Léa Martin"}
    first = _post(client, token, answer)
    assert first.status_code == 302
    again = _post(client, token, answer)  # a double click
    assert again.status_code == 302
    shown = client.get(f"/rsvp/{token}").text
    assert "Accepté" in shown and "Léa Martin" in shown
    with app.app_context():
        assert db.session.get_one(EventSession, event.press_id).seats_taken == 2
        mails = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.subject == "Votre réponse est enregistrée")).all()
        assert len(mails) == 1 and mails[0].recipient == "cecile.hermier@estrepublicain.test"
        assert f"/rsvp/{token}" in mails[0].body_text and "Point presse" in mails[0].body_text


def test_a_cancellation_promotes_the_first_waiting_who_is_told_by_email(
        app, client, open_event, make_contact, invite_contacts):
    event = open_event(capacity=1)
    ids = [make_contact("A", "Un", emails=["un@journal.test"]),
           make_contact("B", "Deux", emails=["deux@journal.test"])]
    first, second = invite_contacts(event, ids)
    yes, no = {f"session_{event.press_id}": "yes"}, {f"session_{event.press_id}": "no"}
    _post(client, first, yes)
    _post(client, second, yes)
    assert "En liste d'attente" in client.get(f"/rsvp/{second}").text
    _post(client, first, no)
    assert "Place proposée" in client.get(f"/rsvp/{second}").text
    with app.app_context():
        offer = db.session.scalar(select(OutboxMessage).where(
            OutboxMessage.recipient == "deux@journal.test",
            OutboxMessage.subject == "Une place s’est libérée pour vous"))
        assert offer is not None and f"/rsvp/{second}" in offer.body_text
    _post(client, second, yes)
    with app.app_context():
        statuses = db.session.scalars(select(Response.status).where(
            Response.session_id == event.press_id).order_by(Response.id)).all()
        assert statuses == [ResponseStatus.CANCELLED, ResponseStatus.ACCEPTED]


def test_wrong_and_expired_links_get_a_clear_page(app, client, open_event, make_contact,
                                                  invite_contacts):
    event = open_event()
    token, = invite_contacts(event, [make_contact()])
    wrong = client.get("/rsvp/" + "x" * 43)
    assert wrong.status_code == 404 and "n’est pas valide" in wrong.text
    assert client.post_form("/rsvp/" + "x" * 43, {}).status_code == 404
    with app.app_context():
        from crm.events.models import Invitation
        invitation = db.session.scalar(select(Invitation))
        invitation.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        db.session.commit()
    expired = client.get(f"/rsvp/{token}")
    assert expired.status_code == 410 and "a expiré" in expired.text


def test_a_closed_event_takes_no_answer(app, client, open_event, make_contact, invite_contacts):
    event = open_event()
    token, = invite_contacts(event, [make_contact()])
    csrf = _form(client, token)
    with app.app_context():
        db.session.get_one(Event, event.id).status = EventStatus.CLOSED
        db.session.commit()
    refused = client.post(f"/rsvp/{token}", data={"csrf_token": csrf,
                                                  f"session_{event.press_id}": "yes"})
    assert refused.status_code == 409 and "sont closes" in refused.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response).where(
            Response.status == ResponseStatus.ACCEPTED)) == 0


def test_the_ics_parses_back_with_uid_sequence_and_paris_times(app, client, open_event,
                                                               make_contact, invite_contacts):
    event = open_event()
    token, = invite_contacts(event, [make_contact()])
    response = client.get(f"/rsvp/{token}/calendar.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    assert calendar["METHOD"] == "REQUEST"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    entries = calendar.walk("VEVENT")
    with app.app_context():
        press = db.session.get_one(EventSession, event.press_id)
        assert str(entries[0]["UID"]) == press.uid and int(entries[0]["SEQUENCE"]) == 0
    start = entries[0].decoded("DTSTART")
    assert str(start.tzinfo) == "Europe/Paris" and start.hour == 9
    assert entries[0]["DTSTART"].params["TZID"] == "Europe/Paris"
