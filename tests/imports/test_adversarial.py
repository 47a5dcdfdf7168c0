"""Hostile inputs for every import reader: time must grow linearly, memory must stay bounded.

Each timing test builds an input of size n and 8n and compares the best of three timings: a
linear reader takes about 8 times as long, a quadratic one 64 times; more than 10 times fails.
Each limit test feeds a small file that would expand past what a reader may hold and checks
that it is refused quickly, with little memory traced, before it is expanded.
"""

from __future__ import annotations

import contextlib
import gc
import time
import tracemalloc
from collections.abc import Callable

import pytest

from crm.imports.parsing import documents, readers, vcards
from crm.imports.parsing.blocks import extract_blocks
from crm.imports.parsing.columns import guess_field
from crm.imports.parsing.documents import docx_text, pdf_text, read_text
from crm.imports.parsing.errors import TooMuchContent, UnreadableFile, UnsafeArchive
from crm.imports.parsing.people import find_emails, read_line
from crm.imports.parsing.readers import read_csv, read_xlsx, unique_headers
from crm.imports.parsing.records import build_record
from crm.imports.parsing.sniff import sniff_delimiter
from crm.imports.parsing.vcards import read_vcards, split_cards
from tests.imports.adversarial import (
    PACKAGE_RELS,
    REL_NS,
    SHEET_NS,
    docx_bytes,
    paragraph,
    pdf_bytes,
    text_content,
    to_unicode_map,
    xlsx_bytes,
    xlsx_row,
    zip_bytes,
    zip_parts,
)
from tests.imports.test_flow import batch_id, upload

# Linear is 8x at 8n and quadratic 64x; 16 sits between them with room for a shared machine's
# noise (readers measured 10-13x at 8n in a full suite run, a different few each run).
MAX_GROWTH = 16
MiB = 1024 * 1024


def timed(read: Callable[[object], object], data: object) -> tuple[float, float]:
    """(wall-clock, CPU) seconds of one read; a refusal past a limit counts as an end."""
    gc.disable()  # a collection landing in one run only would blur the comparison
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        with contextlib.suppress(TooMuchContent):
            read(data)
        return time.perf_counter() - wall, time.process_time() - cpu
    finally:
        gc.enable()


def assert_linear(read: Callable[[object], object], build: Callable[[int], object], n: int) -> None:
    """Best of three timings at n and at 8n, taken in turns: a linear reader takes about 8
    times as long at 8n, a quadratic one 64 times.

    Wall-clock time (``perf_counter``) decides; when other processes share the cores, a run
    longer than the scheduler's time slice is descheduled more than a short one, which alone
    can push the wall-clock ratio past the limit, so the CPU time of the same runs is the
    second opinion. Both must exceed the limit to fail.
    """
    small_input, large_input = build(n), build(8 * n)
    small, large = [float("inf")] * 2, [float("inf")] * 2
    for _ in range(3):
        small = [min(pair) for pair in zip(small, timed(read, small_input), strict=True)]
        large = [min(pair) for pair in zip(large, timed(read, large_input), strict=True)]
    wall_ok, cpu_ok = (large[i] <= MAX_GROWTH * small[i] for i in (0, 1))
    assert wall_ok or cpu_ok, (f"wall {small[0]:.4f}s at n={n}, {large[0]:.4f}s at 8n; "
                               f"CPU {small[1]:.4f}s, {large[1]:.4f}s")


