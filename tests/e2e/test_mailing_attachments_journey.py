"""A manager writes to contacts chosen on the contact list, attaches a PDF, checks the preview
(each body's logo, the file named) and sends — in a real browser, desktop and phone."""

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD
from tests.e2e.journey import sign_in

pytestmark = [pytest.mark.e2e,
              pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_manager_writes_to_a_selection_with_a_pdf_attached(page: Page, journey, make_user,
                                                           make_contact):
    manager = make_user("manager", "AER BFC", full_name="Claire Dubois")
    make_contact("GIRAUD", "Thomas", emails=["thomas.giraud@estrepublicain.fr"], civility="mr")
    make_contact("ROUSSEL", "Juliette", emails=["juliette.roussel@bienpublic.fr"],
                 civility="mrs")
    make_contact("LEROY", "Marc", emails=["marc.leroy@lejsl.fr"])
    j = journey("mailing-attachments")
    sign_in(page, j.base, manager.email, PASSWORD)
    j.go("/contacts/")
    for name in ("GIRAUD Thomas", "ROUSSEL Juliette"):
        page.get_by_role("checkbox", name=name).check()
    page.get_by_role("button", name="Écrire un envoi aux contacts sélectionnés").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvel envoi")
    expect(page.get_by_label("Thomas GIRAUD")).to_be_checked()
    j.check("selection-form")
    page.get_by_label("Objet").fill("Assises 2026 : dossier de presse")
    page.get_by_label("Message", exact=True).fill("{{ salutation }}\n\nLe dossier est joint.")
    page.get_by_label("Région Bourgogne-Franche-Comté", exact=True).check()
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    main = page.locator("main")
    expect(main).to_contain_text("2 contacts choisis un par un")
    expect(main).to_contain_text("2 destinataires")
    page.get_by_label("Fichier à joindre").set_input_files(
        files=[{"name": "Dossier de presse.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_role("button", name="Joindre", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("« Dossier de presse.pdf » est joint")
    expect(main.get_by_role("link", name="Dossier de presse.pdf")).to_be_visible()
    expect(main).to_contain_text("Fichiers joints : Dossier de presse.pdf")
    expect(main.locator(".mail-preview img")).to_have_count(2)  # each body's logo
    j.check("draft-with-attachment")
    page.get_by_label("Fichier à joindre").set_input_files(
        files=[{"name": "photo.pdf", "mimeType": "application/pdf", "buffer": b"GIF89a..."}])
    page.get_by_role("button", name="Joindre", exact=True).click()
    expect(page.locator(".alert-danger")).to_contain_text("n’est ni un PDF ni une image")
    j.check("refused-attachment")
    page.get_by_role("button", name="Envoyer à 2 destinataires").click()
    expect(page.get_by_role("status").first).to_be_visible()
    j.check("report")
