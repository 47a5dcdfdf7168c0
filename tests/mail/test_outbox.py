from email import message_from_bytes
from email.policy import default

import pytest
from sqlalchemy import select

from crm.extensions import db
from crm.jobs import huey
from crm.mail.models import OutboxMessage, OutboxStatus
from crm.mail.services import deliver_pending, queue_email, uncertain_messages
from crm.mail.smtp import SmtpSettings, build_message


def settings(app) -> SmtpSettings:
    return SmtpSettings.from_config(app.config)


def queue(app, recipient="journaliste@example.fr") -> int:
    with app.app_context():
        message = queue_email(recipient, "Your Relais account", "password_changed",
                              user=_FakeUser())
        db.session.commit()
        return message.id


class _FakeUser:
    full_name = "Aline Poirier"
    email = "apoirier@example.fr"


def status(app, message_id):
    with app.app_context():
        return db.session.get_one(OutboxMessage, message_id).status


def test_message_is_delivered_through_smtp_after_commit(app, smtp_server):
    message_id = queue(app)
    assert smtp_server.messages == []  # queued, not sent
    with app.app_context():
        report = deliver_pending(settings(app), max_attempts=3)
    assert report.sent == [message_id]
    assert status(app, message_id) is OutboxStatus.SENT
    [envelope] = smtp_server.messages
    assert envelope.rcpt_tos == ["journaliste@example.fr"]
    parsed = message_from_bytes(envelope.content, policy=default)
    assert parsed["Subject"] == "Votre compte Relais"
    assert parsed.get_body(("plain",)).get_content().startswith("Bonjour Aline Poirier,")
    assert parsed.get_body(("html",)) is not None
    with app.app_context():
        assert deliver_pending(settings(app), max_attempts=3).sent == []  # never twice


def test_commit_enqueues_a_delivery_job_and_rollback_sends_nothing(app):
    app.extensions["huey"].flush()
    with app.app_context():
        queue_email("a@example.fr", "Your Relais account", "password_changed", user=_FakeUser())
        db.session.rollback()
        assert huey.pending_count() == 0
        assert db.session.scalar(select(OutboxMessage)) is None
        queue_email("a@example.fr", "Your Relais account", "password_changed", user=_FakeUser())
        db.session.commit()
        assert huey.pending_count() == 1
    app.extensions["huey"].flush()


def test_permanent_refusal_fails_and_temporary_one_is_retried(app, smtp_server):
    smtp_server.refuse = {"gone@example.fr": "550 5.1.1 No such user",
                          "busy@example.fr": "451 4.3.0 Try later"}
    gone, busy, ok = queue(app, "gone@example.fr"), queue(app, "busy@example.fr"), queue(app)
    with app.app_context():
        report = deliver_pending(settings(app), max_attempts=3)
    assert (report.failed, report.retrying, report.sent) == ([gone], [busy], [ok])
    assert status(app, gone) is OutboxStatus.FAILED
    assert status(app, busy) is OutboxStatus.PENDING
    with app.app_context():
        row = db.session.get_one(OutboxMessage, busy)
        assert row.attempts == 1 and "451" in row.last_error
        assert row.next_attempt_at > row.claimed_at


def test_unreachable_server_keeps_messages_pending(app):
    app.config["MAIL_PORT"] = 1  # nothing listens there
    message_id = queue(app)
    with app.app_context():
        report = deliver_pending(settings(app), max_attempts=3)
    assert report.retrying == [message_id]
    assert status(app, message_id) is OutboxStatus.PENDING


def test_crash_after_claim_leaves_the_message_uncertain_not_resent(app, smtp_server, monkeypatch):
    message_id = queue(app)

    def crash(*_args, **_kwargs):
        raise SystemExit("worker killed mid-send")

    monkeypatch.setattr("crm.mail.services.connect", crash)
    with app.app_context(), pytest.raises(SystemExit):
        deliver_pending(settings(app), max_attempts=3)
    monkeypatch.undo()
    with app.app_context():
        db.session.rollback()
        assert deliver_pending(settings(app), max_attempts=3).sent == []
        assert [m.id for m in uncertain_messages(older_than=__import__("datetime").timedelta(0))] \
            == [message_id]
    assert smtp_server.messages == []


def test_header_injection_is_refused():
    with pytest.raises(ValueError):
        build_message(sender="a@example.fr", recipient="b@example.fr",
                      subject="Hello\r\nBcc: victim@example.fr", text="x", html=None,
                      message_id="<x@example.fr>").as_bytes()
