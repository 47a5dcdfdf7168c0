"""Builders of hostile import files for the adversarial tests: XLSX, DOCX and PDF by hand."""

from __future__ import annotations

import zipfile
import zlib
from io import BytesIO

SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
WORD_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
RELS_DEFAULT = ('<Default Extension="rels" '
                'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>')


def zip_bytes(parts: dict[str, str | bytes]) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def zip_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def xlsx_bytes(rows: str, shared: str = "", *, dimension: str = "A1",
               shared_name: str = "xl/sharedStrings.xml", styles: str | None = None) -> bytes:
    """A workbook of one sheet whose ``<sheetData>`` is ``rows``, with shared strings ``shared``
    (and the stylesheet ``styles``: the ``<cellXfs>`` content)."""
    extra = {} if styles is None else {
        "xl/styles.xml": f'<styleSheet xmlns="{SHEET_NS}"><cellXfs>{styles}</cellXfs></styleSheet>'}
    return zip_bytes(extra | {
        "[Content_Types].xml": (
            f'<Types xmlns="{TYPES_NS}">'
            + RELS_DEFAULT +
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{XLSX_TYPE}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{XLSX_TYPE}.worksheet+xml"/>'
            f'<Override PartName="/{shared_name}" ContentType="{XLSX_TYPE}.sharedStrings+xml"/>'
            "</Types>"),
        "_rels/.rels": (
            f'<Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" '
            f'Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f'<workbook xmlns="{SHEET_NS}" xmlns:r="{REL_NS}"><sheets>'
            '<sheet name="Contacts" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{PACKAGE_RELS}">'
            f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{REL_NS}/sharedStrings" '
            f'Target="/{shared_name}"/></Relationships>'),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{SHEET_NS}"><dimension ref="{dimension}"/>'
            f"<sheetData>{rows}</sheetData></worksheet>"),
        shared_name: f'<sst xmlns="{SHEET_NS}">{shared}</sst>',
    })


def xlsx_row(number: int, values: list[str]) -> str:
    cells = "".join(f'<c r="{_column(i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
                    for i, v in enumerate(values))
    return f'<row r="{number}">{cells}</row>'


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def docx_bytes(body: str) -> bytes:
    """A Word document whose ``<w:body>`` is ``body`` (paragraphs, tables)."""
    return zip_bytes({
        "[Content_Types].xml": (
            f'<Types xmlns="{TYPES_NS}">'
            + RELS_DEFAULT +
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'),
        "_rels/.rels": (
            f'<Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" '
            f'Type="{REL_NS}/officeDocument" Target="word/document.xml"/></Relationships>'),
        "word/document.xml": f'<w:document xmlns:w="{WORD_NS}"><w:body>{body}</w:body></w:document>',
    })


def paragraph(text: str) -> str:
    return f"<w:p><w:pPr><w:tabs><w:tab w:val='left' w:pos='720'/></w:tabs></w:pPr>" \
           f"<w:r><w:t>{text}</w:t></w:r></w:p>"


def pdf_bytes(contents: list[bytes], pages: list[list[int]], *, forms: tuple[bytes, ...] = (),
              compress: bool = False, to_unicode: bytes | None = None) -> bytes:
    """A PDF whose page i draws the content streams ``pages[i]`` (indexes into ``contents``).

    Every page's resources hold Helvetica as /F1 (with the ``/ToUnicode`` map ``to_unicode``)
    and each of ``forms`` as /Fm0, /Fm1…
    """
    first_content = 5
    first_form = first_content + len(contents)
    first_page = first_form + len(forms)
    page_refs = " ".join(f"{first_page + i} 0 R" for i in range(len(pages)))
    xobjects = " ".join(f"/Fm{i} {first_form + i} 0 R" for i in range(len(forms)))
    cmap = "" if to_unicode is None else f"/ToUnicode {first_page + len(pages)} 0 R "
    xobjects_ref = first_page + len(pages) + (to_unicode is not None)
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{page_refs}] /Count {len(pages)} >>".encode(),
        f"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica {cmap}>>".encode(),
        f"<< /Font << /F1 3 0 R >> /XObject {xobjects_ref} 0 R >>".encode(),
    ]
    for data in contents:
        objects.append(_stream(data, b"", compress))
    for data in forms:
        objects.append(_stream(data, b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] "
                                     b"/Resources 4 0 R ", compress))
    for drawn in pages:
        refs = " ".join(f"{first_content + i} 0 R" for i in drawn)
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents [{refs}] "
                       f"/Resources 4 0 R >>".encode())
    if to_unicode is not None:
        objects.append(_stream(to_unicode, b"", compress))
    objects.append(f"<< {xobjects} >>".encode())  # indirect, as most writers make it
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer << /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    return out + f"startxref\n{xref}\n%%EOF\n".encode()


def _stream(data: bytes, extra: bytes, compress: bool) -> bytes:
    if compress:
        data, extra = zlib.compress(data, 9), extra + b"/Filter /FlateDecode "
    return b"<< " + extra + f"/Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


def to_unicode_map(entries: int) -> bytes:
    """A ``/ToUnicode`` CMap of ``entries`` one-byte mappings."""
    body = b"".join(b"1 beginbfchar <%02X> <%04X> endbfchar\n" % (i % 256, 65 + i % 26)
                    for i in range(entries))
    return (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def\n"
            b"1 begincodespacerange <00> <FF> endcodespacerange\n" + body
            + b"endcmap CMapName currentdict /CMap defineresource pop end end")


def text_content(lines: int, text: str = "Aline POIRIER - apoirier@aer-bfc.com") -> bytes:
    """A content stream showing ``lines`` lines of text."""
    return b"BT /F1 11 Tf 50 750 Td 14 TL " + f"({text}) Tj T* ".encode() * lines + b"ET"
