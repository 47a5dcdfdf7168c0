"""Local time: the configured time zone of the bodies (``Settings.time_zone``).

Everything is stored in UTC (``crm.database.utcnow``); a day ("today", a due date, a filter
from one date to another) is a day in the local time zone.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from crm.database import utcnow
from crm.settings import settings


def local_zone() -> ZoneInfo:
    return settings().time_zone


def local_now() -> dt.datetime:
    """Now, aware, in the local time zone."""
    return utcnow().astimezone(local_zone())


def local_today() -> dt.date:
    return local_now().date()


def day_start(day: dt.date) -> dt.datetime:
    """The first instant of ``day`` in the local time zone (aware)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=local_zone())
