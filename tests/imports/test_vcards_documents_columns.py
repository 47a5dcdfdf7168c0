"""vCards of each version, press-release text from .txt/.docx/.pdf, column-mapping guesses."""

from __future__ import annotations

from io import BytesIO

import docx
import pytest

from crm.imports.parsing.blocks import extract_blocks
from crm.imports.parsing.columns import guess_mapping
from crm.imports.parsing.documents import read_text
from crm.imports.parsing.errors import FileTooLarge, UnsupportedFile
from crm.imports.parsing.vcards import read_vcards

OUTLOOK_21 = """BEGIN:VCARD\r
VERSION:2.1\r
N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:POIRIER;C=C3=A9cile;;Mme;\r
FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:C=C3=A9cile POIRIER\r
ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:L'Est R=C3=A9publicain;R=C3=A9daction\r
TITLE:Journaliste\r
TEL;CELL;VOICE:06 80 55 69 66\r
TEL;WORK;VOICE:03 80 44 64 05\r
TEL;WORK;FAX:03 80 44 64 06\r
EMAIL;PREF;INTERNET:CPoirier@estrepublicain.fr\r
END:VCARD\r
"""
V30 = """BEGIN:VCARD
VERSION:3.0
N:Le Goff;Loïc;;M.;
FN:Loïc Le Goff
ORG:Ouest-France
EMAIL;TYPE=INTERNET,WORK:loic.legoff@ouest-france.fr
EMAIL;TYPE=HOME:loic@example.fr
TEL;TYPE=WORK,VOICE:+33 2 99 32 60 00
END:VCARD
"""
V40 = """BEGIN:VCARD
VERSION:4.0
N:Hubidos;Laure;;;
FN:Laure Hubidos
TEL;VALUE=uri;TYPE="voice,cell":tel:+33-6-08-37-99-02
EMAIL:laure.hubidos@bourgognefranchecomte.fr
END:VCARD
"""


def test_vcard_21_outlook_quoted_printable():
    row = read_vcards(OUTLOOK_21.encode("ascii")).rows[0]
    assert (row["first_name"], row["last_name"], row["civility"]) == ("Cécile", "POIRIER", "Mme")
    assert row["outlet"] == "L'Est Républicain Rédaction"
    assert (row["mobile"], row["phone"]) == ("06 80 55 69 66", "03 80 44 64 05")
    assert row["email"] == "CPoirier@estrepublicain.fr"
    assert row["role"] == "Journaliste"


def test_vcard_30_several_emails():
    row = read_vcards(V30.encode("utf-8")).rows[0]
    assert (row["first_name"], row["last_name"]) == ("Loïc", "Le Goff")
    assert row["email"] == "loic.legoff@ouest-france.fr; loic@example.fr"
    assert row["phone"] == "+33 2 99 32 60 00"


def test_vcard_40_tel_uri_prefix_removed():
    row = read_vcards(V40.encode("utf-8")).rows[0]
    assert row["mobile"] == "+33-6-08-37-99-02"


def test_several_cards_and_a_broken_one_reported():
    broken = "BEGIN:VCARD\nVERSION:3.0\nN:Broken\nthis line is not a property\nEND:VCARD\n"
    table = read_vcards((V30 + broken + V40).encode("utf-8"))
    assert [r["last_name"] for r in table.rows] == ["Le Goff", "Hubidos"]
    assert [p.row for p in table.problems] == [2]


def test_not_a_vcard_is_refused():
    with pytest.raises(UnsupportedFile):
        read_vcards(b"Nom;Email\r\n")


BLOCK_TEXT = ["Communiqué", "CONTACTS PRESSE", "AER BFC",
              "Aline POIRIER - apoirier@aer-bfc.com - Tel. 06 80 55 69 66"]


def test_text_from_txt_and_docx_feeds_the_block_parser():
    document = docx.Document()
    for line in BLOCK_TEXT:
        document.add_paragraph(line)
    out = BytesIO()
    document.save(out)
    for data, name in [("\n".join(BLOCK_TEXT).encode("cp1252"), "release.txt"),
                       (out.getvalue(), "release.docx")]:
        found = extract_blocks(read_text(data, name))
        assert found[0].block.sections[0].people[0].phone_e164 == "+33680556966"


def minimal_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with a text layer, built by hand (pypdf does not write text)."""
    stream = "BT /F1 11 Tf 50 750 Td 14 TL " + " ".join(f"({s}) Tj T*" for s in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer << /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return out


def test_text_from_pdf_feeds_the_block_parser():
    found = extract_blocks(read_text(minimal_pdf(BLOCK_TEXT), "release.pdf"))
    person = found[0].block.sections[0].people[0]
    assert (person.last_name, person.email) == ("POIRIER", "apoirier@aer-bfc.com")


def test_document_kinds_checked():
    with pytest.raises(UnsupportedFile):
        read_text(b"not a pdf", "release.pdf")
    with pytest.raises(UnsupportedFile):
        read_text(b"PK\x03\x04", "release.odt")
    with pytest.raises(FileTooLarge):
        read_text(b"x" * 101, "release.txt", max_bytes=100)


def test_column_mapping_from_french_and_english_headers():
    headers = ["Civilité", "Nom", "Prénom", "Média", "Tél.", "Portable", "Courriel", "E-mail 2",
               "Fonction", "Rubrique", "Job Title", "First Name", "Last Name", "Mobile Phone",
               "Code postal", "Nom du média", "Téléphone portable", "Commentaires", "Colonne X"]
    assert list(guess_mapping(headers).values()) == [
        "civility", "last_name", "first_name", "outlet", "phone", "mobile", "email", "email",
        "role", "beat", "role", "first_name", "last_name", "mobile", "postcode", "outlet",
        "mobile", "note", None]


def test_docx_text_matches_word_paragraphs_runs_and_cells_once():
    document = docx.Document()
    line = document.add_paragraph("Aline POIRIER – ")
    line.add_run("apoirier@aer-bfc.com").bold = True
    line.add_run("\tTél. 06 80 55 69 66")
    document.add_paragraph("Ligne 1\nLigne 2")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "CONTACTS PRESSE"
    table.cell(0, 0).merge(table.cell(0, 1))
    table.cell(1, 0).text = "Jean MARTIN"
    table.cell(1, 1).text = "jm@x.fr"
    out = BytesIO()
    document.save(out)
    assert read_text(out.getvalue(), "release.docx") == (
        "Aline POIRIER – apoirier@aer-bfc.com\tTél. 06 80 55 69 66\nLigne 1\nLigne 2\n"
        "CONTACTS PRESSE\nJean MARTIN\njm@x.fr")


def test_begin_inside_an_open_card_ends_it_unreadable():
    data = (V30.replace("END:VCARD\n", "") + V40).encode("utf-8")
    table = read_vcards(data)
    assert [r["last_name"] for r in table.rows] == ["Hubidos"]
    assert [p.row for p in table.problems] == [1]
    with pytest.raises(UnsupportedFile):
        read_vcards(b"BEGIN:VCARD\nVERSION:3.0\n")  # never closed: no card at all
