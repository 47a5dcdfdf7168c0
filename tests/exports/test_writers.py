"""The pure writers, read back by independent parsers (csv, openpyxl, vobject)."""

import csv
import io
import zipfile

import openpyxl
import pytest
import vobject
from hypothesis import given, settings
from hypothesis import strategies as st

from crm.exports.writers.csv_excel import csv_chunks
from crm.exports.writers.neutralise import neutralise, undo_neutralisation
from crm.exports.writers.vcard import CardPerson, card_text, e164, vcard_chunks
from crm.exports.writers.xlsx import column_letter, write_xlsx
from crm.imports.parsing.readers import clean_value, read_csv, read_xlsx

HEADER = ["Nom", "Prénom", "Téléphone", "Note"]
HOSTILE = [
    ['=HYPERLINK("x")', "Élodie", "+33680556966", "-5"],
    ["@SUM(A1)", "Œuvre; \"guillemets\"", "\tTab", "\rCR"],
    ["'=1+1", "#N/A", "a & b < c > d", "ligne 1\nligne 2"],
]


def read_back_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_neutralise_puts_an_apostrophe_before_each_trigger():
    for value in ("=1+1", "+33680556966", "-5", "@x", "\tx", "\rx", "\nx"):
        assert neutralise(value) == "'" + value
    assert neutralise("Dupont") == "Dupont"
    assert neutralise("'=x") == "''=x"
    assert neutralise("'x") == "'x"
    assert neutralise("") == ""


@given(st.text())
def test_neutralisation_is_undone_exactly(value):
    assert undo_neutralisation(neutralise(value)) == value
    assert neutralise(value)[:1] not in set("=+-@\t\r\n")


def test_the_importer_undoes_the_neutralisation():
    assert clean_value("'=1+1") == "=1+1"
    assert clean_value("''=1+1") == "'=1+1"
    assert clean_value("'+33680556966") == "+33680556966"
    assert clean_value("'l'apostrophe") == "'l'apostrophe"


def test_csv_is_utf8_with_bom_semicolons_and_every_field_quoted():
    data = b"".join(csv_chunks(HEADER, HOSTILE))
    assert data.startswith(b"\xef\xbb\xbf\"Nom\";\"Pr\xc3\xa9nom\"")
    assert data.endswith(b"\r\n")
    first = data.split(b"\r\n")[1].decode()
    assert first.startswith('"\'=HYPERLINK(""x"")";"Élodie";"\'+33680556966";"\'-5"')
    rows = read_back_csv(data)
    assert rows[0] == HEADER
    assert rows[1] == ["'=HYPERLINK(\"x\")", "Élodie", "'+33680556966", "'-5"]
    assert [[undo_neutralisation(v) for v in row] for row in rows[1:]] == HOSTILE


def test_csv_streams_in_chunks():
    rows = ([f"n{i}", "p", "t", ""] for i in range(5))
    chunks = list(csv_chunks(HEADER, rows, chunk_rows=2))
    assert len(chunks) == 3
    assert len(read_back_csv(b"".join(chunks))) == 6


@given(st.lists(st.lists(st.text(), min_size=4, max_size=4), max_size=5))
def test_any_text_survives_the_csv(rows):
    back = read_back_csv(b"".join(csv_chunks(HEADER, rows)))
    assert [[undo_neutralisation(v) for v in row] for row in back[1:]] == rows


def load(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def xlsx_bytes(header, rows, **kwargs) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, header, rows, **kwargs)
    return buffer.getvalue()


def test_xlsx_has_only_text_cells_and_keeps_accents():
    sheet = load(xlsx_bytes(HEADER, HOSTILE, sheet_title="Liste : presse/PQR"))
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert {cell.data_type for cell in cells} == {"s"}
    values = [[cell.value or "" for cell in row] for row in sheet.iter_rows()]
    assert values[0] == HEADER
    assert values[1] == HOSTILE[0]
    assert values[2] == ["@SUM(A1)", "Œuvre; \"guillemets\"", "\tTab", "\rCR"]
    assert values[3] == ["''=1+1", "#N/A", "a & b < c > d", "ligne 1\nligne 2"]
    assert sheet["A2"].quotePrefix and not sheet["B2"].quotePrefix
    assert sheet.title == "Liste   presse PQR"


