"""Text of pasted or uploaded press releases (.txt, .docx, text-layer .pdf), for the block
parser. Pure: bytes in, text out.

The kind comes from the file name's extension and is checked against the content's magic
bytes (``PK\\x03\\x04`` for DOCX, ``%PDF-`` for PDF); a DOCX is checked like any zip before
python-docx opens it. A scanned PDF without a text layer gives an empty text, not an error.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import PurePath

import docx
import pypdf

from crm.imports.errors import UnreadableFile, UnsupportedFile, check_size
from crm.imports.readers import MAX_BYTES, XLSX_MAX_MEMBERS, XLSX_MAX_UNCOMPRESSED
from crm.imports.sniff import check_zip, decode

MAX_PDF_PAGES = 200
PDF_MAGIC = b"%PDF-"


def read_text(data: bytes, filename: str, *, max_bytes: int = MAX_BYTES) -> str:
    """The text of a .txt, .docx or .pdf file, paragraphs separated by line breaks."""
    check_size(data, max_bytes)
    suffix = PurePath(filename).suffix.casefold()
    if suffix in {".txt", ".text", ""}:
        return decode(data)[0]
    if suffix == ".docx":
        return docx_text(data)
    if suffix == ".pdf":
        return pdf_text(data)
    raise UnsupportedFile(f"cannot read text from a {suffix} file")


def docx_text(data: bytes) -> str:
    """Paragraphs, then table cells, of a Word document."""
    check_zip(data, max_members=XLSX_MAX_MEMBERS, max_uncompressed=XLSX_MAX_UNCOMPRESSED)
    try:
        document = docx.Document(BytesIO(data))
    except Exception as exc:  # python-docx raises several types on a damaged file
        raise UnreadableFile("the Word document cannot be opened") from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(lines)


def pdf_text(data: bytes) -> str:
    """The text layer of the first pages of a PDF."""
    if not data.startswith(PDF_MAGIC):
        raise UnsupportedFile("the file is not a PDF")
    try:
        reader = pypdf.PdfReader(BytesIO(data))
        pages = reader.pages[:MAX_PDF_PAGES]
        return "\n".join(page.extract_text() or "" for page in pages)
    except pypdf.errors.PyPdfError as exc:
        raise UnreadableFile("the PDF cannot be read") from exc
