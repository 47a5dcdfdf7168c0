from sqlalchemy import func, select

from crm.audit.models import AuditEvent
from crm.auth.models import Role, User, UserSession
from crm.extensions import db
from crm.mail.models import OutboxMessage
from tests.conftest import login, org_id

NEW = {"full_name": "Élodie Ségolène", "email": "Elodie.Segolene@Region-BFC.fr",
       "role": "manager", "new_password": "une phrase assez longue", "confirm":
       "une phrase assez longue"}


def test_admin_creates_an_account(app, client, login_as):
    login_as("admin")
    region = org_id(app, "Région BFC")
    response = client.post_form("/admin/users/new", {**NEW, "organisation_id": region})
    assert response.status_code == 302, response.text
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "elodie.segolene@region-bfc.fr"))
        assert user is not None and user.role is Role.MANAGER and user.organisation_id == region
        assert user.password_hash.startswith("$argon2id$")
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "user.created",
                                        AuditEvent.target_id == user.id)) == 1
        mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == user.email))
        assert mail.subject == "Votre compte Relais"
    assert login(client.application.test_client(), "elodie.segolene@region-bfc.fr",
                 NEW["new_password"]).status_code == 302


def test_duplicate_email_is_refused_with_a_message(app, client, login_as, make_user):
    login_as("admin")
    existing = make_user("officer")
    response = client.post_form("/admin/users/new", {**NEW, "email": existing.email.upper(),
                                                     "organisation_id": existing.organisation_id})
    assert response.status_code == 422
    assert "Un compte utilise déjà cette adresse électronique." in response.text


def test_invalid_form_keeps_what_was_typed(client, login_as):
    user = login_as("admin")
    response = client.post_form("/admin/users/new", {**NEW, "email": "not-an-email",
                                                     "organisation_id": user.organisation_id})
    assert response.status_code == 422
    assert 'value="Élodie Ségolène"' in response.text
    assert 'aria-invalid="true"' in response.text


def test_role_change_is_audited_and_signs_the_user_out(app, client, login_as, make_user):
    login_as("admin")
    officer = make_user("officer", "Préfecture BFC")
    other = app.test_client()
    login(other, officer.email)
    response = client.post_form(f"/admin/users/{officer.id}/edit", {
        "full_name": "Test User", "role": "manager", "organisation_id": officer.organisation_id})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get_one(User, officer.id).role is Role.MANAGER
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.updated"))
        assert event.details["role"] == ["officer", "manager"]
        assert db.session.scalar(select(func.count()).select_from(UserSession)
                                 .where(UserSession.user_id == officer.id)) == 0
    assert other.get("/").status_code == 302


def test_admin_cannot_change_own_role_or_deactivate_self(app, client, login_as):
    admin = login_as("admin")
    response = client.post_form(f"/admin/users/{admin.id}/edit", {
        "full_name": "Test User", "role": "officer", "organisation_id": admin.organisation_id})
    assert response.status_code == 422
    assert "Vous ne pouvez pas changer votre propre rôle." in response.text
    client.post_form(f"/admin/users/{admin.id}/deactivate")
    with app.app_context():
        assert db.session.get_one(User, admin.id).is_enabled


def test_deactivate_then_activate(app, client, login_as, make_user):
    login_as("admin")
    officer = make_user("officer")
    other = app.test_client()
    login(other, officer.email)
    client.post_form(f"/admin/users/{officer.id}/deactivate")
    assert other.get("/").status_code == 302
    assert login(app.test_client(), officer.email).status_code == 401
    client.post_form(f"/admin/users/{officer.id}/activate")
    assert login(app.test_client(), officer.email).status_code == 302
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"user.disabled", "user.enabled"} <= actions


def test_extra_fields_are_ignored(app, client, login_as, make_user):
    login_as("admin")
    officer = make_user("officer")
    client.post_form(f"/admin/users/{officer.id}/edit", {
        "full_name": "Renamed", "role": "officer", "organisation_id": officer.organisation_id,
        "is_enabled": "false", "email": "hijack@example.org", "password_hash": "x"})
    with app.app_context():
        user = db.session.get_one(User, officer.id)
        assert (user.full_name, user.email, user.is_enabled) == ("Renamed", officer.email, True)


def test_users_cli_creates_an_account(app, make_user):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "--email", "New@AER.test", "--name", "New One",
                                 "--role", "admin", "--org", "AER BFC",
                                 "--password", "a long enough passphrase"])
    assert result.exit_code == 0, result.output
    assert "new@aer.test" in result.output
    refused = runner.invoke(args=["users", "create", "--email", "x@aer.test", "--name", "X",
                                  "--role", "admin", "--org", "Nope", "--password", "whatever long pw"])
    assert refused.exit_code != 0 and "Unknown organisation" in refused.output


def test_no_account_exists_after_migrations(app):
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0
