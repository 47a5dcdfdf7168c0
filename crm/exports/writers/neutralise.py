"""Defusing spreadsheet formulas in exported text (CSV injection, OWASP), and undoing it.

A value starting with ``=``, ``+``, ``-``, ``@``, a tab, CR or LF may be taken for a formula
by a spreadsheet: it is written with a leading apostrophe, which Excel and LibreOffice show as
text and which Relais' importer removes again. So that the change can always be undone, a
value that already *looks* defused (apostrophes, then one of those characters) gets one more
apostrophe: ``undo_neutralisation(neutralise(s)) == s`` for every string ``s``.
"""

from __future__ import annotations

TRIGGERS = frozenset("=+-@\t\r\n")
_FIRST = TRIGGERS | {"'"}


def looks_defused(value: str) -> bool:
    """True when ``value`` is apostrophes followed by a formula trigger (``'=1``, ``''+3``)."""
    return value[:1] == "'" and value.lstrip("'")[:1] in TRIGGERS


def needs_neutralising(value: str) -> bool:
    """True when ``value`` starts with a trigger or already looks defused."""
    return value[:1] in TRIGGERS or looks_defused(value)


def neutralise(value: str) -> str:
    """``value`` made safe for a spreadsheet cell: an apostrophe before a trigger."""
    if value[:1] not in _FIRST:  # the common case, one test
        return value
    return "'" + value if needs_neutralising(value) else value


def undo_neutralisation(value: str) -> str:
    """The value ``neutralise`` was given: one apostrophe less before a trigger."""
    return value[1:] if looks_defused(value) else value
