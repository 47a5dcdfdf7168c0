"""Each body's information notice: defaults from the configuration, edited by its admins with
a version (a stale edit gets the conflict page), shown on a public page."""

from __future__ import annotations

from sqlalchemy import select

from crm.extensions import db
from crm.privacy.models import PrivacyNotice
from crm.settings import override
from tests.conftest import login, org_id

FORM = {"legal_basis": "public_task",
        "controller": "Région Bourgogne-Franche-Comté, 4 square Castan, Besançon",
        "dpo_contact": "dpo@bourgognefranchecomte.fr", "purpose": "Relations presse",
        "source": "Communiqués publics", "retention": "Trois ans", "rights": "Écrivez au DPO",
        "complaint": "CNIL, 3 place de Fontenoy"}


def test_the_public_page_shows_the_defaults_with_each_bodys_legal_basis(app, client):
    region, aer = org_id(app, "Région BFC"), org_id(app, "AER BFC")
    page = client.get(f"/privacy/notice/{region}")  # no sign-in
    assert page.status_code == 200
    assert "Mission d'intérêt public" in page.text and "Région Bourgogne-Franche-Comté" in page.text
    assert "36 mois" in page.text and "CNIL" in page.text
    assert "Intérêt légitime" in client.get(f"/privacy/notice/{aer}").text
    assert client.get("/privacy/notice/999999").status_code == 404
    override(app, RETENTION_MONTHS=24, PRIVACY_LEGAL_BASES={"AER BFC": "public_task"})
    shown = client.get(f"/privacy/notice/{aer}").text
    assert "24 mois" in shown and "Mission d'intérêt public" in shown


def test_an_admin_edits_the_notice_and_a_stale_edit_is_caught(app, client, login_as, make_user):
    admin = login_as("admin", "Région BFC")
    form = client.get("/privacy/notice/edit")
    assert form.status_code == 200 and 'name="version" type="hidden" value="0"' in form.text
    empty = client.post_form("/privacy/notice/edit", {**FORM, "controller": "", "version": "0"})
    assert empty.status_code == 422
    saved = client.post_form("/privacy/notice/edit", {**FORM, "version": "0"})
    assert saved.status_code == 302
    public = client.get(f"/privacy/notice/{admin.organisation_id}").text
    assert "4 square Castan" in public and "dpo@bourgognefranchecomte.fr" in public
    # a second admin opened the form before the save: their edit is not written over it
    stale = client.post_form("/privacy/notice/edit", {**FORM, "purpose": "Autre", "version": "0"})
    assert stale.status_code == 409 and "Relations presse" in stale.text
    with app.app_context():
        row = db.session.scalars(select(PrivacyNotice)).one()
        assert (row.purpose, row.version) == ("Relations presse", 1)
    again = client.post_form("/privacy/notice/edit", {**FORM, "purpose": "Autre", "version": "1"})
    assert again.status_code == 302
    # another body's admin edits their own notice, never this one
    other = make_user("admin", "AER BFC")
    client.post_form("/auth/logout")
    login(client, other.email)
    assert "Intérêt légitime" in client.get("/privacy/notice/edit").text
    with app.app_context():
        assert db.session.scalar(select(PrivacyNotice.purpose)) == "Autre"


def test_a_bad_legal_basis_in_the_configuration_is_refused(app):
    import pytest

    from crm.settings import SettingsError
    with pytest.raises(SettingsError, match="PRIVACY_LEGAL_BASES"):
        override(app, PRIVACY_LEGAL_BASES={"AER BFC": "whim"})
    override(app, PRIVACY_LEGAL_BASES={"Région BFC": "public_task"})
