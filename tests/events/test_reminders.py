"""Reminders before an event: to those who accepted (the day before by default) and to those
who have not answered, queued in the outbox by the worker's job, never twice."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select, update

from crm.events.models import Event, EventSession, Invitation
from crm.events.reminders import EventReminder, ReminderKind, send_due_reminders
from crm.events.services import AnswerData, answer_invitation, find_invitation
from crm.extensions import db
from crm.mail.models import OutboxMessage


def _outbox() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.subject.startswith("Rappel")).order_by(OutboxMessage.id)))


@pytest.fixture
def invited(app, open_event, make_contact, invite_contacts):
    """An event in 30 days: Thomas accepted the press point, Juliette has not answered,
    Aline (bounced address) accepted too. Invitations made two days ago."""
    event = open_event()
    people = [make_contact("GIRAUD", "Thomas", emails=["thomas.giraud@estrepublicain.fr"]),
              make_contact("ROUSSEL", "Juliette", emails=["juliette.roussel@francebleu.fr"]),
              make_contact("PERRIN", "Aline", emails=["aline@leprogres.fr"],
                           is_email_bounced=True)]
    tokens = invite_contacts(event, people)
    with app.app_context():
        for token in (tokens[0], tokens[2]):
            answer_invitation(find_invitation(token), AnswerData(choices={event.press_id: True}))
        db.session.execute(update(Invitation).values(
            created_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=2)))
        db.session.commit()
        start = db.session.get_one(EventSession, event.press_id).starts_at
    return event, start


def test_nothing_is_due_a_month_before(app, invited):
    with app.app_context():
        assert send_due_reminders() == {"accepted": 0, "no_answer": 0}
        assert _outbox() == []


def test_pending_invitees_are_reminded_then_accepted_ones_the_day_before(app, invited):
    _event, start = invited
    with app.app_context():
        three_days_before = start - dt.timedelta(hours=60)
        assert send_due_reminders(three_days_before) == {"accepted": 0, "no_answer": 1}
        assert send_due_reminders(three_days_before) == {"accepted": 0, "no_answer": 0}
        db.session.commit()
        (nudge,) = _outbox()
        assert nudge.recipient == "juliette.roussel@francebleu.fr"
        assert nudge.subject == "Rappel : serez-vous des nôtres ?"
        assert find_invitation(nudge.body_text.split()[-1].rpartition("/")[2]).contact_id

        day_before = start - dt.timedelta(hours=20)
        assert send_due_reminders(day_before) == {"accepted": 1, "no_answer": 0}
        db.session.commit()
        reminder = _outbox()[-1]
        assert reminder.recipient == "thomas.giraud@estrepublicain.fr"
        assert "Point presse" in reminder.body_text and "attendu" in reminder.body_text
        # the bounced address got its row (skipped) and nothing else
        skipped = db.session.scalars(select(EventReminder).where(
            EventReminder.recipient.is_(None))).all()
        assert [r.kind for r in skipped] == [ReminderKind.ACCEPTED]
        assert send_due_reminders(day_before) == {"accepted": 0, "no_answer": 0}
        db.session.commit()
        assert len(_outbox()) == 2
        # after the start, nobody is reminded any more
        assert send_due_reminders(start + dt.timedelta(minutes=1)) == {"accepted": 0,
                                                                       "no_answer": 0}


def test_two_workers_at_once_send_each_reminder_once(app, invited):
    _event, start = invited
    day_before = start - dt.timedelta(hours=20)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def work() -> None:
        with app.app_context():
            try:
                barrier.wait()
                send_due_reminders(day_before)
                db.session.commit()
            except BaseException as exc:
                errors.append(exc)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    with app.app_context():
        sent = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.recipient == "thomas.giraud@estrepublicain.fr"))
        rows = db.session.scalar(select(func.count()).select_from(EventReminder))
    # a worker that lost the race either skipped the row or rolled back: never two messages
    assert sent == 1 and rows == 3, errors  # Thomas, Aline (skipped), Juliette (no answer)


def test_draft_and_past_events_get_no_reminder(app, invited):
    _event, start = invited
    with app.app_context():
        db.session.execute(update(Event).values(status="draft"))
        db.session.commit()
        assert send_due_reminders(start - dt.timedelta(hours=20)) == {"accepted": 0,
                                                                      "no_answer": 0}
