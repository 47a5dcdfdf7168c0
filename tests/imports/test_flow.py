"""The import flow through the pages: upload, preview, columns, commit, report, undo."""

import io
import re
import zipfile

from sqlalchemy import func, select

from crm.contacts.models import Contact, ContactEmail
from crm.extensions import db
from crm.imports.models import ContactBlock, ImportBatch
from crm.settings import override

CSV_CP1252 = (
    "Civilité;Prénom;Nom;Média;Courriel;Tél. portable;Fonction\r\n"
    "Mme;Élodie;SÉGOLÈNE;L'Est Républicain;e.segolene@estrepublicain.fr;06 12 34 56 78;Journaliste\r\n"
    "M.;François;Lefèvre;France 3 Bourgogne-Franche-Comté;f.lefevre@francetv.fr;;Rédacteur en chef\r\n"
    "M.;Broken;;;pas-une-adresse;12;\r\n"
).encode("cp1252")


def upload(client, data: bytes, name: str, **extra):
    """Send a file, then let the worker read it (the jobs of the tests wait in memory)."""
    response = client.post_form("/imports/new", {
        "file": (io.BytesIO(data), name), "source": "Fichier presse AER 2026",
        "visibility": "shared", "encoding": "", "delimiter": "", **extra},
        content_type="multipart/form-data")
    run_pending_jobs(client.application)
    return response


def run_pending_jobs(app, *wanted: str) -> list[str]:
    """Run the queued import jobs of ``app`` (or the ``wanted`` ones) as the worker would,
    leave the others queued; the names of those run."""
    huey = app.extensions["huey"]
    wanted = wanted or ("staging_job", "import_job")
    ran, others = [], []
    while (job := huey.dequeue()) is not None:
        if job.name in wanted:
            ran.append(job.name)
            huey.execute(job)
        else:
            others.append(job)
    for job in others:
        huey.enqueue(job)
    return ran


def batch_id(response) -> int:
    return int(re.search(r"/imports/(\d+)$", response.headers["Location"]).group(1))


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_cp1252_csv_from_excel_imports_without_mojibake(app, client, login_as, make_outlet):
    make_outlet("L'Est Républicain")
    login_as("officer")
    response = upload(client, CSV_CP1252, "presse.csv")
    assert response.status_code == 302
    preview = client.get(response.headers["Location"])
    assert "SÉGOLÈNE" in preview.text and "Lefèvre" in preview.text
    assert "lu en Windows (Excel français)" in preview.text and "cp1252" not in preview.text
    assert "Adresse électronique non valide" in preview.text
    assert count(app, Contact) == 0  # nothing before confirmation
    done = client.post_form(f"/imports/{batch_id(response)}/commit", {"mode": "skip"},
                            follow_redirects=True)
    assert "2 créé(s)" in done.text or "2 created" in done.text or "Import terminé" in done.text
    assert count(app, Contact) == 2
    with app.app_context():
        elodie = db.session.scalar(select(Contact).where(Contact.last_name == "SÉGOLÈNE"))
        assert [o.name for o in elodie.outlets] == ["L'Est Républicain"]
        assert elodie.phones[0].e164 == "+33612345678"
        assert elodie.source == "Fichier presse AER 2026"
    rejected = client.get(f"/imports/{batch_id(response)}/rejected.csv")
    assert rejected.headers["Content-Type"].startswith("text/csv")
    assert "Nom manquant" in rejected.text and "'12" not in rejected.text.split("\n")[0]


def test_reimport_finds_existing_contacts_and_never_clears_opt_outs(app, client, login_as,
                                                                    make_contact):
    contact_id = make_contact("SÉGOLÈNE", "Élodie", emails=["e.segolene@estrepublicain.fr"],
                              is_opted_out=True)
    login_as("officer")
    response = upload(client, CSV_CP1252, "presse.csv")
    preview = client.get(response.headers["Location"]).text
    assert f"contact n° {contact_id}" in preview
    client.post_form(f"/imports/{batch_id(response)}/commit", {"mode": "update"})
    with app.app_context():
        contact = db.session.get_one(Contact, contact_id)
        assert contact.is_opted_out is True
        assert contact.job_title == "Journaliste"
        assert contact.phones[0].e164 == "+33612345678"


def test_undo_restores_updates_and_trashes_creations(app, client, login_as, make_contact):
    contact_id = make_contact("SÉGOLÈNE", "Élodie", emails=["e.segolene@estrepublicain.fr"],
                              job_title="Pigiste")
    login_as("officer")
    response = upload(client, CSV_CP1252, "presse.csv")
    number = batch_id(response)
    client.post_form(f"/imports/{number}/commit", {"mode": "update"})
    assert count(app, Contact, Contact.deleted_at.is_(None)) == 2
    undone = client.post_form(f"/imports/{number}/undo", follow_redirects=True)
    assert "Import annulé" in undone.text
    assert count(app, Contact, Contact.deleted_at.is_(None)) == 1
    with app.app_context():
        assert db.session.get_one(Contact, contact_id).job_title == "Pigiste"


def test_undo_is_refused_when_a_contact_changed_since(app, client, login_as):
    login_as("officer")
    response = upload(client, CSV_CP1252, "presse.csv")
    number = batch_id(response)
    client.post_form(f"/imports/{number}/commit", {"mode": "skip"})
    with app.app_context():
        contact = db.session.scalar(select(Contact).where(Contact.last_name == "Lefèvre"))
        contact.job_title = "Directeur"
        contact.version += 1
        db.session.commit()
    refused = client.post_form(f"/imports/{number}/undo", follow_redirects=True)
    assert "ne peut pas être annulé" in refused.text
    assert count(app, Contact, Contact.deleted_at.is_(None)) == 2


