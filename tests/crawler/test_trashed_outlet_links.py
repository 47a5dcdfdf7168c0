"""Found by the crawler after a visit sent an outlet with contacts to the trash: the pages
that name it linked to its page, which answers 404, and an edit of one of its contacts
dropped the link."""

import lxml.html

from crm.contacts.models import Contact
from crm.extensions import db
from crm.outlets.models import Outlet
from crm.outlets.services import soft_delete_outlet
from tests.crawler.forms import filled_data, forms_of


def test_trashed_outlet_is_named_but_not_linked(app, client, login_as, make_outlet, make_contact,
                                                make_interaction):
    user = login_as("officer", "AER BFC")
    outlet_id = make_outlet("Radio Campus Dijon")
    contact_id = make_contact(outlet_ids=[outlet_id])
    interaction_id = make_interaction(user.id, [contact_id], outlet_id=outlet_id)
    with app.app_context():
        soft_delete_outlet(None, db.session.get_one(Outlet, outlet_id))
        db.session.commit()
    assert client.get(f"/outlets/{outlet_id}").status_code == 404
    for page in ("/contacts/", f"/contacts/{contact_id}", f"/interactions/{interaction_id}"):
        html = client.get(page).text
        assert "Radio Campus Dijon (supprimé)" in html, page
        assert f'/outlets/{outlet_id}"' not in html, page


def test_editing_a_contact_keeps_its_trashed_outlet(app, client, login_as, make_outlet,
                                                    make_contact):
    """Saving the edit page as shown used to drop the link to an outlet in the trash."""
    login_as("officer", "AER BFC")
    kept, trashed = make_outlet("Le Bien Public"), make_outlet("Radio Campus Dijon")
    contact_id = make_contact(outlet_ids=[kept, trashed])
    with app.app_context():
        soft_delete_outlet(None, db.session.get_one(Outlet, trashed))
        db.session.commit()
    page = client.get(f"/contacts/{contact_id}/edit")
    assert "Radio Campus Dijon (supprimé)" in page.text
    form = next(f for f in forms_of(lxml.html.fromstring(page.text), f"/contacts/{contact_id}/edit")
                if "last_name" in f.names)
    assert client.post(form.action, data=filled_data(form, "")).status_code == 302
    with app.app_context():
        contact = db.session.get_one(Contact, contact_id)
        assert sorted(o.id for o in contact.outlets) == sorted([kept, trashed])
