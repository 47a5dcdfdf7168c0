"""The contact page renders whatever its timeline holds: edits, merges, undone merges."""

from __future__ import annotations

from crm.auth.models import User
from crm.contacts.models import Contact
from crm.contacts.services import contact_data, update_contact
from crm.dedupe.merging import merge_contacts, undo_merge
from crm.extensions import db


def test_contact_page_after_an_edit_a_merge_and_an_undone_merge(app, client, login_as,
                                                                  make_contact):
    me = login_as("officer")
    kept_id = make_contact("POIRIER", "Aline", emails=["apoirier@aer-bfc.com"])
    other_id = make_contact("Poirier", "Aline", org="Région BFC",
                            emails=["aline.poirier@gmail.com"], job_title="Journaliste santé")
    with app.app_context():
        actor = db.session.get_one(User, me.id)
        kept = db.session.get_one(Contact, kept_id)
        data = contact_data(kept)
        data.job_title, data.notes = "Cheffe d'édition", "Préfère le courriel"
        update_contact(actor, kept, data, expected_version=kept.version)
        db.session.commit()

    edited = client.get(f"/contacts/{kept_id}")
    assert edited.status_code == 200, edited.text
    assert "Contact modifié" in edited.text
    assert "Fonction, Notes" in edited.text  # field labels, not field codes
    assert "job_title" not in edited.text

    with app.app_context():
        actor = db.session.get_one(User, me.id)
        merge = merge_contacts(actor, db.session.get_one(Contact, kept_id),
                               db.session.get_one(Contact, other_id), {"job_title": "merged"})
        db.session.commit()
        merged_page = client.get(f"/contacts/{kept_id}")
        assert merged_page.status_code == 200, merged_page.text
        assert "Un autre contact fusionné dans celui-ci" in merged_page.text
        assert "Fonction, Adresses électroniques" in merged_page.text
        undo_merge(actor, merge)
        db.session.commit()

    page = client.get(f"/contacts/{kept_id}")
    assert page.status_code == 200, page.text
    assert "Fusion annulée" in page.text
    assert "Un autre contact fusionné dans celui-ci" in page.text
    # the merge undone names the other contact, alive again: a link to it
    assert f"L'autre contact : <a href=\"/contacts/{other_id}\">" in page.text
    other = client.get(f"/contacts/{other_id}")
    assert other.status_code == 200
    assert "Contact fusionné dans un autre" in other.text
    assert f'<a href="/contacts/{kept_id}">' in other.text