def test_xlsx_freezes_the_header_filters_and_sizes_columns():
    sheet = load(xlsx_bytes(HEADER, HOSTILE, widths=[30, 12, 20, 40]))
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:D4"
    assert sheet.column_dimensions["A"].width == 30
    assert sheet["A1"].font.b and not sheet["A2"].font.b


def test_xlsx_is_read_back_by_the_importer():
    table = read_xlsx(xlsx_bytes(HEADER, HOSTILE))
    assert table.rows[0] == dict(zip(HEADER, HOSTILE[0], strict=True))
    assert table.rows[2]["Nom"] == "'=1+1"


def test_xlsx_with_no_rows_and_an_empty_header():
    assert load(xlsx_bytes(HEADER, [])).max_row == 1
    data = xlsx_bytes([], [])
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]


XML_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff",
                                 min_codepoint=0x20) | st.sampled_from("\t\r\n"))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.lists(XML_TEXT, min_size=2, max_size=2), max_size=4))
def test_any_text_survives_the_xlsx(rows):
    sheet = load(xlsx_bytes(["a", "b"], rows))
    back = [[undo_neutralisation(cell.value or "") for cell in row]
            for row in sheet.iter_rows(min_row=2, max_row=len(rows) + 1, max_col=2)]
    assert back == rows


def test_xlsx_drops_what_xml_cannot_hold():
    sheet = load(xlsx_bytes(["a"], [["a\x00b\x1fc\ufffe"]]))
    assert sheet["A2"].value == "abc"


PERSON = CardPerson(first_name="Élodie", last_name="Dupont, fils; aîné", civility="Mme",
                    outlet="Le Bien Public", title="Rédactrice en chef",
                    emails=("elodie@bienpublic.test", "e.dupont@exemple.test"),
                    phones=(("06 80 55 69 66", True), ("03 80 00 00 00", False)),
                    note="Préfère, le matin; pas le soir " * 5)


def test_vcard_is_3_0_with_crlf_and_folded_lines():
    text = card_text(PERSON)
    assert text.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert "N:Dupont\\, fils\\; aîné;Élodie;;Mme;" in text


def test_vcard_is_read_back_by_vobject():
    data = b"".join(vcard_chunks([PERSON, CardPerson(last_name="Seul", emails=("s@exemple.test",))]))
    cards = list(vobject.readComponents(data.decode("utf-8")))
    assert len(cards) == 2
    card = cards[0]
    assert card.n.value.family == "Dupont, fils; aîné"
    assert card.n.value.prefix == "Mme"
    assert card.fn.value == "Élodie Dupont, fils; aîné"
    assert card.org.value == ["Le Bien Public"]
    assert card.title.value == "Rédactrice en chef"
    assert [e.value for e in card.email_list] == list(PERSON.emails)
    assert [(t.value, t.params["TYPE"]) for t in card.tel_list] == [
        ("+33680556966", ["CELL"]), ("+33380000000", ["WORK", "VOICE"])]
    assert card.note.value == PERSON.note
    assert cards[1].fn.value == "Seul"


@pytest.mark.parametrize(("raw", "expected"), [
    ("06 80 55 69 66", "+33680556966"), ("+33 (0)6 80 55 69 66", "+33680556966"),
    ("0033680556966", "+33680556966"), ("+44 20 7946 0958", "+442079460958"),
    ("pas un numéro", "pas un numéro"),
])
def test_phones_in_e164(raw, expected):
    assert e164(raw) == expected


def test_csv_is_read_back_by_the_importer():
    table = read_csv(b"".join(csv_chunks(HEADER, HOSTILE[:1])))
    assert table.delimiter == ";"
    assert table.rows == [dict(zip(HEADER, HOSTILE[0], strict=True))]


CARD_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1).map(
    str.strip).filter(bool)


@settings(max_examples=60, deadline=None)
@given(CARD_TEXT, CARD_TEXT, CARD_TEXT, CARD_TEXT)
def test_any_printable_text_survives_a_vcard(last, first, outlet, note):
    card = vobject.readOne(card_text(CardPerson(first_name=first, last_name=last, outlet=outlet,
                                                note=note + "\nligne 2")))
    assert (card.n.value.family, card.n.value.given) == (last, first)
    assert card.org.value == [outlet]
    assert card.note.value == note + "\nligne 2"
