"""Multi-factor sign-in through the test client, on both databases."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from sqlalchemy import func, select

from crm.audit.models import AuditEvent
from crm.auth import mfa_services
from crm.auth.core import mfa
from crm.auth.models import LoginFailure, MfaRecoveryCode, User, UserMfa, UserSession
from crm.extensions import db
from crm.settings import override, settings
from tests.conftest import PASSWORD, login

START = dt.datetime(2026, 12, 1, 9, 0, 5, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def required(app):
    override(app, MFA_REQUIRED_ROLES=["admin", "manager"])


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def token(client, page: str = "/auth/mfa/") -> str:
    text = client.get(page).text
    match = re.search(r'name="(?:[a-z]+-)?csrf_token"[^>]*value="([^"]+)"', text)
    assert match, f"no CSRF token on {page}"
    return match.group(1)


def post(client, url: str, data: dict | None = None, *, page: str = "/auth/mfa/"):
    return client.post(url, data={"csrf_token": token(client, page), **(data or {})})


def code_at(secret: str, seconds_later: int = 0) -> str:
    return mfa.totp_code(secret, dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds_later))


def enrol(client) -> tuple[str, list[str]]:
    """Set up MFA for the signed-in client; returns the secret and the recovery codes."""
    assert post(client, "/auth/mfa/start").status_code == 302
    page = client.get("/auth/mfa/setup")
    assert page.status_code == 200
    secret = re.search(r'id="mfa-secret"[^>]*>([^<]+)<', page.text).group(1).replace(" ", "")
    done = post(client, "/auth/mfa/setup", {"code": code_at(secret)})
    assert done.status_code == 200, done.text
    codes = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", done.text)
    return secret, codes


def sign_out(client) -> None:
    client.post("/auth/logout", data={"csrf_token": token(client, "/auth/account")})


def enrolled_user(client, make_user, role: str = "officer"):
    user = make_user(role)
    assert login(client, user.email).status_code == 302
    secret, codes = enrol(client)
    sign_out(client)
    return user, secret, codes


def test_enrolment_shows_a_qr_code_then_never_the_secret_again(app, client, make_user, clock):
    user = make_user("officer")
    login(client, user.email)
    post(client, "/auth/mfa/start")
    page = client.get("/auth/mfa/setup")
    assert '<img src="data:image/svg+xml;base64,' in page.text
    assert " style=" not in page.text and "<script>" not in page.text  # CSP: no inline styles
    assert "Configurer la validation en deux étapes" in page.text
    secret = re.search(r'id="mfa-secret"[^>]*>([^<]+)<', page.text).group(1).replace(" ", "")
    assert count(app, UserMfa, UserMfa.confirmed_at.is_not(None)) == 0  # not active before a code
    wrong = post(client, "/auth/mfa/setup", {"code": "000000" if code_at(secret) != "000000" else "111111"})
    assert wrong.status_code == 401
    done = post(client, "/auth/mfa/setup", {"code": code_at(secret)})
    codes = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", done.text)
    assert len(set(codes)) == 10
    assert count(app, UserMfa, UserMfa.user_id == user.id, UserMfa.confirmed_at.is_not(None)) == 1
    with app.app_context():
        hashes = set(db.session.scalars(select(MfaRecoveryCode.code_hash)))
        stored = db.session.get_one(UserMfa, user.id).totp_secret
    assert len(hashes) == 10 and not hashes & set(codes)  # stored hashed
    assert secret not in stored  # and the TOTP secret sealed
    assert mfa.open_secret(mfa.keys_from(app.secret_key).sealing, stored, user.id) == secret
    assert client.get("/auth/mfa/setup").status_code == 302  # the key is not shown again
    manage = client.get("/auth/mfa/")
    assert secret not in manage.text.replace(" ", "") and codes[0] not in manage.text
    assert count(app, AuditEvent, AuditEvent.action == "auth.mfa_enrolled") == 1


def test_sign_in_asks_for_the_code_after_the_password(app, client, make_user, clock):
    user, secret, _codes = enrolled_user(client, make_user)
    response = login(client, user.email)
    assert response.headers["Location"] == "/auth/mfa/verify"
    sessions_before = count(app, UserSession, UserSession.user_id == user.id)
    # Half signed in: nothing but the code page.
    assert client.get("/").status_code == 302
    assert client.get("/contacts/").headers["Location"].startswith("/auth/login")
    page = client.get("/auth/mfa/verify")
    assert page.status_code == 200 and "Validation en deux étapes" in page.text
    clock.shift(30)
    done = post(client, "/auth/mfa/verify", {"code": code_at(secret)}, page="/auth/mfa/verify")
    assert done.status_code == 302 and done.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    assert count(app, UserSession, UserSession.user_id == user.id) == sessions_before + 1


def test_a_wrong_code_is_refused_and_audited(app, client, make_user, clock):
    user, secret, _codes = enrolled_user(client, make_user)
    login(client, user.email)
    wrong = "123456" if code_at(secret, 30) != "123456" else "654321"
    clock.shift(30)
    response = post(client, "/auth/mfa/verify", {"code": wrong}, page="/auth/mfa/verify")
    assert response.status_code == 401
    assert "ou il a déjà servi." in response.text
    assert client.get("/").status_code == 302
    assert count(app, AuditEvent, AuditEvent.action == "auth.mfa_failed") == 1


def test_a_code_is_accepted_once(app, client, make_user, clock):
    user, secret, _codes = enrolled_user(client, make_user)
    clock.shift(30)
    code = code_at(secret)
    login(client, user.email)
    assert post(client, "/auth/mfa/verify", {"code": code}, page="/auth/mfa/verify").status_code == 302
    sign_out(client)
    login(client, user.email)
    again = post(client, "/auth/mfa/verify", {"code": code}, page="/auth/mfa/verify")
    assert again.status_code == 401
    # The code of the step used at enrolment (one step earlier, inside the window) is refused too.
    assert post(client, "/auth/mfa/verify", {"code": code_at(secret, -30)},
                page="/auth/mfa/verify").status_code == 401


def test_a_recovery_code_works_once(app, client, make_user, clock):
    user, _secret, codes = enrolled_user(client, make_user)
    login(client, user.email)
    typed = codes[3].upper().replace("-", " ")  # case and separators do not matter
    response = post(client, "/auth/mfa/verify", {"code": typed}, page="/auth/mfa/verify")
    assert response.status_code == 302
    assert "Codes de secours restants : 9." in client.get("/").text
    sign_out(client)
    login(client, user.email)
    assert post(client, "/auth/mfa/verify", {"code": codes[3]},
                page="/auth/mfa/verify").status_code == 401
    assert count(app, AuditEvent, AuditEvent.action == "auth.mfa_recovery_code_used") == 1


def test_wrong_codes_are_throttled(app, client, make_user, clock):
    user, secret, _codes = enrolled_user(client, make_user)
    login(client, user.email)
    clock.shift(30)
    good = code_at(secret)
    wrong = "000000" if good != "000000" else "111111"
    for _ in range(5):
        assert post(client, "/auth/mfa/verify", {"code": wrong},
                    page="/auth/mfa/verify").status_code == 401
    refused = post(client, "/auth/mfa/verify", {"code": good}, page="/auth/mfa/verify")
    assert refused.status_code == 429  # even the right code waits
    assert "Trop de tentatives" in refused.text
    clock.shift(2)
    assert post(client, "/auth/mfa/verify", {"code": good},
                page="/auth/mfa/verify").status_code == 302


def test_the_code_step_expires(app, client, make_user, clock):
    user, _secret, _codes = enrolled_user(client, make_user)
    login(client, user.email)
    clock.shift(6 * 60)
    response = client.get("/auth/mfa/verify")
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"


def test_the_code_page_needs_a_password_first(client):
    assert client.get("/auth/mfa/verify").headers["Location"] == "/auth/login"


def test_a_manager_must_enrol_before_anything_else(app, client, make_user, required, clock):
    user = make_user("manager")
    assert login(client, user.email).status_code == 302
    for path in ("/", "/contacts/", "/auth/account"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/auth/mfa/"
    page = client.get("/auth/mfa/")
    assert "Votre rôle impose la validation en deux étapes" in page.text
    enrol(client)
    assert client.get("/contacts/").status_code == 200


def test_an_officer_may_stay_without_mfa(client, make_user, required):
    user = make_user("officer")
    login(client, user.email)
    assert client.get("/contacts/").status_code == 200


def test_an_officer_can_turn_mfa_off_with_a_code(app, client, make_user, required, clock):
    user = make_user("officer")
    login(client, user.email)
    secret, _codes = enrol(client)
    clock.shift(30)
    response = post(client, "/auth/mfa/disable", {"off-code": code_at(secret)})
    assert response.status_code == 302
    assert count(app, UserMfa) == 0 and count(app, MfaRecoveryCode) == 0
    assert count(app, AuditEvent, AuditEvent.action == "auth.mfa_disabled") == 1


def test_a_manager_cannot_turn_mfa_off(app, client, make_user, required, clock):
    user = make_user("manager")
    login(client, user.email)
    secret, _codes = enrol(client)
    assert "Désactiver la validation en deux étapes" not in client.get("/auth/mfa/").text
    clock.shift(30)
    post(client, "/auth/mfa/disable", {"off-code": code_at(secret)})
    assert count(app, UserMfa, UserMfa.confirmed_at.is_not(None)) == 1


def test_new_recovery_codes_need_a_current_code(app, client, make_user, clock):
    user = make_user("officer")
    login(client, user.email)
    secret, old_codes = enrol(client)
    refused = post(client, "/auth/mfa/recovery-codes", {"renew-code": old_codes[0]})
    assert refused.status_code == 302  # a recovery code is not a current code
    clock.shift(30)
    response = post(client, "/auth/mfa/recovery-codes", {"renew-code": code_at(secret)})
    new_codes = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", response.text)
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    sign_out(client)
    login(client, user.email)
    assert post(client, "/auth/mfa/verify", {"code": old_codes[1]},
                page="/auth/mfa/verify").status_code == 401
    assert post(client, "/auth/mfa/verify", {"code": new_codes[1]},
                page="/auth/mfa/verify").status_code == 302


def test_an_admin_reset_makes_the_user_enrol_again(app, client, make_user, required, clock):
    manager = make_user("manager")
    login(client, manager.email)
    enrol(client)
    sign_out(client)
    admin = make_user("admin")
    with app.app_context():  # the admin is enrolled too, as the role requires
        admin_secret = mfa.new_secret()
        db.session.add(UserMfa(user_id=admin.id, confirmed_at=START, totp_secret=mfa.seal_secret(
            mfa.keys_from(app.secret_key).sealing, admin_secret, admin.id)))
        db.session.commit()
    other = app.test_client()
    login(other, manager.email)  # a second browser, half signed in: the reset ends it too
    login(client, admin.email)
    post(client, "/auth/mfa/verify", {"code": code_at(admin_secret)}, page="/auth/mfa/verify")
    edit = client.get(f"/admin/users/{manager.id}/edit")
    assert "Réinitialiser la validation en deux étapes" in edit.text
    response = post(client, f"/admin/users/{manager.id}/mfa/reset", page=f"/admin/users/{manager.id}/edit")
    assert response.status_code == 302
    assert count(app, UserMfa, UserMfa.user_id == manager.id) == 0
    assert count(app, UserSession, UserSession.user_id == manager.id) == 0
    assert count(app, AuditEvent, AuditEvent.action == "auth.mfa_reset",
                 AuditEvent.target_id == manager.id) == 1
    assert other.get("/auth/mfa/verify").headers["Location"] == "/auth/login"
    sign_out(client)
    assert login(client, manager.email).headers["Location"] == "/"  # password only now
    assert client.get("/").headers["Location"] == "/auth/mfa/"  # and enrolment first


def test_the_command_line_resets_mfa_when_no_admin_can(app, client, make_user, clock):
    user, _secret, _codes = enrolled_user(client, make_user, "admin")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "reset-mfa", user.email.upper()])
    assert result.exit_code == 0, result.output
    assert count(app, UserMfa) == 0 and count(app, MfaRecoveryCode) == 0
    assert count(app, AuditEvent, AuditEvent.action == "auth.mfa_reset",
                 AuditEvent.actor_id.is_(None)) == 1
    again = runner.invoke(args=["users", "reset-mfa", user.email])
    assert again.exit_code != 0 and "has no two-step verification" in again.output
    assert login(client, user.email).headers["Location"] == "/"


def test_each_code_attempt_is_committed_before_the_check(app, client, make_user, clock):
    """Parallel guesses see each other: the attempt is stored in a transaction of its own
    before the code is compared, and stays even if the request's own work is rolled back."""
    user, secret, _codes = enrolled_user(client, make_user)
    account = f"mfa:{user.id}"
    with app.test_request_context():
        person = db.session.get_one(User, user.id)
        key = mfa.keys_from(app.secret_key)
        wrong = "000000" if code_at(secret, 30) != "000000" else "111111"
        assert not mfa_services.check_code(person, wrong, "10.0.0.1", settings().login_throttle, key).ok
        db.session.rollback()
        assert count(app, LoginFailure, LoginFailure.account == account) == 1
        clock.shift(30)
        assert mfa_services.check_code(person, code_at(secret), "10.0.0.1", settings().login_throttle, key).ok
        db.session.commit()
    assert count(app, LoginFailure, LoginFailure.account == account) == 0


