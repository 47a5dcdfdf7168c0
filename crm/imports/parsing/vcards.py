"""Reading vCard files (2.1, 3.0, 4.0) into table rows. Pure: bytes in, a ``Table`` out.

Each card becomes one row with the canonical fields of ``crm.imports.parsing.columns`` as headers
(``first_name``, ``last_name``, ``civility``, ``full_name``, ``email``, ``phone``, ``mobile``,
``outlet``, ``role``, ``note``); several emails or phones are joined with ``"; "``. Outlook's
vCard 2.1 with ``CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE`` is decoded by vobject; the
``tel:`` prefix of vCard 4.0 URIs is removed. A card vobject cannot parse is reported with its
number (1 for the first card) and skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import vobject

from crm.imports.parsing.errors import UnsupportedFile, check_size
from crm.imports.parsing.readers import (
    MAX_BYTES,
    MAX_ROWS,
    Budget,
    RowProblem,
    Table,
    add_problem,
    clean_value,
)
from crm.imports.parsing.sniff import decode

HEADERS = ["first_name", "last_name", "civility", "full_name", "email", "phone", "mobile",
           "outlet", "role", "note"]


def read_vcards(data: bytes, *, encoding: str | None = None, max_bytes: int = MAX_BYTES,
                max_rows: int = MAX_ROWS) -> Table:
    """One row per card; refuses a file that holds no ``BEGIN:VCARD``."""
    check_size(data, max_bytes)
    text, used = decode(data, encoding)
    table = Table(headers=list(HEADERS), encoding=used)
    budget = Budget()
    number = 0
    for number, card in enumerate(split_cards(text), start=1):
        if len(table.rows) >= max_rows:
            add_problem(table.problems, RowProblem(number, f"more than {max_rows} cards"))
            break
        try:
            row = card_row(vobject.readOne(card))
        except Exception as exc:  # vobject raises many types on a damaged card
            add_problem(table.problems, RowProblem(number, f"unreadable vCard: {exc}"))
            continue
        budget.take(list(row.values()))
        table.rows.append(row)
    if not number:
        raise UnsupportedFile("the file holds no vCard")
    return table


def split_cards(text: str) -> Iterator[str]:
    """Each ``BEGIN:VCARD`` … ``END:VCARD`` run of lines, in one pass over the lines.

    A ``BEGIN`` inside an open card ends it unclosed (it is then reported as unreadable):
    vCards do not nest, and a file of ``BEGIN`` lines must not become one deep card. A card
    still open at the end of the file is dropped.
    """
    card: list[str] | None = None
    for line in StringIO(text.replace("\r\n", "\n"), newline="\n"):  # lazily, "\n" kept
        marker = line.rstrip().upper()
        if marker == "BEGIN:VCARD":
            if card is not None:
                yield "".join(card)
            card = [line]
        elif card is None:
            continue
        elif marker == "END:VCARD":
            card.append(line)
            yield "".join(card)
            card = None
        else:
            card.append(line)


def card_row(card: Any) -> dict[str, str]:
    """The canonical fields of one parsed card."""
    row = dict.fromkeys(HEADERS, "")
    row.update(_names(card))
    row["email"] = "; ".join(clean_value(e.value) for e in _all(card, "email"))
    phones = [(_tel(t.value), _types(t)) for t in _all(card, "tel")]
    row["mobile"] = "; ".join(p for p, types in phones if "CELL" in types)
    row["phone"] = "; ".join(p for p, types in phones if "CELL" not in types and "FAX" not in types)
    row["outlet"] = _text(_first(card, "org"))
    row["role"] = _text(_first(card, "title")) or _text(_first(card, "role"))
    row["note"] = _text(_first(card, "note"))
    return row


def _names(card: Any) -> dict[str, str]:
    name = _first(card, "n")
    names = {"full_name": _text(_first(card, "fn"))}
    if name is not None:
        names.update(first_name=_text(name.given), last_name=_text(name.family),
                     civility=_text(name.prefix))
    return names


def _all(card: Any, key: str) -> list[Any]:
    return list(card.contents.get(key, []))


def _first(card: Any, key: str) -> Any:
    found = _all(card, key)
    return found[0].value if found else None


def _text(value: Any) -> str:
    """vobject gives strings, lists of strings (ORG units, several given names) or None."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return " ".join(p for p in (_text(v) for v in value) if p)
    return clean_value(value)


def _tel(value: str) -> str:
    value = clean_value(value)
    return value[4:] if value.casefold().startswith("tel:") else value


def _types(prop: Any) -> set[str]:
    found = {str(t).upper() for t in getattr(prop, "singletonparams", [])}
    for value in prop.params.get("TYPE", []):
        found.update(part.strip().upper() for part in str(value).split(","))
    return found
