"""Send later: a date and time in Paris time, queued by the worker's periodic job when it
comes (once), cancelled back to a plain draft before then."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from crm.audit.models import AuditEvent
from crm.extensions import db
from crm.mailings.models import Mailing, MailingStatus
from crm.mailings.services import queue_due_mailings
from tests.conftest import login
from tests.mailings.test_sending import _process


def _mailing(app, draft) -> Mailing:
    with app.app_context():
        mailing = db.session.get_one(Mailing, draft["mailing"])
        db.session.expunge(mailing)
        return mailing


def test_a_scheduled_mailing_is_queued_when_its_time_comes_and_sent_once(app, smtp, draft,
                                                                        client):
    login(client, draft["manager"].email)
    response = client.post_form(f"/mailings/{draft['mailing']}/schedule",
                                {"send_at": "2099-06-01T10:00"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "Cet envoi partira le" in page and "Annuler la programmation" in page
    mailing = _mailing(app, draft)
    assert mailing.send_at == dt.datetime(2099, 6, 1, 8, 0, tzinfo=dt.UTC)  # summer time
    assert mailing.status == MailingStatus.DRAFT
    with app.app_context():
        assert queue_due_mailings() == []  # not yet
        db.session.get_one(Mailing, draft["mailing"]).send_at = (
            dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
        db.session.commit()
        assert queue_due_mailings() == [draft["mailing"]]
        assert queue_due_mailings() == []  # once
    _process(app)
    assert len(smtp.messages) == 3
    assert _mailing(app, draft).status == MailingStatus.DONE
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"mailing.scheduled", "mailing.queued", "mailing.finished"} <= actions


def test_a_schedule_is_cancelled_back_to_a_draft(app, smtp, draft, client):
    login(client, draft["manager"].email)
    client.post_form(f"/mailings/{draft['mailing']}/schedule", {"send_at": "2099-01-01T09:00"})
    assert _mailing(app, draft).send_at is not None
    response = client.post_form(f"/mailings/{draft['mailing']}/unschedule")
    assert "de nouveau un brouillon" in client.get(response.headers["Location"]).text
    mailing = _mailing(app, draft)
    assert mailing.send_at is None and mailing.status == MailingStatus.DRAFT
    with app.app_context():
        db.session.get_one(Mailing, draft["mailing"])
        assert queue_due_mailings() == []
    _process(app)
    assert smtp.messages == []


def test_a_past_or_missing_time_is_refused(app, draft, client):
    login(client, draft["manager"].email)
    response = client.post_form(f"/mailings/{draft['mailing']}/schedule",
                                {"send_at": "2001-01-01T09:00"})
    assert "déjà passée" in client.get(response.headers["Location"]).text
    response = client.post_form(f"/mailings/{draft['mailing']}/schedule", {"send_at": ""})
    assert "Indiquez la date" in client.get(response.headers["Location"]).text
    assert _mailing(app, draft).send_at is None
