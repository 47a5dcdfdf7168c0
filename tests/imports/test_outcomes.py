"""Imports tell a person what happened: odd inputs, discarding, line numbers, warnings,
blocked undo, encodings, and a rejected-rows file that is safe to open in Excel."""

import csv
import io
import re
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from crm.contacts.models import Contact
from crm.extensions import db
from crm.imports.labels import encoding_label
from crm.imports.models import BatchStatus, ImportBatch, ImportRow
from crm.settings import override
from tests.imports.contact_blocks import CORPUS as CONTACT_BLOCKS
from tests.imports.test_flow import batch_id, count, run_pending_jobs, upload

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


@pytest.fixture(autouse=True)
def uploads(app, tmp_path) -> Path:
    """The folder where uploads wait for the worker, for this test alone."""
    override(app, IMPORT_UPLOAD_FOLDER=str(tmp_path / "uploads"))
    return tmp_path / "uploads"


def send(client, **fields):
    """Post the upload form as a browser would, without running the worker."""
    return client.post_form("/imports/new", {"source": "Fichier presse AER 2026",
                                             "visibility": "shared", "encoding": "",
                                             "delimiter": "", **fields},
                            content_type="multipart/form-data")


def import_button(page: str) -> bool:
    return re.search(r'<button type="submit" class="btn btn-primary">\s*Importer', page) is not None


def test_an_empty_file_is_refused_and_nothing_is_kept(app, client, login_as, uploads):
    login_as("officer")
    response = upload(client, b"", "contacts.csv")
    assert response.status_code == 422
    assert "Ce fichier est vide" in response.text
    assert count(app, ImportBatch) == 0
    assert not list(uploads.glob("*"))


def test_an_image_renamed_csv_is_not_a_table(app, client, login_as):
    login_as("officer")
    response = upload(client, PNG, "contacts.csv")
    assert response.status_code == 422
    assert "Ce fichier n&#39;est pas un tableau" in response.text
    assert count(app, ImportBatch) == 0
    text = upload(client, b"MZALI;BM\nDUPONT;j.dupont@example.fr\n", "lettres.csv")
    assert text.status_code == 302  # a text that starts like a signature is still a table


def test_a_header_only_csv_says_so_and_offers_no_import_button(app, client, login_as):
    login_as("officer")
    response = upload(client, "Nom;Prénom;Courriel\r\n".encode(), "vide.csv")
    page = client.get(response.headers["Location"]).text
    assert "ne contient que sa ligne d'en-tête" in page
    assert not import_button(page)
    assert "Abandonner cette prévisualisation" in page


def test_a_pasted_text_without_contact_block_says_so(app, client, login_as):
    login_as("officer")
    response = send(client, text="Communiqué sans contacts.\n\nLa Région investit dans le rail.")
    assert response.status_code == 422
    assert "Aucun bloc de contacts presse" in response.text
    assert count(app, ImportBatch) == 0


def test_a_document_without_contact_block_says_so_in_its_preview(app, client, login_as):
    login_as("officer")
    text = "Communiqué de presse\n\nLa Région investit 40 millions d'euros dans le rail.\n"
    page = client.get(upload(client, text.encode(), "communique.txt").headers["Location"]).text
    assert "Rien à importer" in page
    assert "Aucun bloc de contacts presse" in page and "dans ce document" in page
    assert not import_button(page)
    assert "Abandonner cette prévisualisation" in page


def test_a_pasted_english_release_is_read_from_its_press_contacts(app, client, login_as):
    login_as("officer")
    text = (CONTACT_BLOCKS / "05-english-press-contacts.txt").read_text(encoding="utf-8")
    page = client.get(send(client, text=text).headers["Location"]).text
    assert "Jane Whitfield" in page and "Oliver Grant" in page
    assert "Head of Media Relations" in page
    assert import_button(page)


