"""The draft page: recipients and exclusions before sending, a preview as any recipient."""

from __future__ import annotations

from crm.contacts.models import Contact
from crm.extensions import db
from tests.conftest import login


def test_the_draft_shows_who_is_left_out_and_why(app, client, draft):
    with app.app_context():
        db.session.get_one(Contact, draft["contacts"][1]).is_opted_out = True
        db.session.commit()
    login(client, draft["manager"].email)
    page = client.get(f"/mailings/{draft['mailing']}").text
    assert "2 destinataires" in page
    assert "Désinscrit de tous les envois" in page
    assert "ROBIN" in page.partition("Qui est écarté")[2]
    assert "cosignataire" in page  # a co-signed mailing says why its exclusions are wider
    assert "Envoyer à 2 destinataires" in page


def test_the_preview_is_the_message_of_the_chosen_recipient(app, client, draft):
    login(client, draft["manager"].email)
    martin = draft["contacts"][2]
    page = client.get(f"/mailings/{draft['mailing']}?contact_id={martin}").text
    assert "Objet :</strong> Assises 2026 : invitation de Paul" in page
    assert "Monsieur MARTIN" in page and "<strong>Assises</strong>" in page
    page = client.get(f"/mailings/{draft['mailing']}").text
    assert "invitation de Cécile" in page  # the first recipient by default


def test_officers_do_not_send_mailings(client, login_as):
    login_as("officer")
    assert client.get("/mailings/").status_code == 403
    assert "/mailings/" not in client.get("/").text
