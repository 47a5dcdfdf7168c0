"""Template filters every page may use (e-mails and shared macros included), registered once
on the app rather than by the blueprint that happened to need them first.

Dates are formatted as Flask-Babel formats them (the request's locale, rebased to the local
time zone, naive values read as UTC), but a page shows dozens: ``DateFormats`` keeps, for the
request and locale, the format strings and the parts already formatted (a day, a time of
day), so that a 50-row page costs a few dictionary look-ups per date instead of a locale
and time zone look-up, a pattern parse and a CLDR formatting each.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal
from math import copysign
from typing import Literal, cast
from zoneinfo import ZoneInfo

from babel import Locale
from babel import dates as babel_dates
from babel.numbers import get_decimal_symbol, get_group_symbol
from flask import Flask, g
from flask_babel import format_decimal, format_number, get_locale

from crm.clock import local_zone
from crm.contacts.core.normalise import display_phone
from crm.controls import control, control_label, hidden_controls

Named = Literal["short", "medium", "long", "full"]
NAMED: tuple[Named, ...] = ("short", "medium", "long", "full")
DECIMAL = "#,##0.0;\u2212#,##0.0"
_TENTH = Decimal("0.1")
# pattern letters whose output depends on more than the day and the time to the second
_NOT_MEMOISED = set("SAzZvVOXx")


class DateFormats:
    """Dates and times of one locale in one time zone, each distinct part formatted once."""

    def __init__(self, locale: Locale, zone: ZoneInfo) -> None:
        self.locale, self.zone = locale, zone
        self._dates: dict[tuple[str, dt.date], str] = {}
        self._times: dict[tuple[str, int, int, int], str] = {}
        self._joins: dict[str, str] = {}
        self._signs: tuple[str, str] | None = None

    def decimal(self, value: float) -> str:
        """``format_decimal(value, DECIMAL)``: a positive figure (not -0.0) rounded as Babel rounds it
        (half to even, from its shortest text), its thousands grouped by the locale's sign;
        any other value goes through Babel."""
        if type(value) not in (int, float) or copysign(1.0, value) < 0 or not value < 1e15:
            return format_decimal(value, format=DECIMAL)
        if self._signs is None:
            self._signs = (get_group_symbol(self.locale), get_decimal_symbol(self.locale))
        group, point = self._signs
        whole, _, tenth = f"{Decimal(str(value)).quantize(_TENTH, ROUND_HALF_EVEN):f}".partition(".")
        return f"{int(whole):,}".replace(",", group) + point + tenth

    def local(self, value: dt.datetime) -> dt.datetime:
        aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
        return aware.astimezone(self.zone)

    def date(self, value: dt.date, fmt: str = "medium") -> str:
        day = self.local(value).date() if isinstance(value, dt.datetime) else value
        key = (fmt, day)
        found = self._dates.get(key)
        if found is None:
            found = self._dates[key] = babel_dates.format_date(day, fmt, locale=self.locale)
        return found

    def datetime(self, value: dt.datetime, fmt: str = "medium") -> str:
        local = self.local(value)
        join = self._join(fmt)
        if join is None:
            return babel_dates.format_datetime(local, fmt, locale=self.locale)
        key = (fmt, local.hour, local.minute, local.second)
        time = self._times.get(key)
        if time is None:
            time = self._times[key] = babel_dates.format_time(local, fmt, tzinfo=None,
                                                              locale=self.locale)
        return join.replace("{0}", time).replace("{1}", self.date(local.date(), fmt))

    def _join(self, fmt: str) -> str | None:
        """How ``fmt`` puts a date and a time together, when its time part depends on the
        time to the second only (else ``None``: every value goes through Babel)."""
        if fmt not in self._joins:
            memoised = fmt in NAMED and not _NOT_MEMOISED & set(
                str(self.locale.time_formats[fmt].pattern))
            self._joins[fmt] = (str(babel_dates.get_datetime_format(cast(Named, fmt), locale=self.locale))
                                .replace("'", "") if memoised else "")
        return self._joins[fmt] or None


def date_formats() -> DateFormats:
    """The current locale's formats, kept for the request (or the app context)."""
    locale = get_locale() or Locale.parse("en")
    found: DateFormats | None = g.get("_relais_dates")
    if found is None or found.locale is not locale:
        found = g._relais_dates = DateFormats(locale, local_zone())
    return found


def phone(e164: str) -> str:
    """A stored E.164 number as people write it."""
    return display_phone(e164)


def number(value: int) -> str:
    return format_number(value)


def decimal(value: float) -> str:
    """A figure with one decimal in the page's locale: "8,9" in French, "8.9" in English."""
    return date_formats().decimal(value)


def date(value: dt.date | None) -> str:
    return date_formats().date(value) if value else ""


def datetime(value: dt.datetime | None, fmt: str = "short") -> str:
    return date_formats().datetime(value, fmt) if value else ""


def init_app(app: Flask) -> None:
    for name, function in (("phone", phone), ("number", number), ("decimal", decimal),
                           ("date", date), ("datetime", datetime)):
        app.add_template_filter(function, name)
    for name, drawing in (("control", control), ("control_label", control_label),
                          ("hidden_controls", hidden_controls)):
        app.add_template_global(drawing, name)
