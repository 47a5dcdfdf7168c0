"""Exporting then importing the file again through the real importer gives back the same
contacts; the importer keeps formula-looking text as typed."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from crm.contacts.models import Civility, Contact
from crm.extensions import db
from crm.imports.parsing.columns import guess_field
from crm.imports.parsing.readers import clean_value
from tests.exports.test_exports import _export, _list_with
from tests.imports.test_flow import batch_id, upload

FORMULA = '=HYPERLINK("http://exemple.test","clic")'


def _snapshot(app) -> list[tuple]:
    with app.app_context():
        return sorted(
            (c.civility.value, c.first_name, c.last_name, tuple(e.email for e in c.emails),
             tuple(sorted(p.e164 for p in c.phones)), tuple(o.name for o in c.outlets),
             c.job_title, tuple(b.name for b in c.beats), c.area)
            for c in db.session.scalars(select(Contact).where(Contact.deleted_at.is_(None))))


def _import(client, data: bytes, name: str) -> None:
    response = upload(client, data, name)
    assert response.status_code == 302, response.text
    done = client.post_form(f"/imports/{batch_id(response)}/commit", {"mode": "skip"})
    assert done.status_code == 302


@pytest.mark.parametrize(("fmt", "name"), [("csv", "export.csv"), ("xlsx", "export.xlsx")])
def test_export_then_import_gives_back_the_same_contacts(app, client, login_as, make_contact,
                                                         make_outlet, fmt, name):
    login_as("manager")
    outlet = make_outlet("L'Est Républicain")
    ids = [
        make_contact("SÉGOLÈNE", "Élodie", civility=Civility.MRS, outlet_ids=[outlet],
                     emails=["e.segolene@estrepublicain.test", "elodie@exemple.test"],
                     phones=["06 80 55 69 66", "03 81 00 00 00"], job_title="Journaliste; pigiste",
                     beats=["Économie", "Santé"], area="25"),
        make_contact("LEFÈVRE", "François", civility=Civility.MR, emails=["f.lefevre@exemple.test"],
                     job_title="-Rédacteur @chef", area="21"),
        make_contact(FORMULA, "+33 6 80 55 69 67", emails=["piege@exemple.test"]),
    ]
    before = _snapshot(app)
    exported = _export(client, _list_with(client, ids), fmt)
    assert exported.status_code == 200
    with app.app_context():
        db.session.execute(delete(Contact))
        db.session.commit()
    _import(client, exported.data, name)
    assert _snapshot(app) == before


def test_the_importer_keeps_formula_looking_text_as_typed(app, client, login_as):
    login_as("officer")
    data = ('Nom;Prénom;Courriel\r\n"' + FORMULA.replace('"', '""') + '";@SOMME(A1);x@exemple.test\r\n'
            "'=1+1;Anne;anne@exemple.test\r\n").encode()
    _import(client, data, "formules.csv")
    with app.app_context():
        names = {c.last_name: c.first_name for c in db.session.scalars(select(Contact))}
    assert names == {FORMULA: "@SOMME(A1)", "=1+1": "Anne"}


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_every_exported_header_is_one_the_importer_recognises(app, locale):
    from flask_babel import force_locale

    from crm.exports.columns import COLUMNS
    importable = {"civility": "civility", "first_name": "first_name", "last_name": "last_name",
                  "emails": "email", "phone": "phone", "mobile": "mobile", "outlets": "outlet",
                  "job_title": "role", "beats": "beat", "area": "area", "notes": "note"}
    with app.test_request_context(), force_locale(locale):
        for key, field in importable.items():
            assert guess_field(str(COLUMNS[key][0])) == field, (locale, key)
    assert clean_value("'" + FORMULA) == FORMULA
