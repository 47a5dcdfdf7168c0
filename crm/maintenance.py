"""Nightly housekeeping run by the worker: expired sessions, old login failures, audit
retention, and the contacts and outlets left in the trash past their period."""

from __future__ import annotations

import datetime as dt

from flask import current_app

from crm.audit.services import purge_old_events
from crm.auth.services import purge_expired_sessions
from crm.auth.throttle import purge_expired
from crm.contacts.services import purge_deleted_contacts
from crm.extensions import db
from crm.jobs import crontab, periodic_task
from crm.outlets.services import purge_deleted_outlets


def housekeeping() -> dict[str, int]:
    cfg = current_app.config
    trash = dt.timedelta(days=cfg["CONTACTS_TRASH_DAYS"])
    counts = {
        "sessions": purge_expired_sessions(dt.timedelta(minutes=cfg["SESSION_IDLE_MINUTES"]),
                                           dt.timedelta(hours=cfg["SESSION_LIFETIME_HOURS"])),
        "login_failures": purge_expired(dt.timedelta(minutes=cfg["LOGIN_WINDOW_MINUTES"])),
        "audit_events": purge_old_events(cfg["AUDIT_RETENTION_DAYS"]),
        "contacts": purge_deleted_contacts(None, trash),
        "outlets": purge_deleted_outlets(None, trash),
    }
    db.session.commit()
    return counts


@periodic_task(crontab(hour="3", minute="15"))
def nightly_housekeeping() -> None:
    housekeeping()
