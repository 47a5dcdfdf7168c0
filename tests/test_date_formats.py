"""The date filters give what Flask-Babel gives, whatever the locale, the format, the season
(clock changes included) and whether the value is naive (UTC), aware, or a plain day."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import flask_babel
import pytest
from flask import Flask

from crm import templating

PARIS = ZoneInfo("Europe/Paris")
# around both clock changes of 2026 (29 March, 25 October), midnight, and the year's end
INSTANTS = [dt.datetime(2026, 3, 29, 0, 0, tzinfo=dt.UTC) + dt.timedelta(minutes=17 * n)
            for n in range(12)] + [
    dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC) + dt.timedelta(minutes=20 * n)
    for n in range(8)] + [
    dt.datetime(2026, 12, 31, 22, 59, 59, 999999, tzinfo=dt.UTC),
    dt.datetime(2026, 12, 31, 23, 0, 0, tzinfo=dt.UTC),
    dt.datetime(2027, 6, 1, 12, 5, 9, 123, tzinfo=PARIS),
    dt.datetime(2027, 1, 2, 3, 4, 5),  # noqa: DTZ001 - naive: read as UTC
]


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_dates_and_times_read_as_flask_babel_writes_them(app: Flask, locale: str) -> None:
    with app.test_request_context(), flask_babel.force_locale(locale):
        for value in INSTANTS:
            for fmt in templating.NAMED:
                assert templating.datetime(value, fmt) == flask_babel.format_datetime(
                    value, fmt), (value, fmt)
            assert templating.datetime(value, "d MMM y HH:mm") == \
                flask_babel.format_datetime(value, "d MMM y HH:mm")
            assert templating.datetime(value) == flask_babel.format_datetime(value, "short")
            assert templating.date(value) == flask_babel.format_date(value)
            assert templating.date(value.date()) == flask_babel.format_date(value.date())
        assert templating.date(None) == templating.datetime(None) == ""


def test_a_forced_locale_gets_its_own_formats(app: Flask) -> None:
    day = dt.date(2026, 12, 1)
    with app.test_request_context():
        with flask_babel.force_locale("fr"):
            french = templating.date(day)
        with flask_babel.force_locale("en"):
            english = templating.date(day)
        with flask_babel.force_locale("fr"):
            assert templating.date(day) == french
    assert (french, english) == ("1 déc. 2026", "Dec 1, 2026")
