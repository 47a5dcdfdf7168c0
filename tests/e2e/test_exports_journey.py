"""A manager exports a list to XLSX and to CSV in a real browser; an admin reads the export
log. On a desktop screen and on a phone, each step checked as in journey.py."""

import csv
import io

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from crm.contacts.models import Contact
from crm.extensions import db
from crm.lists.models import ContactList, ListKind, ListMember
from tests.conftest import PASSWORD
from tests.e2e.journey import open_menu, sign_in, sign_out

pytestmark = [pytest.mark.e2e,
              pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]


def _list_of_everyone(app, manager_org: int) -> None:
    with app.app_context():
        contact_list = ContactList(name="Presse des Assises", kind=ListKind.STATIC,
                                   organisation_id=manager_org)
        db.session.add(contact_list)
        db.session.flush()
        for contact_id in db.session.scalars(db.select(Contact.id)):
            db.session.add(ListMember(list_id=contact_list.id, contact_id=contact_id))
        db.session.commit()


def _download(page: Page, fmt_label: str) -> bytes:
    page.get_by_label("Format").select_option(label=fmt_label)
    with page.expect_download() as info:
        page.get_by_role("button", name="Exporter", exact=True).click()
    path = info.value.path()
    with open(path, "rb") as downloaded:
        return downloaded.read()


def test_manager_exports_a_list_to_xlsx_and_csv_and_an_admin_reads_the_log(
        app, page: Page, journey, make_user, make_contact):
    manager = make_user("manager", "AER BFC", full_name="Claire Dubois")
    admin = make_user("admin", "Région BFC", full_name="Denis Admin")
    make_contact("GIRAUD", "Thomas", emails=["thomas.giraud@estrepublicain.fr"], civility="mr",
                 phones=["06 80 55 69 66"])
    make_contact('=HYPERLINK("http://x.test")', "Œuvre", emails=["piege@exemple.test"])
    make_contact("ROUSSEL", "Juliette", emails=["juliette.roussel@bienpublic.fr"],
                 is_opted_out=True)
    _list_of_everyone(app, manager.organisation_id)
    j = journey("exports")
    sign_in(page, j.base, manager.email, PASSWORD)
    j.go("/lists/")
    page.get_by_role("link", name="Presse des Assises").click()
    page.get_by_role("link", name="Exporter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Exporter des contacts")
    expect(page.locator("main")).to_contain_text("3 contacts que vous voyez")
    expect(page.locator("main")).to_contain_text("désinscrit de tous les envois (1)")
    j.check("form")

    sheet = openpyxl.load_workbook(io.BytesIO(_download(page, "Classeur Excel (XLSX)"))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["Civilité", "Prénom", "Nom"]
    assert ["M.", "Thomas", "GIRAUD"] in [row[:3] for row in values]
    assert '=HYPERLINK("http://x.test")' in [row[2] for row in values]
    assert {c.data_type for row in sheet.iter_rows() for c in row if c.value} == {"s"}

    page.get_by_label("Liste de diffusion").check()
    rows = list(csv.reader(io.StringIO(_download(page, "CSV pour Excel (points-virgules, UTF-8)")
                                       .decode("utf-8-sig")), delimiter=";"))
    assert sorted(r[2] for r in rows[1:]) == ["'=HYPERLINK(\"http://x.test\")", "GIRAUD"]
    j.go("/lists/")
    flashes = page.locator(".flashes")  # the message of each download, shown on the next page
    expect(flashes).to_contain_text("3 contact(s) exporté(s).")
    expect(flashes).to_contain_text("2 contact(s) exporté(s). Exclus de la liste de diffusion : 1.")
    j.check("after")
    sign_out(page)

    sign_in(page, j.base, admin.email, PASSWORD)
    open_menu(page)
    page.get_by_role("button", name="Administration").click()
    page.get_by_role("link", name="Exports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Exports")
    table = page.locator("main table")
    expect(table).to_contain_text("Presse des Assises")
    expect(table).to_contain_text("Classeur Excel (XLSX)")
    expect(table).to_contain_text("Liste de diffusion")
    j.check("log")
    page.get_by_label("Format").select_option(label="Classeur Excel (XLSX)")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("main table tbody tr")).to_have_count(1)
    j.check("log-filtered")