# What each reader receives, built at size n: the patterns that made them quadratic or worse.
TEXT_CASES = {
    "vcard_begin_lines": (lambda t: sum(1 for _ in split_cards(t)), lambda n: "BEGIN:VCARD\n" * n,
                          30_000),
    "vcard_long_property": (read_vcards,
                            lambda n: b"BEGIN:VCARD\nVERSION:3.0\nN:" + b"a;" * n + b"\nEND:VCARD\n",
                            10_000),
    "vcard_many_cards": (read_vcards,
                         lambda n: b"BEGIN:VCARD\nVERSION:3.0\nFN:A B\nN:B;A\nEND:VCARD\n" * n, 100),
    "line_word_run": (read_line, lambda n: "a" * n, 100_000),
    "line_at_signs": (read_line, lambda n: "a@" * n, 10_000),
    "line_local_then_at": (read_line, lambda n: "a." * n + "@", 20_000),
    "line_spaces": (read_line, lambda n: "x" + "\u2003" * n + "y", 80_000),
    "line_dashes": (read_line, lambda n: " - " * n, 10_000),
    "line_digits": (read_line, lambda n: "1 " * n, 1_500),
    "line_emails_phones": (read_line, lambda n: "a@b.fr 06 80 55 69 66 " * n, 150),
    "blocks_continued_lines": (extract_blocks, lambda n: "x -\n" * n, 10_000),
    "blocks_dash_lines": (extract_blocks, lambda n: "-\n" * n, 20_000),
    "blocks_repeated": (extract_blocks,
                        lambda n: "CONTACTS PRESSE\nAline POIRIER - a@b.fr - 06 80 55 69 66\n" * n, 150),
    "blocks_names_and_roles": (extract_blocks,
                               lambda n: "CONTACTS PRESSE\n" + "Aline POIRIER\nChargée de presse\n" * n,
                               600),
    "blocks_blank_runs": (extract_blocks, lambda n: ("CONTACTS PRESSE\nAER BFC\n" + "\n" * 50) * n, 200),
    "blocks_mixed_case_names": (extract_blocks,
                                lambda n: "Contacts presse\n" + "Camille Roussel\n" * n, 1_000),
    "blocks_names_roles_contacts": (
        extract_blocks, lambda n: "Press contacts\n" + "Nom : Camille Roussel\nAttachée de presse\n"
        "Chargée de communication\nTél. : 03 53 01 20 11\n" * n, 150),
    "blocks_generic_contacts": (extract_blocks, lambda n: "Service de presse du Jura\nAgence "
                                "Rivages\n" + "Standard : 03 53 01 50 00\n\n" * n, 400),
    "blocks_sections_over_contacts": (extract_blocks, lambda n: "Contacts presse\n" + (
        "Agence Rivages\n" + "a@b.fr\n" * 3 + "\n" * 20) * n, 200),
    "blocks_headings": (extract_blocks,
                        lambda n: "Contacts presse et médias / Press contact du\n" * n, 2_000),
    "blocks_tabs": (extract_blocks, lambda n: "CONTACTS PRESSE\n" + "Camille\t" * n, 8_000),
    "blocks_links": (extract_blocks, lambda n: "CONTACTS PRESSE\nCamille ROUSSEL – 06 00 11 22 33 – "
                     + "www.a " * n, 20_000),
    "line_labels": (read_line, lambda n: "T. " * n + "06 00 12 34 56", 25_000),
    "line_fields_and_bullets": (read_line, lambda n: "• Nom : " + "Nom : " * n + "x", 15_000),
    "line_colons": (read_line, lambda n: "a : " * n, 20_000),
    "csv_header_same_name": (lambda h: [unique_headers(h) for _ in range(20)],
                             lambda n: ["Nom"] * n, 1_000),
    "csv_header_numbered_names": (lambda h: [unique_headers(h) for _ in range(20)],
                                  lambda n: ["Nom", "Nom (2)"] * n, 500),
    # A wider header is refused (MAX_COLUMNS), so n stays under the limit at 8n.
    "csv_header_same_name_read": (read_csv, lambda n: b";".join([b"Nom"] * n) + b"\nA\n" * 400, 125),
    "csv_sniff_quotes": (lambda t: [sniff_delimiter(t) for _ in range(50)], lambda n: ';"a' * n, 600),
    "column_header_digit_run": (guess_field, lambda n: "1" * n + "x", 20_000),
    "record_space_runs": (lambda v: build_record({"Courriel": v, "Tél.": v, "Rubriques": v},
                                                 {"Courriel": "email", "Tél.": "phone",
                                                  "Rubriques": "beat"}),
                          lambda n: "a" + " " * n + "b;", 20_000),
    "record_many_parts": (lambda v: build_record({"Courriel": v, "Rubriques": v},
                                                 {"Courriel": "email", "Rubriques": "beat"}),
                          lambda n: "a@b.fr , " * n, 500),
    "csv_lines": (read_csv, lambda n: b"Nom;Email\n" + b"A;a@b.fr\n" * n, 5_000),
    "csv_quoted_fields": (read_csv, lambda n: b"Nom;Email\n" + b'"a;""b";"c"\n' * n, 5_000),
}


@pytest.mark.parametrize("case", sorted(TEXT_CASES))
def test_text_readers_are_linear(case):
    read, build, n = TEXT_CASES[case]
    assert_linear(read, build, n)


def test_pdf_pages_are_linear():
    assert_linear(pdf_text, lambda n: pdf_bytes([text_content(60, f"Page {i}") for i in range(n)],
                                                [[i] for i in range(n)]), 8)