def test_an_admin_does_not_reset_their_own_mfa_from_the_users_page(app, client, make_user, clock):
    admin, secret, _codes = enrolled_user(client, make_user, "admin")
    login(client, admin.email)
    clock.shift(30)
    post(client, "/auth/mfa/verify", {"code": code_at(secret)}, page="/auth/mfa/verify")
    assert "Réinitialiser la validation" not in client.get(f"/admin/users/{admin.id}/edit").text
    response = post(client, f"/admin/users/{admin.id}/mfa/reset")
    assert response.status_code == 302
    assert count(app, UserMfa, UserMfa.user_id == admin.id) == 1
    assert "depuis la page de votre compte" in client.get(response.headers["Location"]).text


def test_a_secret_sealed_under_another_key_sends_back_to_the_login(app, client, make_user, clock):
    user, secret, _codes = enrolled_user(client, make_user)
    with app.app_context():  # as after a change of SECRET_KEY
        row = db.session.get_one(UserMfa, user.id)
        row.totp_secret = mfa.seal_secret(mfa.keys_from("another key").sealing, secret, user.id)
        db.session.commit()
    login(client, user.email)
    clock.shift(30)
    response = post(client, "/auth/mfa/verify", {"code": code_at(secret)}, page="/auth/mfa/verify")
    assert response.headers["Location"] == "/auth/login"
    assert "ne peut plus être lue" in client.get("/auth/login").text
    assert client.get("/").status_code == 302


def test_the_page_asked_for_is_reached_after_the_code(app, client, make_user, clock):
    user, secret, _codes = enrolled_user(client, make_user)
    client.post("/auth/login", data={"csrf_token": client.csrf_token(), "email": user.email,
                                     "password": PASSWORD, "next": "/contacts/"})
    clock.shift(30)
    done = post(client, "/auth/mfa/verify", {"code": code_at(secret)}, page="/auth/mfa/verify")
    assert done.headers["Location"] == "/contacts/"
