"""The date filters give what Flask-Babel gives, whatever the locale, the format, the season
(clock changes included) and whether the value is naive (UTC), aware, or a plain day."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import flask_babel
import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.one_of(st.floats(min_value=-1e7, max_value=1e16, allow_nan=False),
                       st.integers(min_value=0, max_value=10**8),
                       st.sampled_from([0.0, -0.0, 0.05, 0.15, 0.25, 0.35, 999.95, 1234567.85, 2.5e-7])))
def test_decimals_read_as_flask_babel_writes_them(app: Flask, value: float) -> None:
    with app.test_request_context():
        for locale in ("fr", "en"):
            with flask_babel.force_locale(locale):
                assert templating.decimal(value) == flask_babel.format_decimal(
                    value, format=templating.DECIMAL), (locale, value)
