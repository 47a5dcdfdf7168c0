"""RGPD in a real browser, on a desktop screen and on a phone: an admin answers a person's
access request from the contact page, edits the body's information notice, erases a contact
on request; the public notice is read without an account."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD, org_id
from tests.e2e.journey import open_menu, sign_in, sign_out

pytestmark = [pytest.mark.e2e,
              pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]


def test_an_admin_answers_an_access_request_edits_the_notice_and_erases(
        page: Page, journey, app, make_user, make_contact, make_interaction):
    admin = make_user("admin", "Région BFC", full_name="Claire Morel")
    aline = make_contact("POIRIER", "Aline", org="Région BFC", emails=["apoirier@journal.test"],
                         phones=["+33680556966"], beats=["Économie"])
    make_interaction(admin.id, [aline], subject="Entretien sur les Assises")
    j = journey("rgpd")
    sign_in(page, j.base, admin.email, PASSWORD)

    j.go(f"/contacts/{aline}")
    page.get_by_role("link", name="Droits de la personne : accès, rectification, opposition").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Droits de Aline POIRIER")
    j.check("rights")
    page.get_by_label("Demande", exact=True).select_option(label="Accès à ses données")
    page.get_by_label("Reçue de").fill("Courriel de la journaliste")
    page.get_by_role("button", name="Enregistrer la demande").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Données détenues sur Aline POIRIER")
    main = page.locator("main")
    expect(main).to_contain_text("apoirier@journal.test")
    expect(main).to_contain_text("Entretien sur les Assises")
    expect(main).to_contain_text("Accès à ses données")
    j.check("access")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger en JSON").click()
    assert download.value.suggested_filename == f"donnees-contact-{aline}.json"

    open_menu(page)
    page.get_by_role("button", name="Administration").click()
    page.get_by_role("link", name="Demandes RGPD").click()
    expect(page.locator("main table")).to_contain_text("Courriel de la journaliste")
    j.check("requests-open")
    page.get_by_role("button", name="Marquer comme traitée").click()
    expect(page.get_by_role("status").or_(page.get_by_role("alert")).first).to_contain_text(
        "traitée aujourd'hui")
    expect(page.get_by_role("button", name="Marquer comme traitée")).to_have_count(0)
    j.check("requests-answered")

    open_menu(page)
    page.get_by_role("button", name="Administration").click()
    page.get_by_role("link", name="Notice d'information").click()
    j.check("notice-form")
    page.get_by_label("Délégué à la protection des données (comment le joindre)").fill(
        "dpo@bourgognefranchecomte.test, 4 square Castan, 25000 Besançon")
    page.get_by_role("button", name="Enregistrer la notice").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("utilise vos données")
    expect(page.locator("main")).to_contain_text("dpo@bourgognefranchecomte.test")
    j.check("notice-saved")

    j.go(f"/contacts/{aline}")
    page.get_by_role("link", name="Effacer (RGPD)").click()
    page.get_by_label("Reçue de").fill("Lettre recommandée")
    j.check("erase")
    page.get_by_label("Je confirme que la personne a demandé l'effacement").check()
    page.get_by_role("button", name="Effacer définitivement").click()
    expect(page.get_by_role("status").or_(page.get_by_role("alert")).first).to_contain_text(
        "a été effacé")
    j.go("/contacts/?q=poirier")
    expect(page.locator("main")).not_to_contain_text("POIRIER Aline")
    j.check("erased")
    j.go("/privacy/requests/")
    expect(page.locator("main table")).to_contain_text("Effacé")
    j.check("requests-erasure")
    sign_out(page)

    j.go(f"/privacy/notice/{org_id(app, 'Région BFC')}")  # a journalist, no account
    expect(page.locator("main")).to_contain_text("dpo@bourgognefranchecomte.test")
    expect(page.locator("main")).to_contain_text("Mission d'intérêt public")
    j.check("public-notice")
