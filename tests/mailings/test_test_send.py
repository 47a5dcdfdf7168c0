""""Send a test to myself": the draft as one recipient reads it, to the manager's own address
through the system outbox, its subject prefixed [TEST], no delivery counted, audit-logged."""

from __future__ import annotations

import email
import email.policy

from sqlalchemy import func, select

from crm.audit.models import AuditEvent
from crm.extensions import db
from crm.mail.services import SmtpSettings, deliver_pending
from crm.mailings.models import Delivery, Mailing, MailingStatus
from tests.conftest import login


def _tests_sent(app, smtp) -> list:
    """The [TEST] messages the outbox delivers (the account's welcome message is in it too)."""
    with app.app_context():
        deliver_pending(SmtpSettings.from_config(app.config), max_attempts=3)
    parsed = [(m.rcpt_tos, email.message_from_bytes(m.original_content, policy=email.policy.default))
              for m in smtp.messages]
    return [(to, msg) for to, msg in parsed if msg["Subject"].startswith("[TEST]")]


def test_a_test_send_reaches_the_manager_as_the_chosen_recipient(app, smtp, draft, client):
    login(client, draft["manager"].email)
    martin = draft["contacts"][2]
    response = client.post_form(f"/mailings/{draft['mailing']}/test", {"contact_id": martin})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert f"a été envoyé à {draft['manager'].email}" in page
    assert "Paul MARTIN" in page
    [(to, msg)] = _tests_sent(app, smtp)
    assert to == [draft["manager"].email]
    assert msg["Subject"] == "[TEST] Assises 2026 : invitation de Paul"
    text = msg.get_body(("plain",)).get_content()
    assert "Monsieur," in text and "Monsieur MARTIN" in text
    assert "<strong>Assises</strong>" in msg.get_body(("html",)).get_content()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Delivery)) == 0
        assert db.session.get_one(Mailing, draft["mailing"]).status == MailingStatus.DRAFT
        event = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "mailing.test_sent")).one()
        assert event.details["to"] == draft["manager"].email
        assert event.details["contact_id"] == martin


def test_a_test_send_without_recipients_uses_a_sample_person(app, smtp, draft, client):
    login(client, draft["manager"].email)
    client.post_form(f"/lists/{draft['list']}/members/{draft['contacts'][0]}/remove")
    for contact_id in draft["contacts"][1:]:
        client.post_form(f"/lists/{draft['list']}/members/{contact_id}/remove")
    assert client.post_form(f"/mailings/{draft['mailing']}/test").status_code == 302
    [(_to, msg)] = _tests_sent(app, smtp)
    assert msg["Subject"] == "[TEST] Assises 2026 : invitation de Anne"


def test_only_a_draft_is_tested(app, smtp, draft, client):
    login(client, draft["manager"].email)
    client.post_form(f"/mailings/{draft['mailing']}/send")
    assert client.post_form(f"/mailings/{draft['mailing']}/test").status_code == 409
