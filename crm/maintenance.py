"""Nightly housekeeping run by the worker: expired sessions, old login failures, audit retention."""

from __future__ import annotations

import datetime as dt

from flask import current_app

from crm.audit.services import purge_old_events
from crm.auth.services import purge_expired_sessions
from crm.auth.throttle import purge_expired
from crm.extensions import db
from crm.jobs import crontab, periodic_task


def housekeeping() -> dict[str, int]:
    cfg = current_app.config
    counts = {
        "sessions": purge_expired_sessions(dt.timedelta(minutes=cfg["SESSION_IDLE_MINUTES"]),
                                           dt.timedelta(hours=cfg["SESSION_LIFETIME_HOURS"])),
        "login_failures": purge_expired(dt.timedelta(minutes=cfg["LOGIN_WINDOW_MINUTES"])),
        "audit_events": purge_old_events(cfg["AUDIT_RETENTION_DAYS"]),
    }
    db.session.commit()
    return counts


@periodic_task(crontab(hour="3", minute="15"))
def nightly_housekeeping() -> None:
    housekeeping()
