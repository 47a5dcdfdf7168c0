"""A mailing to contacts chosen one by one on the contact list: the selection is kept with the
draft, resolved with the lists (each address once), its exclusions shown, and sent."""

from __future__ import annotations

from sqlalchemy import select

from crm.contacts.models import Contact, Visibility
from crm.database import utcnow
from crm.extensions import db
from crm.mailings.models import Mailing, mailing_contact
from tests.conftest import login
from tests.mailings.test_sending import _process, _send


def _selection(app, mailing_id) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(mailing_contact.c.contact_id).where(
            mailing_contact.c.mailing_id == mailing_id).order_by(mailing_contact.c.contact_id)))


def test_write_to_the_selected_contacts_then_send(app, client, smtp, draft, make_contact):
    extra = make_contact("FAURE", "Lise", emails=["lise.faure@lejsl.test"], civility="mrs")
    gone = make_contact("VIDAL", "Marc", emails=["marc.vidal@lejsl.test"])
    robin = draft["contacts"][1]  # already in the draft's list
    login(client, draft["manager"].email)
    assert "Écrire un envoi aux contacts sélectionnés" in client.get("/contacts/").text
    page = client.post_form("/mailings/from-selection", {"contact_ids": [extra, robin, gone]}).text
    assert "Contacts choisis un par un" in page and "Lise FAURE" in page
    response = client.post_form("/mailings/new", {
        "subject": "Point presse", "body": "{{ salutation }}", "contact_ids": [extra, robin, gone],
        "list_ids": [draft["list"]]})
    assert response.status_code == 302, response.text
    with app.app_context():
        mailing_id = db.session.scalar(select(Mailing.id).where(Mailing.subject == "Point presse"))
        db.session.get_one(Contact, gone).deleted_at = utcnow()
        db.session.commit()
    assert _selection(app, mailing_id) == sorted([extra, robin, gone])
    page = client.get(f"/mailings/{mailing_id}").text
    assert "3 contacts choisis un par un" in page
    assert "4 destinataires" in page  # the list's three and Lise FAURE, ROBIN once
    assert "Dans la corbeille" in page and "VIDAL" in page.partition("Qui est écarté")[2]
    # unticking a contact on the edit page leaves it out
    edit = client.get(f"/mailings/{mailing_id}/edit").text
    assert f'value="{extra}" id="contact_ids-{extra}" checked' in edit
    client.post_form(f"/mailings/{mailing_id}/edit", {
        "subject": "Point presse", "body": "{{ salutation }}", "contact_ids": [robin, extra]})
    assert _selection(app, mailing_id) == sorted([extra, robin])
    _send(app, {**draft, "mailing": mailing_id})
    _process(app)
    assert sorted(m.rcpt_tos[0] for m in smtp.messages) == [
        "antoine.robin@bienpublic.test", "lise.faure@lejsl.test"]


def test_a_selection_is_only_of_contacts_the_manager_sees(app, client, draft, make_contact,
                                                          make_user):
    private = make_contact("SECRET", "Anne", emails=["anne@secret.test"], org="Préfecture BFC",
                           visibility=Visibility.PRIVATE)
    login(client, draft["manager"].email)
    page = client.post_form("/mailings/from-selection", {"contact_ids": [private]},
                            follow_redirects=True).text
    assert "Sélectionnez au moins un contact" in page
    client.post_form("/mailings/new", {"subject": "S", "body": "B", "contact_ids": [private]})
    with app.app_context():
        mailing_id = db.session.scalar(select(Mailing.id).where(Mailing.subject == "S"))
    assert _selection(app, mailing_id) == []


def test_a_manager_writes_to_one_contact_from_their_page(app, client, draft):
    login(client, draft["manager"].email)
    robin = draft["contacts"][1]
    page = client.get(f"/contacts/{robin}").text
    assert "Écrire un envoi à ce contact" in page
    form = client.post_form("/mailings/from-selection", {"contact_ids": robin}).text
    assert f'value="{robin}" id="contact_ids-{robin}" checked' in form
