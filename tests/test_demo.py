from sqlalchemy import func, select

from crm.auth.models import User
from crm.contacts.models import Contact, Visibility
from crm.demo.journalists import SOURCE
from crm.demo.press import OUTLETS
from crm.extensions import db
from crm.imports.models import ContactBlock
from crm.interactions.models import Interaction
from crm.orgs.models import Organisation
from crm.outlets.models import Outlet
from crm.tasks.models import Task
from tests.conftest import login


def test_demo_load_is_idempotent_and_prints_credentials(app, tmp_path):
    app.instance_path = str(tmp_path)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "9 account(s) created" in first.output
    credentials = (tmp_path / "demo-credentials.txt").read_text().splitlines()
    password = credentials[0].strip()
    assert password in first.output
    assert "press release imported" in first.output
    assert any(line.startswith("manager.region@relais.test") for line in credentials)
    assert sum("@relais.test" in line for line in credentials) == 9
    second = runner.invoke(args=["demo", "load"])
    assert "0 account(s) created, 9 in all; 0 outlet(s) created; press release already " \
        "imported" in second.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 9
        assert db.session.scalar(select(func.count()).select_from(Organisation)) == 3
        assert db.session.scalar(select(func.count()).select_from(Outlet)) == len(OUTLETS)
        assert db.session.scalar(select(func.count()).select_from(ContactBlock)) == 1
        names = set(db.session.scalars(select(Contact.last_name)))
        assert {"POIRIER", "HUBIDOS", "SOUVERBIE", "HERMIER"} <= names
        demo = select(func.count()).select_from(Contact).where(Contact.source == SOURCE)
        assert 250 <= db.session.scalar(demo) <= 400
        private = demo.where(Contact.visibility == Visibility.PRIVATE)
        assert db.session.scalar(private) >= 3
        areas = set(db.session.scalars(select(Contact.area).where(Contact.source == SOURCE)))
        assert {"21", "25", "39", "58", "70", "71", "89", "90"} <= areas
        assert db.session.scalar(select(func.count()).select_from(Interaction)) >= 10
        assert db.session.scalar(select(func.count()).select_from(Task)) >= 5
    assert login(app.test_client(), "admin.prefecture@relais.test", password).status_code == 302
