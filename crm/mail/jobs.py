"""Outbox delivery jobs: enqueued after each commit that queued mail, and every minute."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from crm.jobs import crontab, periodic_task, task
from crm.mail.services import SESSION_FLAG, deliver_pending
from crm.mail.smtp import SmtpSettings


def _deliver() -> None:
    cfg = current_app.config
    deliver_pending(SmtpSettings.from_config(cfg), max_attempts=cfg["MAIL_MAX_ATTEMPTS"])


@task()
def deliver_outbox() -> None:
    _deliver()


@periodic_task(crontab(minute="*"))
def deliver_outbox_periodically() -> None:
    _deliver()


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.pop(SESSION_FLAG, False):
        deliver_outbox()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(SESSION_FLAG, None)