def test_pdf_pages_sharing_one_content_stream_read_it_once():
    content = [text_content(2_000)]
    assert_linear(pdf_text, lambda n: pdf_bytes(content, [[0]] * n, compress=True), 25)
    start = time.perf_counter()
    text = pdf_text(pdf_bytes(content, [[0]] * 200, compress=True))
    assert time.perf_counter() - start < 5
    assert text.count("Aline POIRIER") == 2_000


def test_docx_paragraphs_are_linear():
    assert_linear(docx_text, lambda n: docx_bytes(paragraph("Aline POIRIER - a@b.fr") * n), 1_000)


def test_xlsx_rows_are_linear():
    assert_linear(read_xlsx, lambda n: xlsx_bytes(
        "".join(xlsx_row(i, ["Nom", "a@b.fr", "06 80 55 69 66"]) for i in range(1, n + 1))), 300)


def refused_quickly(read: Callable[[bytes], object], data: bytes, error: type[Exception],
                    max_traced: int | None = 16 * MiB, max_seconds: float = 5) -> str:
    """Read ``data``, expecting ``error`` within the time, having traced little memory
    (``max_traced=None`` skips tracing, which slows a long read several times)."""
    if max_traced is not None:
        tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(error) as caught:
            read(data)
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert elapsed < max_seconds
    assert max_traced is None or peak < max_traced, f"{peak:,} bytes traced"
    return str(caught.value)


