"""The main journeys of each role in a real browser, on a desktop screen and on a phone.

Each step checks that nothing overflows sideways, that the main content stays readable,
that axe-core finds no serious or critical violation, and saves a full-page screenshot
under test-results/screenshots/ (see journey.py)."""

import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from crm.demo.press import DATA as DEMO
from crm.demo.press import load_outlets
from crm.extensions import db
from tests.conftest import PASSWORD, login
from tests.e2e.journey import NARROW, open_menu, sign_in, sign_out

pytestmark = [pytest.mark.e2e,
              pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]

RELEASE = Path(__file__).resolve().parents[1] / "data" / "communique-assises-2026.txt"


def test_officer_finds_a_contact_logs_a_call_and_a_colleague_closes_the_task(
        page: Page, journey, make_user, make_outlet, make_contact):
    officer = make_user("officer", "AER BFC", full_name="Agnès Martin")
    colleague = make_user("officer", "Région BFC", full_name="Bruno Lefèvre")
    est = make_outlet("L'Est Républicain")
    make_contact("GIRAUD", "Thomas", outlet_ids=[est], phones=["+33621324354"],
                 emails=["thomas.giraud@estrepublicain.fr"], beats=["Politique"])
    make_contact("ROUSSEL", "Juliette", phones=["+33611223344"], beats=["Économie"])
    j = journey("officer")
    sign_in(page, j.base, officer.email, PASSWORD)
    j.check("home")

    j.go("/contacts/")
    j.check("contacts")
    search = page.get_by_role("searchbox", name="Rechercher")
    search.fill("republicain")
    search.press("Enter")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("GIRAUD Thomas")
    filters = page.locator("main details").filter(has_text="Filtres")
    expect(filters).not_to_have_attribute("open", "")  # no filter in use
    j.check("search-accents")
    search = page.get_by_role("searchbox", name="Rechercher")
    search.fill("06 21 32 43 54")
    search.press("Enter")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("GIRAUD Thomas")
    j.check("search-phone")

    page.get_by_role("link", name="GIRAUD Thomas").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thomas GIRAUD")
    j.check("contact")
    activity = page.locator("#activity")
    expect(activity).to_contain_text("1 élément")  # the creation of the record
    activity.get_by_label("Objet").fill("Appel au sujet des Assises")
    activity.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#timeline")).to_contain_text("Appel au sujet des Assises")
    expect(activity.get_by_label("Objet")).to_have_value("")  # the form is ready for the next
    expect(activity).to_contain_text("2 éléments")
    j.check("call-logged")

    page.get_by_role("link", name="Nouvelle tâche").click()
    page.get_by_label("Titre").fill("Envoyer le dossier de presse")
    page.get_by_label("Confiée à").select_option(label="Bruno Lefèvre (Région BFC)")
    j.check("task-form")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Envoyer le dossier de presse")
    j.check("task-created")
    sign_out(page)

    sign_in(page, j.base, colleague.email, PASSWORD)
    j.go("/tasks/")
    j.check("colleague-tasks")
    page.get_by_role("link", name="Envoyer le dossier de presse").click()
    page.get_by_role("button", name="Marquer comme terminée").click()
    expect(page.locator("main")).to_contain_text("Terminée")
    expect(page.get_by_role("button", name="Rouvrir")).to_be_visible()
    j.check("task-closed")


def test_officers_import_both_demo_files_and_paste_the_release(page: Page, journey, make_user,
                                                               jobs_inline):
    aer = make_user("officer", "AER BFC", full_name="Agnès Martin")
    region = make_user("officer", "Région BFC", full_name="Bruno Lefèvre")
    j = journey("imports")
    for user, name, step in [(aer, "journalistes-aer-bfc.csv", "aer"),
                             (region, "presse-region-bfc.csv", "region")]:
        sign_in(page, j.base, user.email, PASSWORD)
        j.go("/imports/new")
        j.check(f"{step}-new")
        page.get_by_label("Fichier", exact=True).set_input_files(DEMO / name)
        page.get_by_label("Provenance des données").fill(f"Fichier presse {step}")
        page.get_by_role("button", name="Prévisualiser").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(name)
        expect(page.locator("main table")).to_contain_text("Juliette")
        j.check(f"{step}-preview")
        page.get_by_role("button", name="Importer").click()
        expect(page.get_by_role("status").or_(page.get_by_role("alert")).first).to_be_visible()
        expect(page.locator("main")).to_contain_text("Compte rendu")
        j.check(f"{step}-done")
        if user is aer:
            sign_out(page)

    j.go("/imports/new")
    page.get_by_label("…ou collez un communiqué de presse").fill(RELEASE.read_text(encoding="utf-8"))
    page.get_by_label("Provenance des données").fill("Communiqué des Assises 2026")
    page.get_by_role("button", name="Prévisualiser").click()
    expect(page.locator("main")).to_contain_text("Blocs de contacts")
    j.check("release-preview")
    page.get_by_role("button", name="Importer").click()
    expect(page.locator("main")).to_contain_text("Compte rendu")
    j.check("release-done")
    j.go("/imports/")
    j.check("list")


