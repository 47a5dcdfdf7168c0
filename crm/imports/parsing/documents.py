"""Text of pasted or uploaded press releases (.txt, .docx, text-layer .pdf), for the block
parser. Pure: bytes in, text out.

The kind comes from the file name's extension and is checked against the content's magic
bytes (``PK\\x03\\x04`` for DOCX, ``%PDF-`` for PDF). A scanned PDF without a text layer gives
an empty text, not an error.

Both formats are read within limits, so a small file cannot take the process's memory or
time: a DOCX is checked like any zip, then only its main part is read, streamed (the text of
its paragraphs, then of its table cells), counting elements and characters; a PDF is read
page by page, each distinct content stream once, counting pages, decoded bytes, operators
and characters. Past a limit the file is refused (``TooMuchContent``, ``UnsafeArchive``).
"""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from pathlib import PurePath
from typing import IO, Any

import pypdf
from defusedxml import DefusedXmlException, ElementTree

from crm.imports.parsing.errors import (
    ImportRefused,
    TooMuchContent,
    UnreadableFile,
    UnsafeArchive,
    UnsupportedFile,
    check_size,
)
from crm.imports.parsing.readers import MAX_BYTES
from crm.imports.parsing.sniff import check_zip, decode

PDF_MAGIC = b"%PDF-"
MAX_TEXT_CHARS = 2_000_000
DOCX_MAX_MEMBERS = 200
DOCX_MAX_UNCOMPRESSED = 24 * 1024 * 1024  # images included (never read), as for XLSX
DOCX_MAX_PART = 16 * 1024 * 1024  # the main part, streamed
DOCX_MAX_RELATIONSHIPS = 1024 * 1024  # the package relationships, read whole to find it
DOCX_MAX_ELEMENTS = 200_000
MAX_PDF_PAGES = 200
PDF_MAX_STREAM_BYTES = 4 * 1024 * 1024  # one decoded stream
# All that is parsed: distinct page contents, forms and fonts at each use. pypdf parses a content
# stream at 0.5 to 3 s per MiB (dense drawing operators are the slowest).
PDF_MAX_DECODED = 4 * 1024 * 1024
PDF_FONT_COST = 1024  # what a font costs pypdf each time a page or form uses it, besides its map
PDF_MAX_OPERATIONS = 1_000_000
PDF_MAX_PAGE_CHARS = 100_000  # pypdf builds a page's text by concatenation: quadratic in it
PDF_MAX_FORMS = 100  # form XObjects drawn per page
_PDF_LIMITS: dict[str, Any] = {
    "zlib_maximum_output_length": PDF_MAX_STREAM_BYTES,
    "lzw_maximum_output_length": PDF_MAX_STREAM_BYTES,
    "run_length_maximum_output_length": PDF_MAX_STREAM_BYTES,
    "brotli_maximum_output_length": PDF_MAX_STREAM_BYTES,
    "array_based_stream_maximum_output_length": PDF_MAX_STREAM_BYTES,
    "maximum_declared_stream_length": PDF_MAX_STREAM_BYTES,
    "xform_maximum_invocations_per_extraction": PDF_MAX_FORMS,
}
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_RUN_TEXT = {f"{W}tab": "\t", f"{W}ptab": "\t", f"{W}br": "\n", f"{W}cr": "\n",
             f"{W}noBreakHyphen": "-"}


def read_text(data: bytes, filename: str, *, max_bytes: int = MAX_BYTES) -> str:
    """The text of a .txt, .docx or .pdf file, paragraphs separated by line breaks."""
    check_size(data, max_bytes)
    suffix = PurePath(filename).suffix.casefold()
    if suffix in {".txt", ".text", ""}:
        text = decode(data)[0]
        if len(text) > MAX_TEXT_CHARS:
            raise TooMuchContent(f"{len(text):,} characters of text, at most {MAX_TEXT_CHARS:,}")
        return text
    if suffix == ".docx":
        return docx_text(data)
    if suffix == ".pdf":
        return pdf_text(data)
    raise UnsupportedFile(f"cannot read text from a {suffix} file")


