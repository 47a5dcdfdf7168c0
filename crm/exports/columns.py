"""The columns an export may hold, their headers (in the user's language) and cell values.

Headers are those Relais' importer recognises (``crm.imports.parsing.columns``), so that an
exported file imports back into the same contacts. Lists of values are joined with ``"; "``,
which the importer splits again; phones are in E.164.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from flask_babel import lazy_gettext as _l

from crm.contacts.services import LABELS
from crm.exports.rows import ExportRow
from crm.exports.writers.vcard import CardPerson

Getter = Callable[[ExportRow], str]


_KIND_LABELS = cast("dict[Any, Any]", LABELS["kind_labels"])
_CIVILITY_LABELS = cast("dict[Any, Any]", LABELS["civility_labels"])


def _joined(values: Sequence[str]) -> str:
    return "; ".join(values)


COLUMNS: dict[str, tuple[Any, Getter]] = {
    "civility": (_l("Civility"), lambda r: _civility(r)),
    "first_name": (_l("First name"), lambda r: r.first_name),
    "last_name": (_l("Last name"), lambda r: r.last_name),
    "emails": (_l("Email"), lambda r: _joined(r.emails)),
    "phone": (_l("Phone"), lambda r: _joined([p for p, mobile in r.phones if not mobile])),
    "mobile": (_l("Mobile"), lambda r: _joined([p for p, mobile in r.phones if mobile])),
    "outlets": (_l("Outlet"), lambda r: _joined(r.outlets)),
    "job_title": (_l("Job title"), lambda r: r.job_title or ""),
    "kind": (_l("Kind"), lambda r: str(_KIND_LABELS[r.kind])),
    "beats": (_l("Beats and topics"), lambda r: _joined(r.beats)),
    "area": (_l("Area"), lambda r: r.area or ""),
    "organisation": (_l("Owner"), lambda r: r.organisation),
    "visibility": (_l("Visibility"), lambda r: r.visibility.value),
    "source": (_l("Source"), lambda r: r.source),
    "notes": (_l("Notes"), lambda r: r.notes or ""),
}
DEFAULT_COLUMNS = ("civility", "first_name", "last_name", "emails", "phone", "mobile", "outlets",
                   "job_title", "beats", "area")


_WIDTHS = {"emails": 34, "outlets": 28, "job_title": 26, "beats": 30, "notes": 50, "source": 30,
           "civility": 10, "area": 10}


def widths(columns: Sequence[str]) -> list[float]:
    """A column width (in characters) for each of ``columns``."""
    return [float(_WIDTHS.get(c, 18)) for c in columns]


def _civility(row: ExportRow) -> str:
    return "" if row.civility.value == "none" else str(_CIVILITY_LABELS[row.civility])


def header(columns: Sequence[str]) -> list[str]:
    return [str(COLUMNS[c][0]) for c in columns]


def civility_texts() -> dict[Any, str]:
    """Each civility as the export writes it, translated once ("" for none)."""
    return {k: "" if k.value == "none" else str(v) for k, v in _CIVILITY_LABELS.items()}


def values(columns: Sequence[str]) -> Callable[[ExportRow], list[str]]:
    """A function giving a row's cells for ``columns``: the getters are looked up and the
    labels translated once, not for each row."""
    civility, kind = civility_texts(), {k: str(v) for k, v in _KIND_LABELS.items()}
    translated: dict[str, Getter] = {"civility": lambda r: civility[r.civility],
                                     "kind": lambda r: kind[r.kind]}
    getters = [translated.get(c) or COLUMNS[c][1] for c in columns]
    return lambda row: [get(row) for get in getters]


def card_person(row: ExportRow, *, with_note: bool, civility: dict[Any, str]) -> CardPerson:
    """What a vCard says of ``row`` (``civility``: see ``civility_texts``)."""
    return CardPerson(first_name=row.first_name, last_name=row.last_name,
                      civility=civility[row.civility],
                      outlet=row.outlets[0] if row.outlets else "", title=row.job_title or "",
                      emails=tuple(row.emails), phones=tuple(row.phones),
                      note=(row.notes or "") if with_note else "")