def test_a_file_and_a_pasted_text_together_are_refused_clearly(app, client, login_as,
                                                                release_text, uploads):
    login_as("officer")
    response = send(client, file=(io.BytesIO(b"Nom\nDUPONT\n"), "a.csv"), text=release_text)
    assert response.status_code == 422
    assert "Vous avez envoyé un fichier et un texte collé" in response.text
    assert count(app, ImportBatch) == 0 and not list(uploads.glob("*"))


def test_a_preview_can_be_discarded_with_its_kept_file(app, client, login_as, uploads):
    login_as("officer")
    number = batch_id(send(client, file=(io.BytesIO(b"Nom\nDUPONT\n"), "a.csv")))
    kept = list(uploads.glob("*"))
    assert len(kept) == 1  # waiting for the worker
    done = client.post_form(f"/imports/{number}/discard", follow_redirects=True)
    assert "Prévisualisation abandonnée" in done.text
    assert count(app, ImportBatch) == 0 and count(app, ImportRow) == 0
    assert not kept[0].exists()
    assert run_pending_jobs(app) == ["staging_job"]  # the job finds nothing to do
    assert count(app, ImportRow) == 0


def test_a_staged_preview_is_discarded_but_an_imported_batch_is_not(app, client, login_as):
    login_as("officer")
    staged = batch_id(upload(client, b"Nom;Courriel\nDUPONT;j.dupont@example.fr\n", "a.csv"))
    assert count(app, ImportRow) == 1
    client.post_form(f"/imports/{staged}/discard")
    assert count(app, ImportBatch) == 0 and count(app, ImportRow) == 0
    imported = batch_id(upload(client, b"Nom;Courriel\nDUPONT;j.dupont@example.fr\n", "a.csv"))
    client.post_form(f"/imports/{imported}/commit", {"mode": "skip"})
    refused = client.post_form(f"/imports/{imported}/discard", follow_redirects=True)
    assert "Seule une prévisualisation qui n&#39;a pas été importée" in refused.text
    assert count(app, ImportBatch) == 1 and count(app, Contact) == 1