class TextBudget:
    """Counts characters kept and units of work done; refuses the file past the limits."""

    def __init__(self, max_chars: int, max_work: int, what: str) -> None:
        self.max_chars, self.max_work, self.what = max_chars, max_work, what
        self.chars = self.work = 0

    def text(self, count: int) -> None:
        self.chars += count
        if self.chars > self.max_chars:
            raise TooMuchContent(f"more than {self.max_chars:,} characters of text")

    def step(self, count: int = 1) -> None:
        self.work += count
        if self.work > self.max_work:
            raise TooMuchContent(f"more than {self.max_work:,} {self.what}")


def docx_text(data: bytes) -> str:
    """Paragraphs, then table cells, of a Word document's main part."""
    archive = check_zip(data, max_members=DOCX_MAX_MEMBERS, max_uncompressed=DOCX_MAX_UNCOMPRESSED)
    try:
        info = archive.getinfo(_main_part(archive))
    except KeyError as exc:
        raise UnreadableFile("the Word document has no main part") from exc
    if info.file_size > DOCX_MAX_PART:
        raise UnsafeArchive(f"{info.filename} expands to {info.file_size:,} bytes, "
                            f"at most {DOCX_MAX_PART:,}")
    try:
        with archive.open(info) as stream:
            return _document_text(stream)
    except ImportRefused:
        raise
    except (ElementTree.ParseError, DefusedXmlException, OSError, ValueError) as exc:
        raise UnreadableFile("the Word document cannot be read") from exc


def _main_part(archive: Any) -> str:
    """The member the package relationships name as the document (``word/document.xml``)."""
    try:
        info = archive.getinfo("_rels/.rels")
    except KeyError:
        return "word/document.xml"
    if info.file_size > DOCX_MAX_RELATIONSHIPS:
        raise UnsafeArchive(f"_rels/.rels expands to {info.file_size:,} bytes, "
                            f"at most {DOCX_MAX_RELATIONSHIPS:,}")
    try:
        root = ElementTree.fromstring(archive.read(info))
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise UnreadableFile("the Word document's relationships cannot be read") from exc
    for relation in root.iter(_RELS):
        if relation.get("Type", "").endswith("/officeDocument"):
            return relation.get("Target", "").lstrip("/")
    return "word/document.xml"


def _document_text(stream: IO[bytes]) -> str:
    """Stream the WordprocessingML: each ``w:p`` is a line; a table cell's lines form one entry.

    Elements are dropped from their parent once read, so memory holds the open path only.
    """
    budget = TextBudget(MAX_TEXT_CHARS, DOCX_MAX_ELEMENTS, "XML elements")
    lines: list[str] = []
    cells: list[str] = []
    open_elements: list[Any] = []
    paragraphs: list[list[str]] = []
    open_cells: list[list[str]] = []
    for event, element in ElementTree.iterparse(stream, events=("start", "end")):
        tag = element.tag
        if event == "start":
            budget.step()
            open_elements.append(element)
            if tag == f"{W}p":
                paragraphs.append([])
            elif tag == f"{W}tc":
                open_cells.append([])
            continue
        open_elements.pop()
        parent = open_elements[-1] if open_elements else None
        if parent is not None:
            parent.remove(element)
        in_run = parent is not None and parent.tag == f"{W}r"
        piece = (element.text if tag == f"{W}t" else _RUN_TEXT.get(tag)) if in_run else None
        if piece and paragraphs:
            budget.text(len(piece))
            paragraphs[-1].append(piece)
        elif tag == f"{W}p":
            (open_cells[-1] if open_cells else lines).append("".join(paragraphs.pop()))
        elif tag == f"{W}tc":
            text = "\n".join(open_cells.pop())
            (open_cells[-1] if open_cells else cells).append(text)
    return "\n".join(lines + cells)


def pdf_text(data: bytes) -> str:
    """The text layer of a PDF, each distinct page content read once."""
    if not data.startswith(PDF_MAGIC):
        raise UnsupportedFile("the file is not a PDF")
    try:
        with pypdf.apply_configuration(**_PDF_LIMITS):
            return "\n".join(_pdf_pages(pypdf.PdfReader(BytesIO(data))))
    except pypdf.errors.LimitReachedError as exc:
        raise TooMuchContent("the PDF expands beyond the limits") from exc
    except pypdf.errors.PyPdfError as exc:
        raise UnreadableFile("the PDF cannot be read") from exc