def test_double_commit_imports_once(app, client, login_as):
    login_as("officer")
    number = batch_id(upload(client, CSV_CP1252, "presse.csv"))
    client.post_form(f"/imports/{number}/commit", {"mode": "skip"})
    second = client.post_form(f"/imports/{number}/commit", {"mode": "skip"}, follow_redirects=True)
    assert "déjà été effectué" in second.text
    assert count(app, Contact) == 2


def test_column_mapping_can_be_corrected(app, client, login_as):
    login_as("officer")
    data = "Qui;Adresse électronique\nAline POIRIER;apoirier@aer-bfc.com\n".encode()
    number = batch_id(upload(client, data, "liste.csv"))
    assert "Nom manquant" in client.get(f"/imports/{number}").text
    client.post_form(f"/imports/{number}/mapping", {"col_0": "full_name", "col_1": "email"})
    page = client.get(f"/imports/{number}").text
    assert "Nom manquant" not in page and "POIRIER" in page


def test_the_real_release_gives_one_block_once(app, client, login_as, release_text):
    login_as("manager", "Région BFC")
    response = client.post_form("/imports/new", {"text": release_text, "source":
                                "Communiqué Assises 2026", "visibility": "shared"})
    number = batch_id(response)
    preview = client.get(f"/imports/{number}").text
    assert "trouvé 4 fois" in preview or "found 4 times" in preview
    client.post_form(f"/imports/{number}/commit", {"mode": "skip"})
    assert count(app, ContactBlock) == 1
    with app.app_context():
        emails = set(db.session.scalars(select(ContactEmail.email)))
        block = db.session.scalar(select(ContactBlock))
        sections = [(s.organisation.short_name, [e.contact.last_name for e in s.entries])
                    for s in block.sections]
    assert emails == {"apoirier@aer-bfc.com", "laure.hubidos@bourgognefranchecomte.fr",
                      "marie.souverbie@bourgognefranchecomte.fr", "cecile.hermier@cote-dor.gouv.fr"}
    assert sections == [("AER BFC", ["POIRIER"]), ("Région BFC", ["HUBIDOS", "SOUVERBIE"]),
                        ("Préfecture BFC", ["HERMIER"])]
    again = client.post_form("/imports/new", {"text": release_text, "source": "Communiqué bis",
                                              "visibility": "shared"})
    assert "déjà connu" in client.get(again.headers["Location"]).text
    client.post_form(f"/imports/{batch_id(again)}/commit", {"mode": "skip"})
    assert count(app, Contact) == 4 and count(app, ContactBlock) == 1
    assert "HUBIDOS" in client.get("/imports/blocks/1" if False else
                                   f"/imports/blocks/{_block_id(app)}").text


def _block_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(ContactBlock.id))


def test_xlsx_bomb_and_wrong_files_are_refused_clearly(client, login_as):
    login_as("officer")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (250 * 1024 * 1024))
    response = upload(client, bomb.getvalue(), "contacts.xlsx")
    assert response.status_code == 422
    assert "bombe" in response.text
    fake = upload(client, b"just text", "contacts.xlsx")
    assert fake.status_code == 422
    exe = upload(client, b"MZ\x90\x00", "virus.exe")
    assert "ne peut pas être importé" in exe.text


def test_a_file_over_the_limit_gets_a_413(app, client, login_as):
    login_as("officer")
    override(app, MAX_CONTENT_LENGTH=1024 * 1024)  # the 50 MB of real life, scaled down
    body = b"a;b\n" * (300 * 1024)  # sent raw: the limit applies before any parsing
    response = client.post("/imports/new", data=body, content_type="multipart/form-data; boundary=x")
    assert response.status_code == 413
    assert "Fichier trop volumineux" in response.text


def test_another_bodys_batch_is_not_found(app, client, login_as, make_user):
    login_as("officer", "AER BFC")
    number = batch_id(upload(client, CSV_CP1252, "presse.csv"))
    other = app.test_client()
    from tests.conftest import login

    login(other, make_user("admin", "Préfecture BFC").email)
    for url in (f"/imports/{number}", f"/imports/{number}/rejected.csv"):
        assert other.get(url).status_code == 404
    assert other.post_form(f"/imports/{number}/commit", {"mode": "skip"}).status_code == 404
    assert other.post_form(f"/imports/{number}/undo").status_code == 404
    assert count(app, ImportBatch) == 1


def test_a_large_import_runs_in_the_worker_with_progress(app, client, login_as):
    from crm.imports.jobs import run_import

    huey = app.extensions["huey"]
    override(app, IMPORT_INLINE_ROWS=1)
    login_as("officer")
    number = batch_id(upload(client, CSV_CP1252, "presse.csv"))
    huey.flush()
    client.post_form(f"/imports/{number}/commit", {"mode": "skip"})
    assert [t.name for t in huey.pending()] == ["import_job"]
    page = client.get(f"/imports/{number}").text
    assert "En cours d&#39;import" in page and 'hx-trigger="every 2s"' in page
    assert count(app, Contact) == 0
    with app.app_context():
        user_id = db.session.get_one(ImportBatch, number).created_by_id
        run_import(number, user_id)
    huey.flush()
    assert count(app, Contact) == 2
    assert client.get(f"/imports/{number}/progress").headers["HX-Refresh"] == "true"


def test_the_worker_knows_every_task(app):
    names = {name.rsplit(".", 1)[-1] for name in app.extensions["huey"]._registry._registry}
    assert {"deliver_outbox", "scan_job", "import_job", "staging_job", "forgotten_uploads_job",
            "nightly_housekeeping"} <= names