def test_duplicates_scan_review_merge_undo_and_edit(page: Page, journey, app, make_user, jobs_inline):
    with app.app_context():
        load_outlets()  # the region's outlets, as in the demo: the files name them
        db.session.commit()
    aer = make_user("officer", "AER BFC", full_name="Agnès Martin")
    region = make_user("manager", "Région BFC", full_name="Bruno Lefèvre")
    import_through_the_app(app, aer.email, "journalistes-aer-bfc.csv")
    import_through_the_app(app, region.email, "presse-region-bfc.csv")
    j = journey("dedupe")
    sign_in(page, j.base, region.email, PASSWORD)
    j.go("/duplicates/")
    j.check("empty")
    page.get_by_role("button", name="Chercher dans tout le fichier").click()
    expect(page.get_by_role("status").filter(has_text="Dernière recherche")).to_be_visible()
    j.check("pairs")
    row = page.locator("main table tbody tr").filter(has_text="PERRIN")
    row.get_by_role("link", name="Examiner").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Même personne ?")
    left, right = (page.locator("main tbody tr").filter(has_text="PERRIN").locator(".pair-side")
                   .nth(side).bounding_box() for side in (0, 1))
    if j.width < NARROW:  # on a phone the right side comes under the left one
        assert right["y"] >= left["y"] + left["height"] and right["x"] == left["x"]
    else:
        assert right["y"] == left["y"] and right["x"] >= left["x"] + left["width"]
    weights = page.locator("main table.pair-weights")
    expect(weights.locator("caption")).to_contain_text("Ce que chaque champ apporte")
    expect(weights.locator("tfoot")).to_contain_text("Score")
    j.check("review")
    page.get_by_role("button", name="Fusionner").click()
    expect(page.get_by_role("status").filter(has_text="Contacts fusionnés")).to_be_visible()
    kept = page.url
    j.check("merged")
    j.go("/duplicates/merges")
    j.check("merges")
    page.get_by_role("button", name="Annuler la fusion").click()
    expect(page.get_by_role("status").filter(has_text="Fusion annulée")).to_be_visible()
    j.check("undone")
    page.goto(kept)
    page.get_by_role("link", name="Modifier").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Modifier")
    j.check("edit")
    page.get_by_label("Fonction").fill("Rédacteur en chef adjoint")
    page.get_by_role("button", name="Enregistrer").click()
    # the other contact of the pair is back, but it was there before this edit: no question
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text("Rédacteur en chef adjoint")
    j.check("edited")


def test_manager_erases_a_contact(page: Page, journey, make_user, make_contact):
    manager = make_user("manager", "Préfecture BFC", full_name="Claire Dubois")
    make_contact("VIDAL", "Hélène", org="Préfecture BFC", emails=["helene.vidal@example.org"])
    j = journey("erasure")
    sign_in(page, j.base, manager.email, PASSWORD)
    j.go("/contacts/")
    page.get_by_role("link", name="VIDAL Hélène").click()
    page.get_by_role("link", name="Effacer (RGPD)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hélène VIDAL")
    j.check("confirm")
    page.get_by_role("button", name="Effacer définitivement").click()
    expect(page.get_by_role("alert")).to_be_visible()  # the box is not ticked yet
    j.check("not-ticked")
    page.get_by_label("Je confirme que la personne a demandé l'effacement").check()
    page.get_by_role("button", name="Effacer définitivement").click()
    expect(page.get_by_role("status").filter(has_text="effacé")).to_be_visible()
    expect(page.locator("main table")).not_to_contain_text("VIDAL")
    j.check("erased")


def test_admin_creates_an_account(page: Page, journey, make_user):
    admin = make_user("admin", "AER BFC", full_name="Denis Admin")
    j = journey("admin")
    sign_in(page, j.base, admin.email, PASSWORD)
    open_menu(page)
    page.get_by_role("button", name="Administration").click()
    expect(page.get_by_role("link", name="Utilisateurs")).to_be_visible()
    j.check("menu-open")  # the links of the opened menu are checked too
    page.get_by_role("link", name="Utilisateurs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Utilisateurs")
    j.check("users")
    page.get_by_role("link", name="Nouveau compte").click()
    page.get_by_label("Nom complet").fill("Élodie Garnier")
    page.get_by_label("Adresse électronique").fill("elodie.garnier@prefecture.example.fr")
    page.get_by_label("Organisme").select_option(label="Préfecture de la région Bourgogne-Franche-Comté")
    page.get_by_label("Nouveau mot de passe", exact=True).fill("une phrase de passe assez longue")
    page.get_by_label("Confirmez le nouveau mot de passe").fill("une phrase de passe assez longue")
    j.check("new")
    page.get_by_role("button", name="Créer le compte").click()
    expect(page.get_by_role("status").filter(has_text="Compte créé pour Élodie Garnier")).to_be_visible()
    j.check("created")


