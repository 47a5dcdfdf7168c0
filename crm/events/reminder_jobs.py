"""The worker's reminder job: every five minutes, queue the event reminders that are due."""

from __future__ import annotations

from crm.events.reminders import send_due_reminders
from crm.extensions import db
from crm.jobs import crontab, periodic_task


@periodic_task(crontab(minute="*/5"))
def send_event_reminders() -> None:
    send_due_reminders()
    db.session.commit()
