"""The invitation is a mailing: prepared from the event's page, sent by the worker to a real
SMTP server (aiosmtpd), each message with its personal RSVP link and the .ics; the link,
followed, answers. Re-inviting keeps the invitation and its link."""

from __future__ import annotations

import email
import email.policy
import re

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from crm.auth.models import User
from crm.events.models import EventMailing, EventSession, Invitation
from crm.extensions import db
from crm.lists.services import add_members, create_list
from crm.mail.services import SmtpSettings
from crm.mailings import sending
from crm.mailings.models import Mailing
from crm.mailings.services import send_mailing
from tests.conftest import login
from tests.mail.conftest import serve_smtp
from tests.mailings.conftest import ScriptedHandler


@pytest.fixture
def smtp(app):
    yield from serve_smtp(app, ScriptedHandler())


def _send_invitation(app, client, event, list_id: int) -> int:
    page = client.get(f"/events/{event.id}").text
    assert "lien_reponse" in page
    response = client.post_form(f"/events/{event.id}/invite", {
        "list_ids": [list_id], "subject": "Invitation : Assises 2026",
        "body": "{{ salutation }}\n\nRépondez ici : {{ lien_reponse }}"})
    assert response.status_code == 302, response.text
    mailing_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        manager = db.session.get_one(User, event.manager_id)
        send_mailing(manager, db.session.get_one(Mailing, mailing_id))
        db.session.commit()
    with app.test_request_context():
        for active in sending.active_mailings():
            sending.process_mailing(active, SmtpSettings.from_config(app.config))
    return mailing_id


def test_the_invitation_mail_carries_the_link_and_the_ics(app, client, smtp, open_event,
                                                          make_contact):
    event = open_event(capacity=3)
    ids = [make_contact("HERMIER", "Cécile", emails=["cecile.hermier@estrepublicain.test"]),
           make_contact("ROBIN", "Antoine", emails=["antoine.robin@bienpublic.test"])]
    with app.app_context():
        manager = db.session.get_one(User, event.manager_id)
        invited = create_list(manager, "PQR")
        add_members(manager, invited, ids)
        db.session.commit()
        list_id = invited.id
    login(client, db_email(app, event.manager_id))
    mailing_id = _send_invitation(app, client, event, list_id)
    assert len(smtp.messages) == 2
    message = email.message_from_bytes(smtp.messages[0].original_content,
                                       policy=email.policy.default)
    text = message.get_body(("plain",)).get_content()
    link = re.search(r"http://localhost(/rsvp/[\w-]+)", text).group(1)
    attachment = next(p for p in message.iter_attachments()
                      if p.get_content_type() == "text/calendar")
    calendar = Calendar.from_ical(attachment.get_payload(decode=True))
    assert calendar["METHOD"] == "REQUEST" and len(calendar.walk("VEVENT")) == 2
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 2
        assert db.session.get(EventMailing, mailing_id) is not None
    client.post_form("/auth/logout")
    page = client.get(link)
    assert page.status_code == 200 and "Assises" in page.text
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    answered = client.post(link, data={"csrf_token": csrf, f"session_{event.press_id}": "yes"})
    assert answered.status_code == 302
    with app.app_context():
        assert db.session.get_one(EventSession, event.press_id).seats_taken == 1


def test_inviting_again_keeps_the_invitation_and_its_link(app, client, smtp, open_event,
                                                          make_contact):
    event = open_event()
    contact = make_contact("HERMIER", "Cécile", emails=["cecile.hermier@estrepublicain.test"])
    with app.app_context():
        manager = db.session.get_one(User, event.manager_id)
        invited = create_list(manager, "PQR")
        add_members(manager, invited, [contact])
        db.session.commit()
        list_id = invited.id
    login(client, db_email(app, event.manager_id))
    _send_invitation(app, client, event, list_id)
    _send_invitation(app, client, event, list_id)
    links = [re.search(r"/rsvp/[\w-]+", email.message_from_bytes(
        m.original_content, policy=email.policy.default).get_body(("plain",)).get_content())
        .group(0) for m in smtp.messages]
    assert len(links) == 2 and links[0] == links[1]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 1


def db_email(app, user_id: int) -> str:
    with app.app_context():
        return db.session.get_one(User, user_id).email
