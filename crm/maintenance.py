"""Nightly housekeeping run by the worker: expired sessions, old login failures, audit
retention, and the contacts and outlets left in the trash past their period."""

from __future__ import annotations

from crm.audit.services import purge_old_events
from crm.auth.services import purge_expired_sessions
from crm.auth.throttle import purge_expired
from crm.contacts.services import purge_deleted_contacts
from crm.extensions import db
from crm.jobs import crontab, periodic_task
from crm.outlets.services import purge_deleted_outlets
from crm.settings import settings


def housekeeping() -> dict[str, int]:
    config = settings()
    trash = config.trash_retention
    counts = {
        "sessions": purge_expired_sessions(config.session_idle, config.session_lifetime),
        "login_failures": purge_expired(config.login_throttle.window),
        "audit_events": purge_old_events(config.audit_retention_days),
        "contacts": purge_deleted_contacts(None, trash),
        "outlets": purge_deleted_outlets(None, trash),
    }
    db.session.commit()
    return counts


@periodic_task(crontab(hour="3", minute="15"))
def nightly_housekeeping() -> None:
    housekeeping()