def test_xlsx_shared_strings_over_their_limit_are_refused_before_opening():
    shared = "<si><t>ab</t></si>" * (readers.XLSX_MAX_PART // 18 + 1)
    data = xlsx_bytes(xlsx_row(1, ["Nom"]), shared)
    assert len(data) < 100_000
    assert "sharedStrings" in refused_quickly(read_xlsx, data, UnsafeArchive, max_traced=MiB)


def test_xlsx_shared_strings_under_another_name_get_the_same_limit():
    shared = "<si><t>ab</t></si>" * (readers.XLSX_MAX_PART // 18 + 1)
    data = xlsx_bytes(xlsx_row(1, ["Nom"]), shared, shared_name="xl/worksheets/strings.xml")
    refused_quickly(read_xlsx, data, UnsafeArchive, max_traced=MiB)


def test_xlsx_stylesheet_over_its_own_limit_is_refused_before_opening():
    styles = '<xf numFmtId="0"/>' * (readers.XLSX_MEMBER_LIMITS["xl/styles.xml"] // 18 + 1)
    data = xlsx_bytes(xlsx_row(1, ["Nom"]), styles=styles)
    assert "styles.xml" in refused_quickly(read_xlsx, data, UnsafeArchive, max_traced=MiB)
    assert read_xlsx(xlsx_bytes(xlsx_row(1, ["Nom"]), styles=styles[:18_000])).headers == ["Nom"]


def test_xlsx_workbook_part_over_its_own_limit_is_refused_before_opening():
    names = "".join(f'<definedName name="N{i}">S!$A$1</definedName>' for i in range(60_000))
    data = zip_bytes({**zip_parts(xlsx_bytes(xlsx_row(1, ["Nom"]))),
                      "xl/workbook.xml": f'<workbook xmlns="{SHEET_NS}">{names}</workbook>'})
    assert "workbook.xml" in refused_quickly(read_xlsx, data, UnsafeArchive, max_traced=MiB)


def test_xlsx_over_the_total_limit_is_refused_before_opening():
    row = xlsx_row(1, ["Nom"])
    data = xlsx_bytes(row * (readers.XLSX_MAX_UNCOMPRESSED // len(row) + 1))
    refused_quickly(read_xlsx, data, UnsafeArchive, max_traced=MiB)


def test_xlsx_cells_sharing_a_large_string_are_refused_by_the_characters_limit():
    rows = xlsx_row(1, ["Nom"]) + "".join(
        f'<row r="{i}"><c r="A{i}" t="s"><v>0</v></c></row>' for i in range(2, 30))
    data = xlsx_bytes(rows, f"<si><t>{'a' * MiB}</t></si>")
    assert len(data) < 100_000
    assert "characters" in refused_quickly(read_xlsx, data, TooMuchContent, max_traced=64 * MiB)


def test_xlsx_cells_of_rows_openpyxl_skips_are_counted():
    # openpyxl parses a row numbered like an earlier one, then drops it without yielding it.
    hidden = '<row r="1"><c r="A1"><v>1</v></c></row>' * (readers.MAX_CELLS + 1)
    data = xlsx_bytes(xlsx_row(1, ["Nom"]) + hidden)
    assert len(data) < 200_000
    assert "cells" in refused_quickly(read_xlsx, data, TooMuchContent, max_traced=None)


def test_xlsx_declared_dimensions_do_not_pad_the_rows():
    data = xlsx_bytes(xlsx_row(1, ["Nom"]) + xlsx_row(2, ["POIRIER"]), dimension="A1:XFD1048576")
    table = read_xlsx(data)
    assert table.headers == ["Nom"]
    assert table.rows == [{"Nom": "POIRIER"}]


def test_xlsx_far_column_is_refused_by_the_columns_limit():
    data = xlsx_bytes('<row r="1"><c r="XFD1" t="inlineStr"><is><t>Nom</t></is></c></row>')
    assert "columns" in refused_quickly(read_xlsx, data, TooMuchContent, max_traced=4 * MiB)


def test_csv_wide_header_and_too_many_cells_are_refused():
    refused_quickly(read_csv, b";".join([b"h"] * (readers.MAX_COLUMNS + 1)), TooMuchContent)
    row = b";".join([b"x"] * 1_000) + b"\n"
    data = row * (readers.MAX_CELLS // 1_000 + 1)
    assert "cells" in refused_quickly(read_csv, data, TooMuchContent, max_traced=64 * MiB)


def test_csv_with_too_many_bad_rows_is_refused_not_listed():
    data = b"Nom\n" + b"a;b\n" * (readers.MAX_PROBLEMS + 1)
    with pytest.raises(UnreadableFile):
        read_csv(data, delimiter=";")
    table = read_csv(b"Nom\n" + b"a;b\n" * readers.MAX_PROBLEMS + b"POIRIER\n", delimiter=";")
    assert len(table.problems) == readers.MAX_PROBLEMS
    assert table.rows == [{"Nom": "POIRIER"}]


def test_vcards_past_the_row_limit_are_reported_and_left():
    data = b"BEGIN:VCARD\nVERSION:3.0\nFN:A B\nN:B;A\nEND:VCARD\n" * 5
    table = read_vcards(data, max_rows=3)
    assert len(table.rows) == 3
    assert [p.row for p in table.problems] == [4]


def test_docx_main_part_over_its_limit_is_refused_before_reading():
    data = docx_bytes("<w:p/>" * (documents.DOCX_MAX_PART // 6 + 1))
    assert "document.xml" in refused_quickly(docx_text, data, UnsafeArchive, max_traced=MiB)


def test_docx_relationships_over_their_limit_are_refused_before_reading():
    relation = f'<Relationship Id="r" Type="{REL_NS}/image" Target="media/a.png"/>'
    rels = relation * (documents.DOCX_MAX_RELATIONSHIPS // len(relation) + 1)
    data = zip_bytes({**zip_parts(docx_bytes(paragraph("Texte"))),
                      "_rels/.rels": f'<Relationships xmlns="{PACKAGE_RELS}">{rels}</Relationships>'})
    assert ".rels" in refused_quickly(docx_text, data, UnsafeArchive, max_traced=MiB)


def test_docx_element_flood_is_refused_while_streaming():
    data = docx_bytes("<w:p/>" * (documents.DOCX_MAX_ELEMENTS + 1))
    assert len(data) < 100_000
    assert "elements" in refused_quickly(docx_text, data, TooMuchContent, max_traced=None,
                                         max_seconds=10)


def test_docx_text_is_streamed_in_bounded_memory():
    data = docx_bytes(paragraph("") * 5_000)
    tracemalloc.start()
    try:
        assert docx_text(data) == "\n" * 4_999
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < MiB  # the 35,000 elements as a tree would take over 5 MiB


def test_docx_text_keeps_paragraphs_then_cells_and_run_breaks():
    cell = "<w:tc><w:p><w:r><w:t>Cell</w:t></w:r></w:p><w:p><w:r><w:t>two</w:t></w:r></w:p></w:tc>"
    body = (paragraph("Aline POIRIER") + f"<w:tbl><w:tr>{cell}</w:tr></w:tbl>"
            + "<w:p><w:r><w:t>a</w:t><w:tab/><w:t>b</w:t><w:br/><w:t>c</w:t></w:r></w:p>")
    assert docx_text(docx_bytes(body)) == "Aline POIRIER\na\tb\nc\nCell\ntwo"


def test_text_file_over_the_characters_limit_is_refused():
    data = b"a" * (documents.MAX_TEXT_CHARS + 1)
    assert "characters" in refused_quickly(lambda d: read_text(d, "communique.txt"), data,
                                           TooMuchContent, max_traced=None)
    assert len(read_text(data[1:], "communique.txt")) == documents.MAX_TEXT_CHARS


def test_pdf_over_the_page_limit_is_refused():
    data = pdf_bytes([b"BT ET"], [[0]] * (documents.MAX_PDF_PAGES + 1))
    assert "pages" in refused_quickly(pdf_text, data, TooMuchContent)


def test_pdf_stream_bomb_is_refused_before_it_is_expanded():
    data = pdf_bytes([b" " * (64 * MiB)], [[0]], compress=True)
    assert len(data) < 100_000
    refused_quickly(pdf_text, data, TooMuchContent, max_traced=3 * documents.PDF_MAX_STREAM_BYTES)


def test_pdf_content_repeated_in_a_page_is_refused_by_the_decoded_limit():
    data = pdf_bytes([text_content(25_000)], [[0] * 20], compress=True)
    assert "decoded bytes" in refused_quickly(pdf_text, data, TooMuchContent, max_traced=64 * MiB)


def test_pdf_form_drawn_many_times_is_refused_by_a_limit():
    data = pdf_bytes([b"/Fm0 Do " * 1_000], [[0]], forms=(text_content(5_000),), compress=True)
    refused_quickly(pdf_text, data, TooMuchContent, max_traced=64 * MiB)


def test_pdf_font_map_parsed_again_for_each_page_counts_each_time(monkeypatch):
    monkeypatch.setattr(documents, "PDF_MAX_DECODED", MiB)
    cmap = to_unicode_map(5_000)  # ~200 kB, parsed anew by pypdf for every page that uses it
    pages = [text_content(1, f"Page {i}") for i in range(40)]
    data = pdf_bytes(pages, [[i] for i in range(40)], compress=True, to_unicode=cmap)
    assert "decoded bytes" in refused_quickly(pdf_text, data, TooMuchContent, max_traced=None)
    assert pdf_text(pdf_bytes(pages[:2], [[0], [1]], compress=True, to_unicode=cmap))


def test_pdf_form_without_text_drawn_many_times_is_charged_at_each_use(monkeypatch):
    monkeypatch.setattr(documents, "PDF_MAX_DECODED", MiB)
    form = b"0 0 m 1 1 l S\n" * 20_000  # 280 kB of drawing, no text, behind an indirect /XObject
    data = pdf_bytes([b"/Fm0 Do " * 1_000], [[0]], forms=(form,), compress=True)
    assert "decoded bytes" in refused_quickly(pdf_text, data, TooMuchContent, max_traced=None)


def test_pdf_page_with_too_much_text_is_refused():
    data = pdf_bytes([text_content(documents.PDF_MAX_PAGE_CHARS // 30)], [[0]])
    assert "characters" in refused_quickly(pdf_text, data, TooMuchContent, max_traced=128 * MiB)


def test_email_finder_gives_the_regular_expression_matches():
    import re

    pattern = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
    for text in ["a@b.fr", "x a.b@c.d.fr, e@f.com", "a@b", "@b.fr", "a@b.c+d@e.fr", "a@@b.fr",
                 "é.m@ex-a.fr.", "a@b.fr@c.fr", "a.@b..fr x@y.z"]:
        assert [text[s:e] for s, e in find_emails(text)] == pattern.findall(text), text


def test_a_content_limit_refusal_is_explained_on_the_batch_page(client, login_as):
    login_as("officer")
    response = upload(client, pdf_bytes([b"BT ET"], [[0]] * (documents.MAX_PDF_PAGES + 1)),
                      "communique.pdf")
    page = client.get(f"/imports/{batch_id(response)}")
    assert "importé en une fois" in page.text
    assert "découpez-le en plusieurs fichiers plus petits" in page.text


def test_vcards_holding_too_many_characters_are_refused(monkeypatch):
    monkeypatch.setattr(vcards, "Budget", lambda: readers.Budget(max_chars=100_000))
    card = b"BEGIN:VCARD\nVERSION:3.0\nFN:A B\nN:B;A\nNOTE:" + b"x" * 6_000 + b"\nEND:VCARD\n"
    assert "characters" in refused_quickly(read_vcards, card * 17, TooMuchContent)
    assert len(read_vcards(card * 16).rows) == 16
