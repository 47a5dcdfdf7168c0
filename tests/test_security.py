import pytest

from crm.config import ConfigError
from crm.settings import override
from tests.conftest import TEST_CONFIG, make_app


def test_security_headers_on_pages(client):
    response = client.get("/auth/login")
    csp = response.headers["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'",
                      "default-src 'self'"):
        assert directive in csp
    assert "'nonce-" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in response.headers


def test_nonce_changes_per_request(client):
    first = client.get("/auth/login").headers["Content-Security-Policy"]
    second = client.get("/auth/login").headers["Content-Security-Policy"]
    assert first != second


def test_no_inline_script_or_style_in_pages(client, login_as):
    login_as("admin")
    for path in ("/", "/auth/account", "/admin/users/", "/admin/audit/"):
        html = client.get(path).text
        assert "<script>" not in html
        assert " style=" not in html
        assert "onclick" not in html


def test_production_refuses_to_start_without_secrets(database_url):
    with pytest.raises(ConfigError, match="CRM_SECRET_KEY"):
        make_app(database_url, MODE="production", SECRET_KEY="")
    with pytest.raises(ConfigError, match="example value"):
        make_app(database_url, MODE="production", SECRET_KEY="change-me")


def test_production_cookies_and_hsts(database_url):
    app = make_app(database_url, MODE="production", SECRET_KEY="x" * 40,
                   SUPPRESSION_KEY="y" * 40, BASE_URL="https://localhost")
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-relais"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/auth/login", base_url="https://localhost")
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    cookie = response.headers.get("Set-Cookie", "")
    if cookie:  # a session cookie is set because the form stored a CSRF token
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_environment_layer_overrides_the_defaults_file(monkeypatch, database_url):
    monkeypatch.setenv("CRM_MAIL_TIMEOUT", "30")
    monkeypatch.setenv("CRM_SESSION_IDLE_MINUTES", "15")
    app = make_app(database_url)
    assert app.config["MAIL_TIMEOUT"] == 30
    assert app.config["MAIL_PORT"] == 1  # the test mapping wins over the environment
    assert app.config["SESSION_IDLE_MINUTES"] == 15
    assert app.config["LOGIN_WINDOW_MINUTES"] == 15  # from config/default.toml
    assert TEST_CONFIG["SECRET_KEY"] == app.config["SECRET_KEY"]


def test_french_404_page_reveals_nothing(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page introuvable" in response.text
    assert "Traceback" not in response.text and "werkzeug" not in response.text.lower()


def test_405_page(client):
    response = client.get("/auth/logout")
    assert response.status_code == 405
    assert "Méthode non autorisée" in response.text


def test_oversized_request_gets_a_clear_413(app, client):
    override(app, MAX_CONTENT_LENGTH=1024 * 1024)
    response = client.post("/auth/login", data={"email": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "Fichier trop volumineux" in response.text
    assert "1 Mo" in response.text


def test_500_page_is_generic_and_rolls_back(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():  # pragma: no cover - exercised through the client
        raise RuntimeError("secret internal detail")

    response = client.get("/boom")
    assert response.status_code == 500
    assert "Une erreur est survenue" in response.text
    assert "secret internal detail" not in response.text


def test_pagination_links_keep_filters_and_speak_french(app, client, login_as, make_user):
    login_as("admin")
    for _ in range(55):
        make_user("officer", "Région BFC")
    page = client.get("/admin/users/?organisation=&page=1")
    assert "Suivant" in page.text
    assert 'href="/admin/users/?organisation=&amp;page=2"' in page.text
    second = client.get("/admin/users/?page=2")
    assert "Précédent" in second.text and 'aria-current="page"' in second.text
