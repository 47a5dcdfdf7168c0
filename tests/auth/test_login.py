import datetime as dt

import time_machine
from argon2 import PasswordHasher
from sqlalchemy import func, select

from crm.audit.models import AuditEvent
from crm.auth import passwords
from crm.auth.models import User, UserSession
from crm.extensions import db
from tests.conftest import PASSWORD, login, make_app


def count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_login_page_is_french(client):
    page = client.get("/auth/login")
    assert page.status_code == 200
    assert '<html lang="fr">' in page.text
    assert "Connexion à Relais" in page.text
    assert '<label class="form-label" for="email">Adresse électronique</label>' in page.text


def test_login_success_opens_a_server_side_session(app, client, make_user):
    user = make_user("officer")
    response = login(client, user.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert count(app, UserSession, UserSession.user_id == user.id) == 1
    home = client.get("/")
    assert home.status_code == 200
    assert "Bonjour Test User" in home.text
    assert count(app, AuditEvent, AuditEvent.action == "auth.login") == 1


def test_login_is_case_insensitive_on_email(client, make_user):
    user = make_user("officer")
    assert login(client, "  " + user.email.upper()).status_code == 302


def test_wrong_password_is_refused_and_audited(app, client, make_user):
    user = make_user("officer")
    response = login(client, user.email, "not the password at all")
    assert response.status_code == 401
    assert "Adresse électronique ou mot de passe incorrect." in response.text
    assert count(app, AuditEvent, AuditEvent.action == "auth.login_failed") == 1
    assert client.get("/").status_code == 302


def test_unknown_email_answers_like_a_wrong_password(client):
    response = login(client, "nobody@example.org", "whatever-password")
    assert response.status_code == 401
    assert "Adresse électronique ou mot de passe incorrect." in response.text


def test_next_accepts_local_paths_only(client, make_user):
    user = make_user("admin")
    token = client.csrf_token()
    ok = client.post("/auth/login", data={"csrf_token": token, "email": user.email,
                                          "password": PASSWORD, "next": "/admin/users/"})
    assert ok.headers["Location"] == "/admin/users/"


def test_next_refuses_other_sites(client, make_user):
    user = make_user("admin")
    for target in ("https://evil.example", "//evil.example", "/\\evil.example", "javascript:x"):
        client.cookie_jar.clear() if hasattr(client, "cookie_jar") else None
        client.delete_cookie("relais")
        token = client.csrf_token()
        response = client.post("/auth/login", data={"csrf_token": token, "email": user.email,
                                                    "password": PASSWORD, "next": target})
        assert response.headers["Location"] == "/", target


def test_anonymous_is_sent_to_login_with_next(client):
    response = client.get("/admin/users/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


def test_logout_ends_the_session_on_the_server(app, client, login_as):
    login_as("officer")
    cookie = client.get_cookie("relais")
    assert cookie is not None
    saved = cookie.value
    assert client.post_form("/auth/logout").status_code == 302
    assert count(app, UserSession) == 0
    client.set_cookie("relais", saved)  # replay the old cookie
    assert client.get("/").status_code == 302


def test_deactivation_ends_the_sessions(app, client, login_as):
    user = login_as("officer")
    with app.app_context():
        db.session.get_one(User, user.id).is_enabled = False
        db.session.commit()
    assert client.get("/").status_code == 302


def test_idle_session_expires(app, client, login_as):
    login_as("officer")
    assert client.get("/").status_code == 200
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
    with time_machine.travel(later, tick=False):
        assert client.get("/").status_code == 302
    assert count(app, UserSession) == 0


def test_session_has_an_absolute_lifetime(app, client, login_as):
    login_as("officer")
    start = dt.datetime.now(dt.UTC)
    step = dt.timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] - 5)
    hours = app.config["SESSION_LIFETIME_HOURS"]
    moment = start
    while moment < start + dt.timedelta(hours=hours) - step:
        moment += step
        with time_machine.travel(moment, tick=False):
            assert client.get("/").status_code == 200
    with time_machine.travel(start + dt.timedelta(hours=hours, minutes=1), tick=False):
        assert client.get("/").status_code == 302


def test_twenty_wrong_passwords_slow_down_without_locking_out(app, client, make_user):
    user = make_user("officer")
    statuses = [login(client, user.email, f"wrong password {i}").status_code for i in range(20)]
    assert statuses[:5] == [401] * 5
    assert 429 in statuses
    refused = login(client, user.email)  # the right password, but too soon
    assert refused.status_code == 429
    assert "Trop de tentatives" in refused.text
    cap = app.config["LOGIN_MAX_DELAY_SECONDS"]
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=cap + 1), tick=False):
        assert login(client, user.email).status_code == 302


def test_throttle_per_address_covers_many_accounts(app, client, make_user):
    free = app.config["LOGIN_FREE_FAILURES_PER_IP"]
    for i in range(free + 1):
        login(client, f"guess{i}@example.org", "some wrong password")
    user = make_user("officer")
    assert login(client, user.email).status_code == 429


def test_hash_is_upgraded_at_login_when_parameters_change(app, client, make_user):
    user = make_user("officer")
    app.extensions["password_hasher"] = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    assert login(client, user.email).status_code == 302
    with app.app_context():
        stored = db.session.get_one(User, user.id).password_hash
    assert "t=2" in stored and "m=16" in stored


def test_each_app_hashes_with_its_own_parameters(app):
    other = make_app("sqlite://", PASSWORD_HASH_PARAMETERS={"time_cost": 2, "memory_cost": 16,
                                                            "parallelism": 1})
    with other.app_context():
        assert "t=2,p=1" in passwords.hash_password("une phrase assez longue")
        assert passwords.needs_rehash(passwords.hash_password("x")) is False
    with app.app_context():
        assert "t=1,p=1" in passwords.hash_password("une phrase assez longue")
    assert passwords.hasher() is passwords.DEFAULT_HASHER


def test_change_password_closes_other_sessions(app, client, login_as):
    user = login_as("officer")
    other = app.test_client()
    login(other, user.email)
    assert count(app, UserSession) == 2
    response = client.post_form("/auth/account/password", {
        "current_password": PASSWORD, "new_password": "une nouvelle phrase secrète",
        "confirm": "une nouvelle phrase secrète"})
    assert response.status_code == 302
    assert count(app, UserSession) == 1
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302


def test_change_password_checks_the_current_one_and_the_policy(client, login_as):
    login_as("officer")
    wrong = client.post_form("/auth/account/password", {
        "current_password": "not my password", "new_password": "une nouvelle phrase secrète",
        "confirm": "une nouvelle phrase secrète"})
    assert wrong.status_code == 422
    assert "Ce n&#39;est pas votre mot de passe actuel." in wrong.text
    weak = client.post_form("/auth/account/password", {
        "current_password": PASSWORD, "new_password": "azerty123456", "confirm": "azerty123456"})
    assert weak.status_code == 422
    assert "trop courant" in weak.text
    short = client.post_form("/auth/account/password", {
        "current_password": PASSWORD, "new_password": "court", "confirm": "court"})
    assert "12 caractères au minimum." in short.text


def test_language_switch_is_remembered_for_the_user(app, client, login_as):
    user = login_as("officer")
    assert client.post_form("/auth/language", {"locale": "en", "next": "/"}).status_code == 302
    assert "Hello Test User" in client.get("/").text
    with app.app_context():
        assert db.session.get_one(User, user.id).locale == "en"


def test_language_switch_for_anonymous_visitors(client):
    client.post_form("/auth/language", {"locale": "en", "next": "/auth/login"})
    assert "Sign in to Relais" in client.get("/auth/login").text
