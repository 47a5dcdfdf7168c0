from sqlalchemy import func, select

from crm.auth.models import User
from crm.contacts.models import Contact
from crm.demo.press import OUTLETS
from crm.extensions import db
from crm.imports.models import ContactBlock
from crm.orgs.models import Organisation
from crm.outlets.models import Outlet
from tests.conftest import login


def test_demo_load_is_idempotent_and_prints_credentials(app, tmp_path):
    app.instance_path = str(tmp_path)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "9 account(s) created" in first.output
    password = (tmp_path / "demo-credentials.txt").read_text().strip()
    assert password in first.output
    assert "press release imported" in first.output
    second = runner.invoke(args=["demo", "load"])
    assert "0 account(s) created, 9 in all; 0 outlet(s) created; press release already " \
        "imported" in second.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 9
        assert db.session.scalar(select(func.count()).select_from(Organisation)) == 3
        assert db.session.scalar(select(func.count()).select_from(Outlet)) == len(OUTLETS)
        assert db.session.scalar(select(func.count()).select_from(ContactBlock)) == 1
        names = set(db.session.scalars(select(Contact.last_name)))
        assert names == {"POIRIER", "HUBIDOS", "SOUVERBIE", "HERMIER"}
    assert login(app.test_client(), "admin.prefecture@relais.test", password).status_code == 302