def import_through_the_app(app, email: str, name: str) -> None:
    """Set-up outside the browser: one officer's file imported through the real views."""
    client = app.test_client()
    assert login(client, email).status_code == 302
    response = client.post_form("/imports/new", {
        "file": (io.BytesIO((DEMO / name).read_bytes()), name), "source": f"Fichier {name}",
        "visibility": "shared", "encoding": "", "delimiter": ""},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.text
    client.post_form(f"{response.headers['Location']}/commit", {"mode": "skip"})


def test_every_page_of_the_menu_passes_the_checks(page: Page, journey, make_user, make_contact,
                                                   make_outlet):
    admin = make_user("admin", "Région BFC", full_name="Denis Admin")
    outlet = make_outlet("Le Bien Public")
    make_contact("ROUSSEL", "Juliette", outlet_ids=[outlet], phones=["+33611223344"])
    j = journey("menu")
    sign_in(page, j.base, admin.email, PASSWORD)
    hrefs = page.eval_on_selector_all("nav a.nav-link, nav a.dropdown-item",
                                      "links => links.map(a => a.href)")
    extra = ["/contacts/new", "/contacts/trash", "/outlets/new", "/tasks/new", "/tasks/team",
             "/duplicates/merges", "/imports/blocks/", "/admin/organisations/new"]
    assert len(hrefs) >= 9
    for href in [*hrefs, *(f"{j.base}{path}" for path in extra)]:
        response = page.goto(href)
        assert response is not None and response.status == 200, href
        j.check(href.removeprefix(j.base).strip("/").replace("/", "-") or "home")


def test_manager_builds_a_list_and_sends_a_co_signed_mailing(
        app, page: Page, journey, make_user, make_contact):
    manager = make_user("manager", "AER BFC", full_name="Claire Dubois")
    make_contact("GIRAUD", "Thomas", emails=["thomas.giraud@estrepublicain.fr"], civility="mr")
    make_contact("ROUSSEL", "Juliette", emails=["juliette.roussel@bienpublic.fr"],
                 is_opted_out=True)
    j = journey("mailing")
    sign_in(page, j.base, manager.email, PASSWORD)
    j.go("/lists/new")
    page.get_by_label("Nom").fill("Invitation Assises")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitation Assises")
    j.check("list-new")
    j.go("/contacts/")
    for name in ("GIRAUD Thomas", "ROUSSEL Juliette"):
        page.get_by_role("checkbox", name=name).check()
    page.get_by_role("button", name="Ajouter les contacts sélectionnés à la liste").click()
    expect(page.locator("main table tbody tr")).to_have_count(2)
    j.check("list-members")

    open_menu(page)
    page.get_by_role("link", name="Envois").click()
    j.check("mailings")
    page.get_by_role("link", name="Nouvel envoi").click()
    page.get_by_label("Objet").fill("Assises 2026 : invitation")
    page.get_by_label("Message", exact=True).fill("{{ salutation }}\n\nVous êtes invité aux **Assises**.")
    page.get_by_label("Région Bourgogne-Franche-Comté", exact=True).check()
    page.get_by_label("Invitation Assises").check()
    j.check("mailing-form")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    main = page.locator("main")
    expect(main).to_contain_text("1 destinataire")
    expect(main).to_contain_text("Désinscrit de tous les envois")
    expect(main.locator(".mail-preview")).to_contain_text("Monsieur,")
    j.check("draft")
    page.get_by_role("button", name="Envoyer à 1 destinataire").click()
    expect(page.get_by_role("status").first).to_be_visible()
    j.check("report")

    with app.app_context():  # the message's link, as the worker would have made it
        from crm.mailings.models import Delivery, DeliveryStatus, Mailing
        from crm.mailings.sending import token_hash
        mailing = db.session.scalars(db.select(Mailing)).one()
        db.session.add(Delivery(mailing_id=mailing.id, email="thomas.giraud@estrepublicain.fr",
                                message_id="<m1@relais.test>", status=DeliveryStatus.SENT,
                                unsubscribe_hash=token_hash("t" * 43)))
        db.session.commit()
    sign_out(page)
    j.go(f"/mailings/unsubscribe/{'t' * 43}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Désinscription")
    j.check("unsubscribe")
    page.get_by_role("button", name="Ne plus rien recevoir des trois organismes").click()
    expect(page.get_by_role("status")).to_contain_text("C'est fait")
    j.check("unsubscribed")
