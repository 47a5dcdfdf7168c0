"""CSV and XLSX readers: encodings, delimiters, defused quotes, malformed rows, size and bombs."""

from __future__ import annotations

import zipfile
from io import BytesIO

import openpyxl
import openpyxl.xml
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm.imports.parsing.errors import FileTooLarge, UnsafeArchive, UnsupportedFile
from crm.imports.parsing.readers import read_csv, read_xlsx, unique_headers
from crm.imports.parsing.sniff import decode, sniff_delimiter

FRENCH = [
    ["Civilité", "Nom", "Prénom", "Média", "Tél.", "Courriel"],
    ["Mme", "POIRIER", "Cécile", "L'Est Républicain", "'+33 6 80 55 69 66", "cp@estrepublicain.fr"],
    ["M.", "LE GOFF", "Loïc", "Œuvre & Cœur — Hebdo", "03 80 44 64 05", "loic@oeuvre.fr"],
    ["Mme", "DUPONT-MOREAU", "Hélène", "France 3 Bourgogne", "06 08 37 99 02", "h@f3.fr"],
]


def csv_bytes(rows: list[list[str]], delimiter: str = ";", encoding: str = "cp1252") -> bytes:
    text = "\r\n".join(delimiter.join(f'"{v}"' if delimiter in v else v for v in row)
                       for row in rows)
    return (text + "\r\n").encode(encoding)


def test_cp1252_semicolon_csv_from_french_excel_has_no_mojibake():
    table = read_csv(csv_bytes(FRENCH))
    assert (table.encoding, table.delimiter) == ("cp1252", ";")
    assert table.headers == FRENCH[0]
    assert table.rows[0]["Média"] == "L'Est Républicain"
    assert table.rows[1]["Média"] == "Œuvre & Cœur — Hebdo"
    assert table.rows[1]["Prénom"] == "Loïc"
    assert table.problems == []


def test_leading_quote_before_plus_is_stripped():
    table = read_csv(csv_bytes(FRENCH))
    assert table.rows[0]["Tél."] == "+33 6 80 55 69 66"
    assert table.rows[0]["Média"] == "L'Est Républicain"


@pytest.mark.parametrize(("delimiter", "encoding"), [(",", "utf-8-sig"), ("\t", "utf-8"),
                                                     (";", "utf-8")])
def test_utf8_with_or_without_bom_and_each_delimiter(delimiter, encoding):
    table = read_csv(csv_bytes(FRENCH, delimiter, encoding))
    assert table.delimiter == delimiter
    assert table.headers[0] == "Civilité"
    assert [r["Nom"] for r in table.rows] == ["POIRIER", "LE GOFF", "DUPONT-MOREAU"]


def test_caller_overrides_encoding_and_delimiter():
    data = "Nom,Prénom;Média\r\nA,B;C\r\n".encode("latin-1")
    table = read_csv(data, encoding="latin-1", delimiter=";")
    assert table.headers == ["Nom,Prénom", "Média"]
    assert (table.encoding, table.delimiter) == ("latin-1", ";")


def test_malformed_row_is_reported_not_fatal():
    rows = [*FRENCH[:2], ["M.", "EXTRA", "Jean", "Radio", "01", "j@x.fr", "surplus", "more"],
            FRENCH[3]]
    table = read_csv(csv_bytes(rows))
    assert [r["Nom"] for r in table.rows] == ["POIRIER", "DUPONT-MOREAU"]
    assert len(table.problems) == 1
    assert table.problems[0].row == 3
    assert "8 values for 6 columns" in table.problems[0].reason


def test_unterminated_quote_is_reported():
    data = b'Nom;Email\r\nPOIRIER;a@x.fr\r\n"LE GOFF;b@x.fr\r\n'
    table = read_csv(data, delimiter=";")
    assert [r["Nom"] for r in table.rows] == ["POIRIER"]
    assert table.problems and "unreadable" in table.problems[0].reason


def test_file_over_the_limit_is_refused():
    with pytest.raises(FileTooLarge):
        read_csv(b"Nom;Email\r\n" + b"x" * (50 * 1024 * 1024))
    with pytest.raises(FileTooLarge):
        read_csv(csv_bytes(FRENCH), max_bytes=100)


def test_sniffer_falls_back_on_the_header_line():
    assert sniff_delimiter("Nom\tPrénom\n") == "\t"
    assert sniff_delimiter("single column\nvalue\n") == ","


def test_charset_hint_used_when_cp1252_fails():
    text, encoding = decode("Cœur\x81".encode("latin-1", errors="replace") + b"\x81")
    assert encoding not in {"utf-8-sig", "cp1252"}
    assert text


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_openpyxl_uses_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True


def test_xlsx_rows():
    table = read_xlsx(xlsx_bytes([FRENCH[0], [*FRENCH[1][:4], 680556966.0, FRENCH[1][5]]]))
    assert table.headers == FRENCH[0]
    assert table.rows == [dict(zip(FRENCH[0], [*FRENCH[1][:4], "680556966", FRENCH[1][5]],
                                   strict=True))]


def test_xlsx_wider_row_is_reported():
    table = read_xlsx(xlsx_bytes([["Nom", "Email"], ["A", "a@x.fr"], ["B", "b@x.fr", "extra"]]))
    assert [r["Nom"] for r in table.rows] == ["A"]
    assert table.problems[0].row == 3


def test_xlsx_bomb_is_refused_before_opening():
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (4 * 1024 * 1024))
    data = out.getvalue()
    assert len(data) < 20_000
    with pytest.raises(UnsafeArchive):
        read_xlsx(data, max_uncompressed=1024 * 1024)


def test_xlsx_with_too_many_members_is_refused():
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for index in range(250):
            archive.writestr(f"xl/m{index}.xml", b"<a/>")
    with pytest.raises(UnsafeArchive):
        read_xlsx(out.getvalue())


def test_not_a_zip_is_refused():
    with pytest.raises(UnsupportedFile):
        read_xlsx(csv_bytes(FRENCH))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_csv_reader_never_crashes_on_arbitrary_bytes(data):
    table = read_csv(data)
    assert all(len(row) == len(table.headers) for row in table.rows)


def test_repeated_headers_are_numbered_past_names_already_taken():
    assert unique_headers(["Nom", "Nom (2)", "Nom", "", "Nom", " "]) == [
        "Nom", "Nom (2)", "Nom (3)", "column 4", "Nom (4)", "column 6"]


def test_delimiter_is_the_one_splitting_rows_consistently():
    assert sniff_delimiter("Nom;Note\nA;1,5\nB;2,5\n") == ";"
    assert sniff_delimiter('Nom,Média\n"POIRIER, Aline","L\'Est; Républicain"\n') == ","
