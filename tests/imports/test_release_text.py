"""A contact block leads back to the release it was found in, for the body that pasted it."""

from sqlalchemy import select

from crm.auth.models import User
from crm.contacts.models import Contact, ContactEmail
from crm.extensions import db
from crm.imports.models import ContactBlock, ImportBatch
from crm.privacy.services import erase_contact
from tests.conftest import login
from tests.imports.test_flow import batch_id

SUMMARY = "Lire le communiqué où ce bloc a été trouvé"


def _paste(client, text: str) -> int:
    response = client.post_form("/imports/new", {"text": text, "source": "Communiqué Assises 2026",
                                                 "visibility": "shared"})
    number = batch_id(response)
    client.post_form(f"/imports/{number}/commit", {"mode": "skip"})
    return number


def test_the_importing_body_reads_the_release_from_its_block(app, client, login_as, make_user,
                                                            release_text):
    login_as("manager", "Région BFC")
    _paste(client, release_text)
    with app.app_context():
        block_id = db.session.scalar(select(ContactBlock.id))
    page = client.get(f"/imports/blocks/{block_id}")
    assert SUMMARY in page.text and "3^e Assises régionales de la filière" in page.text
    other = app.test_client()
    login(other, make_user("officer", "AER BFC").email)
    shown = other.get(f"/imports/blocks/{block_id}")
    assert shown.status_code == 200 and "POIRIER" in shown.text
    assert SUMMARY not in shown.text and "Assises régionales de la filière" not in shown.text


def test_erasing_a_person_named_in_the_release_empties_its_text(app, client, login_as,
                                                               release_text):
    manager = login_as("manager", "Région BFC")
    number = _paste(client, release_text)
    with app.app_context():
        hubidos = db.session.scalar(select(Contact).join(ContactEmail).where(
            ContactEmail.email == "laure.hubidos@bourgognefranchecomte.fr"))
        erase_contact(db.session.get_one(User, manager.id), hubidos)
        db.session.commit()
        assert db.session.get_one(ImportBatch, number).source_text is None
