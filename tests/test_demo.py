from sqlalchemy import func, select

from crm.auth.models import User
from crm.extensions import db
from crm.orgs.models import Organisation
from tests.conftest import login


def test_demo_load_is_idempotent_and_prints_credentials(app, tmp_path):
    app.instance_path = str(tmp_path)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "9 account(s) created" in first.output
    password = (tmp_path / "demo-credentials.txt").read_text().strip()
    assert password in first.output
    second = runner.invoke(args=["demo", "load"])
    assert "0 account(s) created, 9 in all" in second.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 9
        assert db.session.scalar(select(func.count()).select_from(Organisation)) == 3
    assert login(app.test_client(), "admin.prefecture@relais.test", password).status_code == 302
