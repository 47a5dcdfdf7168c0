import pytest
from sqlalchemy import select

from crm.audit.models import AuditEvent, AuditTamperError
from crm.audit.services import record
from crm.extensions import db
from tests.conftest import login


def test_audit_events_cannot_be_changed_or_deleted(app):
    with app.app_context():
        event = record(None, "test.event", note="x")
        db.session.commit()
        event.action = "tampered"
        with pytest.raises(AuditTamperError):
            db.session.commit()
        db.session.rollback()
        db.session.delete(db.session.get_one(AuditEvent, event.id))
        with pytest.raises(AuditTamperError):
            db.session.flush()
        db.session.rollback()


def test_audit_is_written_in_the_same_transaction(app):
    with app.app_context():
        record(None, "test.rolled_back")
        db.session.rollback()
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "test.rolled_back")) is None


def test_audit_page_lists_and_filters(app, client, make_user, login_as):
    officer = make_user("officer", "Préfecture BFC")
    login(app.test_client(), officer.email, "wrong password here")
    admin = login_as("admin")
    page = client.get("/admin/audit/")
    assert page.status_code == 200
    assert "Échec de connexion" in page.text and "Connexion" in page.text
    only_failed = client.get("/admin/audit/?action=auth.login_failed")
    assert ">Échec de connexion</td>" in only_failed.text
    assert ">Connexion</td>" not in only_failed.text
    by_actor = client.get(f"/admin/audit/?actor={admin.email}")
    assert ">Connexion</td>" in by_actor.text
    nobody = client.get("/admin/audit/?actor=nobody@example.org")
    assert "0 résultat" in nobody.text
    bad_date = client.get("/admin/audit/?since=not-a-date")
    assert bad_date.status_code == 200