def _pdf_pages(reader: pypdf.PdfReader) -> Iterator[str]:
    if len(reader.pages) > MAX_PDF_PAGES:
        raise TooMuchContent(f"{len(reader.pages)} pages, at most {MAX_PDF_PAGES}")
    decoded = TextBudget(MAX_TEXT_CHARS, PDF_MAX_DECODED, "decoded bytes")
    operations = TextBudget(MAX_TEXT_CHARS, PDF_MAX_OPERATIONS, "drawing operations")
    font_costs: dict[int, int] = {}
    forms = _form_sizes(reader, decoded, font_costs)
    seen: set[object] = set()

    page_chars = TextBudget(PDF_MAX_PAGE_CHARS, 0, "")

    def visit(operator: bytes, operands: list[Any], *_: Any) -> None:
        operations.step()
        page_chars.text(0)
        if operator == b"Do" and operands:
            decoded.step(forms.get(str(operands[0]), 0))

    def shown(text: str, *_: Any) -> None:
        page_chars.text(len(text))

    for page in reader.pages:
        key, refs = _contents(page)
        if key in seen:
            continue
        seen.add(key)
        decoded.step(sum(_decoded_size(r) for r in refs)
                     + _font_costs(page.get("/Resources"), font_costs))
        page_chars.chars = 0
        text = page.extract_text(visitor_operand_before=visit, visitor_text=shown) or ""
        # A limit crossed inside a form XObject (pypdf logs and skips what fails there) is
        # caught here, once the page is done.
        operations.step(0)
        decoded.step(0)
        page_chars.text(0)
        decoded.text(len(text))
        yield text


def _contents(page: Any) -> tuple[object, list[Any]]:
    """A key naming the page's content streams, and the streams (a repeated one repeats)."""
    if "/Contents" not in page:
        return None, []
    raw = page.raw_get("/Contents")
    refs = list(raw.get_object()) if isinstance(raw.get_object(), pypdf.generic.ArrayObject) else [raw]
    key = tuple((r.idnum, r.generation) if isinstance(r, pypdf.generic.IndirectObject) else id(r)
                for r in refs)
    return key, refs


def _decoded_size(obj: Any) -> int:
    stream = obj.get_object()
    return len(stream.get_data()) if isinstance(stream, pypdf.generic.StreamObject) else 0


def _font_costs(resources: Any, costs: dict[int, int]) -> int:
    """What the fonts of ``resources`` cost to set up: pypdf builds each font, and parses its
    ``/ToUnicode`` map, anew for every page or form it extracts text from."""
    resources = resources.get_object() if resources is not None else None
    fonts = resources.get("/Font") if isinstance(resources, pypdf.generic.DictionaryObject) else None
    fonts = fonts.get_object() if fonts is not None else None
    if not isinstance(fonts, pypdf.generic.DictionaryObject):
        return 0
    total = 0
    for ref in fonts.values():
        font = ref.get_object()
        if id(font) not in costs:
            cmap = font.get("/ToUnicode") if isinstance(font, pypdf.generic.DictionaryObject) else None
            costs[id(font)] = PDF_FONT_COST + (_decoded_size(cmap) if cmap is not None else 0)
        total += costs[id(font)]
    return total


def _form_sizes(reader: pypdf.PdfReader, decoded: TextBudget,
                font_costs: dict[int, int]) -> dict[str, int]:
    """Largest cost (decoded size and fonts) of the form XObjects known under each name,
    anywhere in the file.

    A ``Do`` is charged that cost: an upper bound of what pypdf parses for it, whichever
    resources the name resolves in.
    """
    sizes: dict[str, int] = {}
    seen: set[int] = set()
    pending = [page.get("/Resources") for page in reader.pages]
    while pending:
        resources = pending.pop()
        resources = resources.get_object() if resources is not None else None
        if not isinstance(resources, pypdf.generic.DictionaryObject) or id(resources) in seen:
            continue
        seen.add(id(resources))
        xobjects = resources.get("/XObject")
        xobjects = xobjects.get_object() if xobjects is not None else None
        if not isinstance(xobjects, pypdf.generic.DictionaryObject):
            continue
        for name, ref in xobjects.items():
            form = ref.get_object()
            if not isinstance(form, pypdf.generic.StreamObject) or form.get("/Subtype") != "/Form" \
                    or id(form) in seen:
                continue
            seen.add(id(form))
            size = len(form.get_data()) + _font_costs(form.get("/Resources"), font_costs)
            decoded.step(size)
            sizes[str(name)] = max(sizes.get(str(name), 0), size)
            pending.append(form.get("/Resources"))
    return sizes
