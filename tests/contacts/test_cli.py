import datetime as dt

import time_machine
from sqlalchemy import func, select

from crm.contacts.listing import search_contacts
from crm.contacts.models import Contact
from crm.contacts.services import soft_delete_contact
from crm.extensions import db
from crm.outlets.models import Outlet
from tests.contacts.conftest import user


def test_demo_generate_then_search_and_create(app, make_user, make_contact):
    uid = make_user().id
    result = app.test_cli_runner().invoke(args=["demo", "generate", "--contacts", "300",
                                                "--outlets", "30", "--duplicates", "0.2"])
    assert result.exit_code == 0, result.output
    assert "30 outlets and 300 contacts" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Contact)) == 300
        assert db.session.scalar(select(func.count()).select_from(Outlet)) == 30
        duplicated = db.session.scalar(select(func.count(func.distinct(Contact.name_key))))
        assert duplicated < 300  # some people are there twice, typed differently
        assert search_contacts(user(uid), "republicain").total > 0
        assert search_contacts(user(uid), "bien public").total > 0
    make_contact("Après", "Génération")  # ids and sequences still work afterwards


def test_purge_trash_command(app, make_contact):
    contact_id = make_contact()
    with app.app_context():
        soft_delete_contact(None, db.session.get_one(Contact, contact_id))
        db.session.commit()
    runner = app.test_cli_runner()
    assert "Purged 0 contact(s)" in runner.invoke(args=["contacts", "purge-trash"]).output
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=8), tick=False):
        output = runner.invoke(args=["contacts", "purge-trash", "--days", "7"]).output
    assert "Purged 1 contact(s) and 0 outlet(s)." in output
