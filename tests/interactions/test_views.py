"""Logging interactions from the contact page, with and without htmx; edit, delete, undo."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from crm.audit.models import AuditEvent
from crm.contacts.models import Contact
from crm.extensions import db
from crm.interactions.models import Interaction, InteractionKind

QUICK = {"kind": "call", "happened_at": "2026-11-26T10:15", "subject": "Appel sur les Assises",
         "notes": "Intéressée par le point presse", "visibility": "org", "outlet_id": ""}


def test_quick_log_without_javascript_redirects_and_updates_the_contact(app, client, login_as,
                                                                        make_contact):
    me = login_as("officer")
    contact_id = make_contact()
    response = client.post_form(f"/interactions/contact/{contact_id}",
                                {**QUICK, "contact_ids": [contact_id]})
    assert response.status_code == 302
    page = client.get(response.location)
    assert "Interaction enregistrée." in page.text
    assert "Appel sur les Assises" in page.text
    assert "Appel téléphonique" in page.text
    with app.app_context():
        contact = db.session.get_one(Contact, contact_id)
        # 10:15 in Paris in November is 09:15 UTC
        assert contact.last_interaction_at == dt.datetime(2026, 11, 26, 9, 15, tzinfo=dt.UTC)
        interaction = db.session.scalar(select(Interaction))
        assert interaction.author_id == me.id and interaction.organisation_id == me.organisation_id
        assert db.session.scalar(select(AuditEvent.action).where(
            AuditEvent.target_type == "interaction")) == "interaction.created"


def test_quick_log_with_htmx_returns_the_activity_block(client, login_as, make_contact):
    login_as("officer")
    contact_id = make_contact()
    response = client.post_form(f"/interactions/contact/{contact_id}",
                                {**QUICK, "contact_ids": [contact_id]},
                                headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith("<div id=\"activity\">")
    assert "<html" not in response.text
    assert "Appel sur les Assises" in response.text
    assert 'name="csrf_token"' in response.text


def test_coverage_needs_an_http_address(client, login_as, make_contact):
    login_as("officer")
    contact_id = make_contact()
    data = {**QUICK, "kind": "coverage", "contact_ids": [contact_id],
            "coverage_url": "javascript:alert(1)", "coverage_title": "Article"}
    response = client.post_form(f"/interactions/contact/{contact_id}", data)
    assert response.status_code == 422
    assert "https://" in response.text
    data["coverage_url"] = "https://www.estrepublicain.fr/economie/assises-2026"
    assert client.post_form(f"/interactions/contact/{contact_id}", data).status_code == 302


def test_author_edits_deletes_and_undoes(app, client, login_as, make_contact, make_interaction):
    me = login_as("officer")
    contact_id = make_contact()
    interaction_id = make_interaction(me.id, [contact_id])
    edit = client.get(f"/interactions/{interaction_id}/edit")
    assert edit.status_code == 200
    response = client.post_form(f"/interactions/{interaction_id}/edit", {
        **QUICK, "subject": "Interview sur les Assises", "kind": "interview",
        "contact_ids": [contact_id]})
    assert response.status_code == 302
    assert "Interview sur les Assises" in client.get(f"/contacts/{contact_id}").text
    deleted = client.post_form(f"/interactions/{interaction_id}/delete", follow_redirects=True)
    assert "placée dans la corbeille" in deleted.text
    assert client.get(f"/interactions/{interaction_id}").status_code == 404
    client.post_form(f"/interactions/{interaction_id}/restore")
    assert client.get(f"/interactions/{interaction_id}").status_code == 200
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.target_type == "interaction")))
        assert actions == {"interaction.created", "interaction.updated", "interaction.deleted",
                           "interaction.restored"}
        assert db.session.get_one(Interaction, interaction_id).kind == InteractionKind.INTERVIEW


def test_a_colleague_cannot_edit_but_a_manager_can(client, login_as, make_user, make_contact,
                                                   make_interaction):
    author = make_user("officer", "AER BFC")
    contact_id = make_contact()
    interaction_id = make_interaction(author.id, [contact_id])
    login_as("officer", "AER BFC")
    assert client.get(f"/interactions/{interaction_id}").status_code == 200
    assert client.get(f"/interactions/{interaction_id}/edit").status_code == 403
    assert client.post_form(f"/interactions/{interaction_id}/delete").status_code == 403
    client.post_form("/auth/logout")
    login_as("manager", "AER BFC")
    assert client.get(f"/interactions/{interaction_id}/edit").status_code == 200


def test_editing_keeps_the_contacts_the_editor_cannot_see(app, client, login_as, make_user,
                                                          make_contact, make_interaction):
    from crm.contacts.models import Visibility
    from crm.interactions.models import InteractionVisibility

    manager = make_user("manager", "Région BFC")
    shared = make_contact()
    private = make_contact("PRIVEEREGION", org="Région BFC", visibility=Visibility.PRIVATE)
    interaction_id = make_interaction(manager.id, [shared, private],
                                      visibility=InteractionVisibility.SHARED)
    author = make_user("officer", "AER BFC")
    with app.app_context():
        interaction = db.session.get_one(Interaction, interaction_id)
        interaction.author_id = author.id  # an AER author, to let an AER user edit it
        interaction.organisation_id = author.organisation_id
        db.session.commit()
    from tests.conftest import login

    login(client, author.email)
    edit = client.get(f"/interactions/{interaction_id}/edit").text
    assert "PRIVEEREGION" not in edit
    assert client.post_form(f"/interactions/{interaction_id}/edit", {
        **QUICK, "contact_ids": [shared]}).status_code == 302
    with app.app_context():
        ids = {c.id for c in db.session.get_one(Interaction, interaction_id).contacts}
        assert ids == {shared, private}
