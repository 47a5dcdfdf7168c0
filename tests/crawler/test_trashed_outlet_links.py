"""A trashed outlet's page answers 404: the pages that name it must not link to it (found by
the crawler after a visit sent an outlet with contacts to the trash)."""

from crm.extensions import db
from crm.outlets.models import Outlet
from crm.outlets.services import soft_delete_outlet


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
