"""Template filters every page may use (e-mails and shared macros included), registered once
on the app rather than by the blueprint that happened to need them first."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal, format_number

from crm.contacts.core.normalise import display_phone


def phone(e164: str) -> str:
    """A stored E.164 number as people write it."""
    return display_phone(e164)


def number(value: int) -> str:
    return format_number(value)


def decimal(value: float) -> str:
    """A figure with one decimal in the page's locale: "8,9" in French, "8.9" in English."""
    return format_decimal(value, format="#,##0.0;\u2212#,##0.0")


def date(value: dt.datetime | None) -> str:
    return format_date(value) if value else ""


def datetime(value: dt.datetime | None, fmt: str = "short") -> str:
    return format_datetime(value, fmt) if value else ""


def init_app(app: Flask) -> None:
    for name, function in (("phone", phone), ("number", number), ("decimal", decimal),
                           ("date", date),
                           ("datetime", datetime)):
        app.add_template_filter(function, name)
