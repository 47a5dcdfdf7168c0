"""Exports through the pages: sources, formats read back by independent parsers, mailing-list
mode, scope, roles, the rate limit, the log and the audit entry."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import openpyxl
import vobject
from sqlalchemy import func, select

from crm.audit.models import AuditEvent
from crm.contacts.models import Civility, Contact, Visibility
from crm.exports.models import ExportRecord
from crm.exports.writers.neutralise import undo_neutralisation
from crm.extensions import db
from crm.lists.models import ContactList
from crm.privacy.services import erase_contact
from crm.settings import override
from tests.factories import user


def _list_with(client, ids: list[int], name: str = "Presse Doubs") -> int:
    response = client.post_form("/lists/new", {"name": name, "visibility": "shared"})
    list_id = int(response.headers["Location"].rsplit("/", 1)[1])
    client.post_form("/lists/add", {"list_id": list_id, "contact_ids": ids})
    return list_id


def _export(client, list_id: int, fmt: str, **extra):
    data = {"source": "list", "list_id": list_id, "format": fmt,
            "columns": ["civility", "first_name", "last_name", "emails", "phone", "mobile",
                        "outlets", "job_title", "beats", "area"], **extra}
    return client.post_form("/exports/", data)


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def _people(make_contact, make_outlet) -> list[int]:
    outlet = make_outlet("L'Est Républicain")
    return [
        make_contact("SÉGOLÈNE", "Élodie", civility=Civility.MRS, emails=["e.segolene@estrepublicain.test"],
                     phones=["06 80 55 69 66"], outlet_ids=[outlet], job_title="Journaliste",
                     beats=["Économie"], area="25"),
        make_contact('=HYPERLINK("http://x.test","clic")', "+33680556966",
                     emails=["piege@exemple.test"]),
    ]


def test_a_list_exports_to_csv_for_excel(app, client, login_as, make_contact, make_outlet):
    login_as("manager")
    list_id = _list_with(client, _people(make_contact, make_outlet))
    assert "Exporter" in client.get(f"/lists/{list_id}").text
    page = client.get(f"/exports/new?list_id={list_id}")
    assert page.status_code == 200 and "2 contacts" in page.text
    response = _export(client, list_id, "csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf\"")
    rows = _csv_rows(response.data)
    assert rows[0] == ["Civilité", "Prénom", "Nom", "Courriel", "Téléphone", "Portable",
                       "Média", "Fonction", "Thématiques", "Zone"]
    trap = next(r for r in rows if "HYPERLINK" in r[2])
    assert trap[2] == "'=HYPERLINK(\"http://x.test\",\"clic\")" and trap[1] == "'+33680556966"
    assert undo_neutralisation(trap[2]) == '=HYPERLINK("http://x.test","clic")'
    elodie = next(r for r in rows if r[2] == "SÉGOLÈNE")
    assert elodie == ["Mme", "Élodie", "SÉGOLÈNE", "e.segolene@estrepublicain.test", "",
                      "'+33680556966", "L'Est Républicain", "Journaliste", "Économie", "25"]


def test_a_list_exports_to_xlsx_with_text_cells_only(app, client, login_as, make_contact,
                                                      make_outlet):
    login_as("manager")
    list_id = _list_with(client, _people(make_contact, make_outlet))
    response = _export(client, list_id, "xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    assert ".xlsx" in response.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert {c.data_type for c in cells} == {"s"}
    values = [[c.value or "" for c in row] for row in sheet.iter_rows()]
    assert values[[r[2] for r in values].index("SÉGOLÈNE")][:3] == ["Mme", "Élodie", "SÉGOLÈNE"]
    assert '=HYPERLINK("http://x.test","clic")' in [r[2] for r in values]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:J3"


def test_a_list_exports_to_vcard(app, client, login_as, make_contact, make_outlet):
    login_as("manager")
    list_id = _list_with(client, _people(make_contact, make_outlet))
    response = _export(client, list_id, "vcard")
    assert response.status_code == 200 and response.mimetype == "text/vcard"
    cards = list(vobject.readComponents(response.data.decode("utf-8")))
    assert len(cards) == 2
    elodie = next(c for c in cards if c.n.value.family == "SÉGOLÈNE")
    assert elodie.n.value.prefix == "Mme" and elodie.org.value == ["L'Est Républicain"]
    assert [t.value for t in elodie.tel_list] == ["+33680556966"]
    assert [e.value for e in elodie.email_list] == ["e.segolene@estrepublicain.test"]
    assert elodie.title.value == "Journaliste"


def test_the_export_is_logged_and_audited(app, client, login_as, make_contact, make_outlet):
    manager = login_as("manager")
    list_id = _list_with(client, _people(make_contact, make_outlet))
    _export(client, list_id, "csv")
    with app.app_context():
        export = db.session.scalar(select(ExportRecord))
        assert (export.user_id, export.source.value, export.format.value, export.row_count) == (
            manager.id, "list", "csv", 2)
        assert export.label == "Presse Doubs" and "emails" in export.columns
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export.created"))
        assert event.target_id == export.id and event.details == {"format": "CSV", "rows": 2}


def test_the_admin_log_lists_and_filters_exports(app, client, login_as, make_contact, make_outlet):
    login_as("admin")
    list_id = _list_with(client, _people(make_contact, make_outlet))
    _export(client, list_id, "xlsx")
    page = client.get("/exports/log")
    assert page.status_code == 200 and "Presse Doubs" in page.text and "Classeur Excel" in page.text
    assert "Presse Doubs" not in client.get("/exports/log?format=csv").text
    audit = client.get("/admin/audit/?action=export.created").text
    assert "Contacts exportés" in audit and "Export n°" in audit and "XLSX" in audit


def test_mailing_list_mode_leaves_out_and_counts(app, client, login_as, make_contact, make_user):
    manager = login_as("manager")
    region = make_user("manager", "Région BFC")
    kept = make_contact("GARDÉ", "Paul", emails=["paul@exemple.test"])
    opted = make_contact("RETIRÉ", "Anne", emails=["anne@exemple.test"], is_opted_out=True)
    bounced = make_contact("REBOND", "Luc", emails=["luc@exemple.test"], is_email_bounced=True)
    ours = make_contact("NOUS", "Zoé", emails=["zoe@exemple.test"],
                        opt_out_organisation_ids=[manager.organisation_id])
    theirs = make_contact("EUX", "Léa", emails=["lea@exemple.test"],
                          opt_out_organisation_ids=[region.organisation_id])
    erased = make_contact("EFFACÉ", "Jean", emails=["jean@exemple.test"])
    with app.app_context():
        erase_contact(user(manager.id), db.session.get_one(Contact, erased))
        db.session.commit()
    again = make_contact("REVENU", "Jean", emails=["jean@exemple.test"])
    list_id = _list_with(client, [kept, opted, bounced, ours, theirs, again])
    form = client.get(f"/exports/new?list_id={list_id}").text
    assert "6 contacts" in form and "effacé à sa demande (1)" in form
    response = _export(client, list_id, "csv", mailing_list="y")
    names = {r[2] for r in _csv_rows(response.data)[1:]}
    assert names == {"GARDÉ", "EUX"}
    with app.app_context():
        export = db.session.scalar(select(ExportRecord))
        assert export.is_mailing_list and (export.row_count, export.left_out_count) == (2, 4)
    assert "Exclus de la liste de diffusion : 4" in client.get("/contacts/").text


def test_exports_read_only_what_the_exporter_sees(app, client, login_as, make_contact):
    login_as("manager")
    shared = make_contact("PARTAGÉ", "Ana")
    hidden = make_contact("SECRET", "Jeanne", org="Préfecture BFC", visibility=Visibility.PRIVATE)
    response = client.post_form("/exports/", {"source": "selection", "contact_ids": [shared, hidden],
                                              "format": "csv", "columns": ["last_name"]})
    assert [r[0] for r in _csv_rows(response.data)] == ["Nom", "PARTAGÉ"]


def test_the_search_and_the_selection_are_exported(app, client, login_as, make_contact):
    login_as("manager")
    first = make_contact("ROBIN", "Antoine", area="21")
    make_contact("HERMIER", "Cécile", area="25")
    listing = client.get("/contacts/?area=21").text
    assert "Exporter cette recherche" in listing and "Exporter les contacts sélectionnés" in listing
    criteria = json.dumps({"q": "", "filters": {"area": "21"}})
    assert "1 contact" in client.get("/exports/new", query_string={"criteria": criteria}).text
    response = client.post_form("/exports/", {"source": "search", "criteria": criteria,
                                              "format": "csv", "columns": ["last_name"]})
    assert [r[0] for r in _csv_rows(response.data)] == ["Nom", "ROBIN"]
    form = client.post_form("/exports/selection", {"contact_ids": [first]})
    assert form.status_code == 200 and f'name="contact_ids" value="{first}"' in form.text


def test_officers_export_only_when_allowed_and_only_their_bodys_lists(app, client, login_as,
                                                                       make_contact, make_user):
    login_as("officer")
    contact = make_contact("ROBIN", "Antoine")
    list_id = _list_with(client, [contact])
    assert client.get(f"/exports/new?list_id={list_id}").status_code == 403
    assert "Exporter" not in client.get(f"/lists/{list_id}").text
    assert _export(client, list_id, "csv").status_code == 403
    override(app, EXPORTS_BY_OFFICERS=True)
    assert _export(client, list_id, "csv").status_code == 200
    with app.app_context():
        other = ContactList(name="Liste Région", kind="static", organisation_id=make_user(
            "officer", "Région BFC").organisation_id)
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    assert _export(client, other_id, "csv").status_code == 403


def test_exports_are_rate_limited_per_user(app, client, login_as, make_contact):
    login_as("manager")
    list_id = _list_with(client, [make_contact("ROBIN", "Antoine")])
    override(app, EXPORTS_PER_HOUR=2)
    assert [_export(client, list_id, "csv").status_code for _ in range(2)] == [200, 200]
    refused = _export(client, list_id, "csv")
    assert refused.status_code == 429 and "Trop d’exports" in refused.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ExportRecord)) == 2
        for export in db.session.scalars(select(ExportRecord)):
            export.created_at -= dt.timedelta(minutes=61)
        db.session.commit()
    assert _export(client, list_id, "csv").status_code == 200


def test_a_forged_source_answers_404(app, client, login_as):
    login_as("manager")
    assert client.post_form("/exports/", {"source": "list", "list_id": 999999, "format": "csv",
                                          "columns": ["last_name"]}).status_code == 404
    assert client.post_form("/exports/", {"source": "search", "criteria": "{not json",
                                          "format": "csv", "columns": ["last_name"]}).status_code == 404
    assert client.get("/exports/new").status_code == 404
