"""Reading uploaded tables (CSV, XLSX) into rows. Pure functions: bytes in, a ``Table`` out.

Every reader takes a size limit and raises a subtype of ``ImportRefused`` when the file as a
whole cannot be read (too large, zip bomb, wrong content); a bad *row* never stops the import:
it is left out of ``rows`` and reported in ``problems`` with its row number (the header is row
1, as a spreadsheet shows it) and the reason. Values are strings, trimmed; the ``'`` that
spreadsheet exports put before ``+``, ``=``, ``-``, ``@``, a tab or a line break to defuse
formulas is removed (``crm.exports.writers.neutralise``, which Relais' exports use).
"""

from __future__ import annotations

import csv
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO, StringIO
from xml.parsers import expat

import openpyxl

from crm.exports.writers.neutralise import undo_neutralisation
from crm.imports.parsing.errors import ImportRefused, TooMuchContent, UnreadableFile, check_size
from crm.imports.parsing.sniff import check_zip, decode, sniff_delimiter

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
# What a table may hold once read: each kept cell costs ~100 bytes, each character 1 to 4.
MAX_COLUMNS = 1_000
MAX_CELLS = 500_000
MAX_CHARS = 20_000_000
MAX_PROBLEMS = 1_000
XLSX_MAX_MEMBERS = 200
# openpyxl reads every part whole except the worksheets, which it streams: ~10 bytes of memory
# per byte of shared strings, so each whole part is capped on its own, the total less tightly.
XLSX_MAX_UNCOMPRESSED = 24 * 1024 * 1024
XLSX_MAX_PART = 8 * 1024 * 1024
# Parts openpyxl turns into many objects (~700 bytes, 10 to 15 µs each: cell formats, defined
# names, relationships) are held tighter: the stylesheet (read at this fixed name), the
# content types, the workbook part and the relationship parts.
XLSX_MEMBER_LIMITS = dict.fromkeys([
    "xl/styles.xml", "[Content_Types].xml", "_rels/.rels", ".rels",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml"], 2 * 1024 * 1024)
XLSX_STREAMED_PARTS = frozenset({
    "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"})


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
    return undo_neutralisation(text)


def unique_headers(raw: Sequence[object]) -> list[str]:
    """Trimmed header names; blank ones named "column N", repeated ones numbered."""
    headers: list[str] = []
    taken: set[str] = set()
    next_suffix: dict[str, int] = {}
    for index, value in enumerate(raw, start=1):
        name = clean_value(value).lstrip("\ufeff") or f"column {index}"
        candidate, suffix = name, next_suffix.get(name, 2)
        while candidate in taken:
            candidate, suffix = f"{name} ({suffix})", suffix + 1
        next_suffix[name] = suffix
        taken.add(candidate)
        headers.append(candidate)
    return headers


@dataclass
class Budget:
    """Counts what a reader has read and refuses the file past the limits."""

    max_cells: int = MAX_CELLS
    max_chars: int = MAX_CHARS
    cells: int = 0
    chars: int = 0

    def take(self, values: Sequence[str]) -> None:
        self.cells += len(values)
        self.chars += sum(map(len, values))
        if self.cells > self.max_cells:
            raise TooMuchContent(f"more than {self.max_cells:,} cells")
        if self.chars > self.max_chars:
            raise TooMuchContent(f"more than {self.max_chars:,} characters")


def add_problem(problems: list[RowProblem], problem: RowProblem) -> None:
    """Report a row; a file with too many bad rows is refused rather than listed."""
    if len(problems) >= MAX_PROBLEMS:
        raise UnreadableFile(f"more than {MAX_PROBLEMS} rows cannot be read")
    problems.append(problem)


def build_table(records: Iterable[tuple[int, Sequence[object]]], max_rows: int = MAX_ROWS,
                budget: Budget | None = None) -> Table:
    """A table from numbered raw rows: the first non-empty row gives the headers.

    The rows are consumed one at a time, so a reader may pass a generator: the cells and
    characters read are counted as they come and the file is refused past the limits.
    """
    budget = budget or Budget()
    table: Table | None = None
    width = 0
    for number, raw in records:
        values = [clean_value(v) for v in raw]
        budget.take(values)
        if not any(values):
            continue
        if table is None:
            table = Table(headers=_header(raw, values))
            width = len(table.headers)
            continue
        while len(values) > width and not values[-1]:
            values.pop()
        if len(values) > width:
            add_problem(table.problems, RowProblem(number, f"{len(values)} values for {width} columns"))
        elif len(table.rows) >= max_rows:
            add_problem(table.problems, RowProblem(number, f"more than {max_rows} rows"))
            break
        else:
            table.rows.append(dict(zip(table.headers, values + [""] * (width - len(values)),
                                       strict=True)))
    return table or Table(headers=[])


def _header(raw: Sequence[object], values: list[str]) -> list[str]:
    width = len(values)
    while width and not values[width - 1]:
        width -= 1
    if width > MAX_COLUMNS:
        raise TooMuchContent(f"{width:,} columns, at most {MAX_COLUMNS:,}")
    return unique_headers(raw[:width])


def read_csv(data: bytes, *, encoding: str | None = None, delimiter: str | None = None,
             max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS) -> Table:
    """Rows of a CSV file; encoding and delimiter guessed unless given."""
    check_size(data, max_bytes)
    text, used = decode(data, encoding)
    delimiter = delimiter or sniff_delimiter(text)
    problems: list[RowProblem] = []
    table = build_table(_csv_records(text.replace("\x00", ""), delimiter, problems), max_rows)
    for problem in table.problems:
        add_problem(problems, problem)
    table.problems = problems
    table.encoding, table.delimiter = used, delimiter
    return table


def _csv_records(text: str, delimiter: str,
                 problems: list[RowProblem]) -> Iterator[tuple[int, list[object]]]:
    """Numbered rows, one at a time; an unreadable line is reported in ``problems``."""
    reader = csv.reader(StringIO(text, newline=""), delimiter=delimiter, strict=True)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            add_problem(problems, RowProblem(reader.line_num, f"unreadable line: {exc}"))
            continue
        yield reader.line_num, list(row)


def count_cells(archive: zipfile.ZipFile, path: str, max_cells: int) -> None:
    """Refuse a worksheet of more than ``max_cells`` cells, counted by expat before openpyxl.

    openpyxl parses, then skips without yielding, a row whose number repeats an earlier one, so
    the cells of such rows would escape the budget of ``build_table``; expat counts each ``c``
    element for a fraction of openpyxl's cost. A DTD (never in OOXML) is refused.
    """
    try:
        info = archive.getinfo(path.lstrip("/"))
    except KeyError:
        return  # openpyxl found no such part either
    cells = 0

    def start(name: str, _attributes: object) -> None:
        nonlocal cells
        if name.rpartition(" ")[2] == "c":
            cells += 1
            if cells > max_cells:
                raise TooMuchContent(f"more than {max_cells:,} cells")

    def no_dtd(*_: object) -> None:
        raise UnreadableFile("a worksheet with a DTD")

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = no_dtd
    parser.EntityDeclHandler = no_dtd
    try:
        with archive.open(info) as stream:
            parser.ParseFile(stream)
    except (expat.ExpatError, zipfile.BadZipFile, OSError) as exc:
        raise UnreadableFile("the worksheet cannot be read") from exc


def read_xlsx(data: bytes, *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS,
              max_members: int = XLSX_MAX_MEMBERS,
              max_uncompressed: int = XLSX_MAX_UNCOMPRESSED,
              max_part: int = XLSX_MAX_PART) -> Table:
    """Rows of the first worksheet; the zip is checked before openpyxl opens it."""
    check_size(data, max_bytes)
    archive = check_zip(data, max_members=max_members, max_uncompressed=max_uncompressed,
                        max_part=max_part, streamed=XLSX_STREAMED_PARTS,
                        member_limits=XLSX_MEMBER_LIMITS)
    try:
        with warnings.catch_warnings():
            # Files from other tools lack openpyxl's default style; harmless when reading.
            warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
            workbook = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=True,
                                              keep_links=False)
    except Exception as exc:  # openpyxl raises many types on a damaged workbook
        raise UnreadableFile("the workbook cannot be opened") from exc
    try:
        sheet = workbook.worksheets[0]
        count_cells(archive, getattr(sheet, "_worksheet_path", ""), MAX_CELLS)
        # The declared dimensions would pad every row to them (A1:XFD1048576 in a few bytes).
        sheet.reset_dimensions()
        rows = sheet.iter_rows(values_only=True, max_row=max_rows + 50)
        return build_table(enumerate(rows, 1), max_rows)
    except ImportRefused:
        raise
    except Exception as exc:  # a damaged worksheet fails while it is streamed
        raise UnreadableFile("the worksheet cannot be read") from exc
    finally:
        workbook.close()
