"""XLSX (SpreadsheetML) streamed into a zip: every value a text cell, never a formula.

The worksheet is written row by row straight into its zip member, so memory does not grow
with the number of rows: strings are inline (no shared-string table held until the end) and
the workbook part, which names the autofilter's range, is written last. The header row is
bold and frozen, an autofilter covers the table and each column has a width. Every body cell
has the "Text" number format (``@``): a spreadsheet keeps it as text even when it is edited;
a value starting with a formula trigger is also marked "quote prefix", and one that already
looks defused gets one more apostrophe, which Relais' importer removes again.

openpyxl's write-only mode writes the same cells at about 4 µs each (one object per cell,
then an XML element), 40 s for 100,000 contacts of ten columns: here a row is one string
(``bench/exports.py`` measures both). Files are read back by openpyxl in the tests.
Characters XML 1.0 cannot hold (control characters other than tab, CR and LF, U+FFFE,
U+FFFF) are dropped; CR is written as ``&#13;`` so that it survives; a value is cut at
Excel's 32,767 characters.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from typing import IO
from xml.sax.saxutils import quoteattr

from crm.exports.writers.neutralise import TRIGGERS, looks_defused

MAX_CELL_CHARS = 32_767
MIN_WIDTH, MAX_WIDTH = 10, 60
CHUNK_ROWS = 1_000
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_HEADER_STYLE, _TEXT_STYLE, _QUOTED_STYLE = 1, 2, 3
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"

CONTENT_TYPES = (
    f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/></Types>')
PACKAGE_RELS = (
    f'{_XML}<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
    f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK_RELS = (
    f'{_XML}<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/></Relationships>')
STYLES = (
    f'{_XML}<styleSheet xmlns="{_MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyNumberFormat="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" quotePrefix="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>')


def column_letter(index: int) -> str:
    """The letters of the 0-based column ``index`` (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def cell_text(value: str) -> str:
    """``value`` as a worksheet can hold it (see the module's docstring), not yet escaped."""
    if _ILLEGAL.search(value):
        value = _ILLEGAL.sub("", value)
    if looks_defused(value):
        value = "'" + value
    return value[:MAX_CELL_CHARS]


def column_widths(header: Sequence[str], sample: Sequence[Sequence[str]] = ()) -> list[float]:
    """A width per column from the header and a few rows, within sensible bounds."""
    widths = []
    for index, title in enumerate(header):
        longest = max([len(title), *(len(row[index]) for row in sample if index < len(row))])
        widths.append(float(min(MAX_WIDTH, max(MIN_WIDTH, longest + 2))))
    return widths


def write_xlsx(target: str | IO[bytes], header: Sequence[str], rows: Iterable[Sequence[str]], *,
               sheet_title: str = "Export", widths: Sequence[float] | None = None) -> int:
    """Write the workbook to ``target`` (a path or a binary file); the number of rows written."""
    title = _sheet_title(sheet_title)
    columns = [column_letter(i) for i in range(max(len(header), 1))]
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", STYLES)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(_sheet_top(widths or column_widths(header), columns).encode("utf-8"))
            part.write(_row(1, header, columns, _HEADER_STYLE).encode("utf-8"))
            count = _write_body(part, rows, columns)
            last = f"{columns[-1]}{count + 1}"
            part.write(f'</sheetData><autoFilter ref="A1:{last}"/></worksheet>'.encode())
        archive.writestr("xl/workbook.xml", _workbook(title, f"$A$1:${columns[-1]}${count + 1}"))
    return count


def _write_body(part: IO[bytes], rows: Iterable[Sequence[str]], columns: list[str]) -> int:
    count, pending = 0, []
    for count, row in enumerate(rows, start=1):
        pending.append(_row(count + 1, row, columns, _TEXT_STYLE))
        if len(pending) == CHUNK_ROWS:
            part.write("".join(pending).encode("utf-8"))
            pending.clear()
    part.write("".join(pending).encode("utf-8"))
    return count


def _row(number: int, values: Sequence[str], columns: list[str], style: int) -> str:
    cells = []
    for letter, value in zip(columns, values, strict=False):
        text = cell_text(value)
        if not text:
            continue
        if "&" in text or "<" in text or ">" in text or "\r" in text:
            text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
        used = _QUOTED_STYLE if style == _TEXT_STYLE and text[:1] in TRIGGERS else style
        cells.append(f'<c r="{letter}{number}" s="{used}" t="inlineStr"><is>'
                     f'<t xml:space="preserve">{text}</t></is></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


def _sheet_top(widths: Sequence[float], columns: list[str]) -> str:
    cols = "".join(f'<col min="{i}" max="{i}" width="{w:.1f}" customWidth="1"/>'
                   for i, w in enumerate(widths[: len(columns)], start=1))
    return (f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><sheetViews>'
            '<sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
            'state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView>'
            f'</sheetViews><sheetFormatPr defaultRowHeight="15"/>{f"<cols>{cols}</cols>" if cols else ""}'
            '<sheetData>')


def _workbook(title: str, cells: str) -> str:
    quoted = "'" + title.replace("'", "''") + "'"
    return (f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/></bookViews>'
            f'<sheets><sheet name={quoteattr(title)} sheetId="1" r:id="rId1"/></sheets>'
            '<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
            f'{_escape(quoted)}!{cells}</definedName></definedNames></workbook>')


def _sheet_title(title: str) -> str:
    """A valid sheet name: at most 31 characters, none of ``[]:*?/\\``."""
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", _ILLEGAL.sub("", title)).strip().strip("'")
    return cleaned[:31].strip() or "Export"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
