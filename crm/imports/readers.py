"""Reading uploaded tables (CSV, XLSX) into rows. Pure functions: bytes in, a ``Table`` out.

Every reader takes a size limit and raises a subtype of ``ImportRefused`` when the file as a
whole cannot be read (too large, zip bomb, wrong content); a bad *row* never stops the import:
it is left out of ``rows`` and reported in ``problems`` with its row number (the header is row
1, as a spreadsheet shows it) and the reason. Values are strings, trimmed; the ``'`` that
spreadsheet exports put before ``+``, ``=``, ``-`` or ``@`` to defuse formulas is removed.
"""

from __future__ import annotations

import csv
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO, StringIO

import openpyxl

from crm.imports.errors import UnreadableFile, check_size
from crm.imports.sniff import check_zip, decode, sniff_delimiter

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
XLSX_MAX_MEMBERS = 200
XLSX_MAX_UNCOMPRESSED = 200 * 1024 * 1024
_DEFUSED_PREFIXES = ("'+", "'=", "'-", "'@")


@dataclass(frozen=True)
class RowProblem:
    row: int
    reason: str


@dataclass
class Table:
    """Rows keyed by header, the rows that could not be read, and how the file was read."""

    headers: list[str]
    rows: list[dict[str, str]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None


def clean_value(value: object) -> str:
    """A cell as trimmed text, without the formula-defusing quote of exports."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = value.isoformat()
    text = str(value).strip()
    return text[1:] if text.startswith(_DEFUSED_PREFIXES) else text


def unique_headers(raw: list[object]) -> list[str]:
    """Trimmed header names; blank ones named "column N", repeated ones numbered."""
    headers: list[str] = []
    for index, value in enumerate(raw, start=1):
        name = clean_value(value).lstrip("\ufeff") or f"column {index}"
        candidate, suffix = name, 2
        while candidate in headers:
            candidate, suffix = f"{name} ({suffix})", suffix + 1
        headers.append(candidate)
    return headers


def build_table(records: list[tuple[int, list[object]]], max_rows: int = MAX_ROWS) -> Table:
    """A table from numbered raw rows: the first non-empty row gives the headers."""
    records = [(n, r) for n, r in records if any(clean_value(v) for v in r)]
    if not records:
        return Table(headers=[])
    header = list(records[0][1])
    while header and not clean_value(header[-1]):
        header.pop()
    table = Table(headers=unique_headers(header))
    width = len(table.headers)
    for number, raw in records[1:]:
        values = [clean_value(v) for v in raw]
        while len(values) > width and not values[-1]:
            values.pop()
        if len(values) > width:
            table.problems.append(RowProblem(number, f"{len(values)} values for {width} columns"))
        elif len(table.rows) >= max_rows:
            table.problems.append(RowProblem(number, f"more than {max_rows} rows"))
            break
        else:
            table.rows.append(dict(zip(table.headers, values + [""] * (width - len(values)),
                                       strict=True)))
    return table


def read_csv(data: bytes, *, encoding: str | None = None, delimiter: str | None = None,
             max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS) -> Table:
    """Rows of a CSV file; encoding and delimiter guessed unless given."""
    check_size(data, max_bytes)
    text, used = decode(data, encoding)
    delimiter = delimiter or sniff_delimiter(text)
    records, problems = _csv_records(text.replace("\x00", ""), delimiter)
    table = build_table(records, max_rows)
    table.problems[:0] = problems
    table.encoding, table.delimiter = used, delimiter
    return table


def _csv_records(text: str, delimiter: str) -> tuple[list[tuple[int, list[object]]],
                                                     list[RowProblem]]:
    reader = csv.reader(StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[tuple[int, list[object]]] = []
    problems: list[RowProblem] = []
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(RowProblem(reader.line_num, f"unreadable line: {exc}"))
            continue
        records.append((reader.line_num, list(row)))
    return records, problems


def read_xlsx(data: bytes, *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS,
              max_members: int = XLSX_MAX_MEMBERS,
              max_uncompressed: int = XLSX_MAX_UNCOMPRESSED) -> Table:
    """Rows of the first worksheet; the zip is checked before openpyxl opens it."""
    check_size(data, max_bytes)
    check_zip(data, max_members=max_members, max_uncompressed=max_uncompressed)
    try:
        with warnings.catch_warnings():
            # Files from other tools lack openpyxl's default style; harmless when reading.
            warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
            workbook = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types on a damaged workbook
        raise UnreadableFile("the workbook cannot be opened") from exc
    try:
        sheet = workbook.worksheets[0]
        records = [(n, list(row)) for n, row in
                   enumerate(sheet.iter_rows(values_only=True, max_row=max_rows + 50), 1)]
    finally:
        workbook.close()
    return build_table(records, max_rows)