def test_rejected_rows_carry_the_line_of_the_file(app, client, login_as):
    login_as("officer")
    data = ("Nom;Courriel\r\n"            # line 1
            "DUPONT;j.dupont@example.fr\r\n"  # line 2
            "MARTIN;m@example.fr;x;y\r\n"     # line 3: too many values, left out
            ";pas-une-adresse\r\n")           # line 4: rejected
    number = batch_id(upload(client, data.encode(), "lignes.csv"))
    page = client.get(f"/imports/{number}").text
    assert "<td>4</td>" in page and "<td>2</td>" in page
    client.post_form(f"/imports/{number}/commit", {"mode": "skip"})
    rows = list(csv.reader(io.StringIO(client.get(f"/imports/{number}/rejected.csv").text
                                       .lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Nom", "Courriel", "Ligne", "Motif"]
    assert rows[1][:3] == ["", "pas-une-adresse", "4"]


def test_an_unallocated_french_number_keeps_the_row_and_warns(app, client, login_as):
    login_as("officer")
    data = "Nom;Prénom;Courriel;Portable\nDUPONT;Jeanne;j.dupont@example.fr;06 39 12 34 56\n"
    number = batch_id(upload(client, data.encode(), "numeros.csv"))
    page = client.get(f"/imports/{number}").text
    assert "Numéro inconnu du plan de numérotation" in page and "06 39 12 34 56" in page
    assert import_button(page)
    client.post_form(f"/imports/{number}/commit", {"mode": "skip"})
    with app.app_context():
        contact = db.session.scalar(select(Contact))
        assert [e.email for e in contact.emails] == ["j.dupont@example.fr"]
        assert contact.phones == [] and "06 39 12 34 56" in contact.notes


def test_a_blocked_undo_names_the_contacts_that_changed(app, client, login_as):
    login_as("officer")
    data = "Nom;Prénom;Courriel\nDUPONT;Jeanne;j.dupont@example.fr\nMARTIN;Paul;p.martin@example.fr\n"
    number = batch_id(upload(client, data.encode(), "a.csv"))
    client.post_form(f"/imports/{number}/commit", {"mode": "skip"})
    with app.app_context():
        martin = db.session.scalar(select(Contact).where(Contact.last_name == "MARTIN"))
        martin.job_title, martin.version = "Rédacteur", martin.version + 1
        db.session.commit()
        martin_id = martin.id
    refused = client.post_form(f"/imports/{number}/undo")
    assert refused.status_code == 409
    assert "1 contact a changé depuis l'import" in refused.text
    assert f'href="/contacts/{martin_id}">Paul MARTIN</a>' in refused.text
    assert count(app, Contact, Contact.deleted_at.is_(None)) == 2


def test_encodings_are_shown_by_human_names(app, client, login_as):
    login_as("officer")
    number = batch_id(upload(client, "\ufeffNom;Courriel\nDUPONT;j@example.fr\n".encode(), "a.csv"))
    page = client.get(f"/imports/{number}").text
    assert "lu en UTF-8" in page and "utf-8-sig" not in page
    form = client.get("/imports/new").text
    assert "Windows (Excel français)" in form and "cp1252" not in form.split("<option")[-1]
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        for codec in ("utf-8-sig", "utf_8", "cp1252", "latin_1", "latin-1", "mac_roman",
                      "ascii", "no-such-codec"):
            shown = encoding_label(codec)
            assert "_" not in shown and "sig" not in shown and "latin" not in shown.lower()


def test_rejected_csv_neutralises_formulas_in_headers_and_has_one_charset(app, client, login_as):
    login_as("officer")
    data = b'=HYPERLINK("http://x.example");Nom\n=1+1;\n'
    number = batch_id(upload(client, data, "formules.csv"))
    client.post_form(f"/imports/{number}/commit", {"mode": "skip"})
    response = client.get(f"/imports/{number}/rejected.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][0] == "'=HYPERLINK(\"http://x.example\")"
    assert rows[1][0] == "'=1+1"


def test_an_unreadable_file_fails_in_the_worker_and_says_why(app, client, login_as, uploads):
    login_as("officer")
    damaged = io.BytesIO()
    with zipfile.ZipFile(damaged, "w") as archive:  # a zip, but no workbook inside
        archive.writestr("hello.txt", "not a workbook")
    number = batch_id(upload(client, damaged.getvalue(), "contacts.xlsx"))
    with app.app_context():
        assert db.session.get_one(ImportBatch, number).status is BatchStatus.FAILED
    page = client.get(f"/imports/{number}").text
    assert "Ce fichier n'a pas pu être lu" in page and "Le fichier n&#39;a pas pu être lu" in page
    assert not import_button(page) and "Abandonner cette prévisualisation" in page
    assert not list(uploads.glob("*"))


def test_an_import_is_undone_after_one_of_its_contacts_was_erased(app, client, login_as):
    from crm.auth.models import User
    from crm.privacy.services import erase_contact

    manager = login_as("manager")
    data = "Nom;Prénom;Courriel\nDUPONT;Jeanne;j.dupont@example.fr\nMARTIN;Paul;p.martin@example.fr\n"
    number = batch_id(upload(client, data.encode(), "a.csv"))
    client.post_form(f"/imports/{number}/commit", {"mode": "skip"})
    with app.app_context():
        martin = db.session.scalar(select(Contact).where(Contact.last_name == "MARTIN"))
        erase_contact(db.session.get_one(User, manager.id), martin)
        db.session.commit()
    undone = client.post_form(f"/imports/{number}/undo", follow_redirects=True)
    assert undone.status_code == 200 and "Import annulé" in undone.text
    assert count(app, Contact, Contact.deleted_at.is_(None)) == 0
