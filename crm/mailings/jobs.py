"""Mailing jobs: one queued when "Send" is committed, and a sweep every minute that resumes
mailings with deliveries due again (4xx retries) or left by a stopped worker."""

from __future__ import annotations

from flask import current_app

from crm.jobs import crontab, periodic_task, task
from crm.mail.services import SmtpSettings
from crm.mailings.sending import active_mailings, process_mailing
from crm.mailings.services import queue_due_mailings


@task()
def send_mailing_job(mailing_id: int) -> None:
    process_mailing(mailing_id, SmtpSettings.from_config(current_app.config))


@periodic_task(crontab(minute="*"))
def resume_mailings() -> None:
    """Queue the scheduled mailings whose time has come, then send every active one."""
    queue_due_mailings()
    smtp = SmtpSettings.from_config(current_app.config)
    for mailing_id in active_mailings():
        process_mailing(mailing_id, smtp)
