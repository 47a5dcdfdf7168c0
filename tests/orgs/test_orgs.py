from sqlalchemy import select

from crm.audit.models import AuditEvent
from crm.extensions import db
from crm.orgs.models import Organisation
from crm.orgs.services import FOUNDING_ORGANISATIONS, init_organisations


def test_initial_data_creates_the_three_bodies_once(app):
    with app.app_context():
        assert init_organisations() == []  # the app fixture already ran it
        names = set(db.session.scalars(select(Organisation.short_name)))
    assert names == {short for _name, short, _aliases in FOUNDING_ORGANISATIONS}


def test_admin_adds_and_renames_an_organisation(app, client, login_as):
    login_as("admin")
    assert client.post_form("/admin/organisations/new", {
        "name": "Conseil départemental de la Côte-d'Or", "short_name": "CD21"}).status_code == 302
    page = client.get("/admin/organisations/")
    assert "Conseil départemental de la Côte-d&#39;Or" in page.text
    with app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.short_name == "CD21"))
    assert client.post_form(f"/admin/organisations/{org.id}/edit", {
        "name": "Département de la Côte-d'Or", "short_name": "CD 21"}).status_code == 302
    with app.app_context():
        assert db.session.get_one(Organisation, org.id).short_name == "CD 21"
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organisation.renamed"))
        assert event.details["old"] == ["Conseil départemental de la Côte-d'Or", "CD21"]


def test_duplicate_organisation_names_are_refused(client, login_as):
    login_as("admin")
    response = client.post_form("/admin/organisations/new", {"name": "autre", "short_name": "aer bfc"})
    assert response.status_code == 422
    assert "Un organisme porte déjà ce nom ou ce sigle." in response.text
