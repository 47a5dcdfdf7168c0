"""The .ics of an event (RFC 5545, iTIP ``METHOD:REQUEST``): one VEVENT per session with its
stable UID and its SEQUENCE (raised by the services whenever the session moves), times in the
bodies' time zone with its VTIMEZONE, so that a calendar updates the entry it already holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from icalendar import Calendar
from icalendar import Event as CalendarEvent


@dataclass(frozen=True)
class Slot:
    uid: str
    sequence: int
    summary: str
    starts_at: dt.datetime  # aware
    ends_at: dt.datetime
    location: str
    description: str = ""
    url: str = ""


def ics(slots: Sequence[Slot], zone: ZoneInfo, *, stamp: dt.datetime,
        cancelled: bool = False) -> bytes:
    """The calendar of ``slots`` as bytes; ``cancelled`` makes it a ``METHOD:CANCEL``."""
    calendar = Calendar()
    calendar.add("prodid", "-//Relais//Evenements//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    for slot in slots:
        entry = CalendarEvent()
        entry.add("uid", slot.uid)
        entry.add("sequence", slot.sequence)
        entry.add("dtstamp", stamp.astimezone(dt.UTC))
        entry.add("dtstart", slot.starts_at.astimezone(zone))
        entry.add("dtend", slot.ends_at.astimezone(zone))
        entry.add("summary", slot.summary)
        entry.add("location", slot.location)
        entry.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        if slot.description:
            entry.add("description", slot.description)
        if slot.url:
            entry.add("url", slot.url)
        calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar.to_ical()
