"""Every route × every role, CSRF on every POST, and no state change on GET."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from crm.extensions import db
from tests.conftest import login

ROLES = ("anonymous", "officer", "manager", "admin")
LOGIN = "login"  # a redirect to the login page
ADMIN_ONLY = {"anonymous": LOGIN, "officer": 403, "manager": 403}

# (endpoint, method, path, form data) → expected status per role (default: 200 / given).
ROUTES: list[tuple[str, str, str, dict[str, str], dict[str, object]]] = [
    ("dashboard.index", "GET", "/", {}, {"anonymous": LOGIN}),
    ("auth.login", "GET", "/auth/login", {}, {"officer": 302, "manager": 302, "admin": 302}),
    ("auth.login", "POST", "/auth/login", {}, {"anonymous": 200, "officer": 302, "manager": 302,
                                                "admin": 302}),
    ("auth.logout", "POST", "/auth/logout", {}, {"anonymous": LOGIN, "default": 302}),
    ("auth.forgot_password", "GET", "/auth/forgot", {}, {}),
    ("auth.forgot_password", "POST", "/auth/forgot", {"email": "x@example.fr"}, {"default": 302}),
    ("auth.reset_password", "GET", "/auth/reset/not-a-token", {}, {"default": 410}),
    ("auth.reset_password", "POST", "/auth/reset/not-a-token", {}, {"default": 410}),
    ("auth.account", "GET", "/auth/account", {}, {"anonymous": LOGIN}),
    ("auth.change_password", "POST", "/auth/account/password", {},
     {"anonymous": LOGIN, "default": 422}),
    ("auth.preferences", "POST", "/auth/account/preferences", {"locale": "fr"},
     {"anonymous": LOGIN, "default": 302}),
    ("auth.language", "POST", "/auth/language", {"locale": "fr"}, {"default": 302}),
    ("users.index", "GET", "/admin/users/", {}, ADMIN_ONLY),
    ("users.new", "GET", "/admin/users/new", {}, ADMIN_ONLY),
    ("users.new", "POST", "/admin/users/new", {}, {**ADMIN_ONLY, "admin": 422}),
    ("users.edit", "GET", "/admin/users/{target}/edit", {}, ADMIN_ONLY),
    ("users.edit", "POST", "/admin/users/{target}/edit", {"full_name": ""},
     {**ADMIN_ONLY, "admin": 422}),
    ("users.deactivate", "POST", "/admin/users/{target}/deactivate", {}, {**ADMIN_ONLY, "admin": 302}),
    ("users.activate", "POST", "/admin/users/{target}/activate", {}, {**ADMIN_ONLY, "admin": 302}),
    ("orgs.index", "GET", "/admin/organisations/", {}, ADMIN_ONLY),
    ("orgs.new", "GET", "/admin/organisations/new", {}, ADMIN_ONLY),
    ("orgs.new", "POST", "/admin/organisations/new", {}, {**ADMIN_ONLY, "admin": 422}),
    ("orgs.edit", "GET", "/admin/organisations/{org}/edit", {}, ADMIN_ONLY),
    ("orgs.edit", "POST", "/admin/organisations/{org}/edit", {"name": ""},
     {**ADMIN_ONLY, "admin": 422}),
    ("audit.index", "GET", "/admin/audit/", {}, ADMIN_ONLY),
    ("static", "GET", "/static/css/relais.css", {}, {}),
]


def expected(spec: dict[str, object], role: str, method: str) -> object:
    if role in spec:
        return spec[role]
    return spec.get("default", 200)


def test_every_route_is_in_the_matrix(app):
    covered = {(endpoint, method) for endpoint, method, *_ in ROUTES}
    for rule in app.url_map.iter_rules():
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (rule.endpoint, method) in covered, f"{rule.endpoint} {method} has no access test"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("endpoint", "method", "path", "data", "spec"), ROUTES,
                         ids=[f"{r[0]}-{r[1]}" for r in ROUTES])
def test_access_matrix(app, client, make_user, role, endpoint, method, path, data, spec):
    target = make_user("officer", "Préfecture BFC")
    if role != "anonymous":
        user = make_user(role, "AER BFC")
        assert login(client, user.email).status_code == 302
    url = path.format(target=target.id, org=target.organisation_id)
    response = client.get(url) if method == "GET" else client.post_form(url, data)
    response.close()
    want = expected(spec, role, method)
    if want == LOGIN:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/auth/login")
    else:
        assert response.status_code == want, response.text[:500]


@pytest.mark.parametrize(("endpoint", "path"), [
    (r[0], r[2]) for r in ROUTES if r[1] == "POST" and r[0] != "auth.login"
] + [("auth.login", "/auth/login")])
def test_every_post_needs_a_csrf_token(app, client, make_user, endpoint, path):
    target = make_user("officer", "Préfecture BFC")
    admin = make_user("admin", "AER BFC")
    if endpoint != "auth.login":
        login(client, admin.email)
    response = client.post(path.format(target=target.id, org=target.organisation_id),
                           data={"locale": "en", "email": admin.email})
    assert response.status_code == 400
    assert "Le formulaire a expiré" in response.text


def _row_counts(app) -> dict[str, int]:
    with app.app_context():
        return {table.name: db.session.scalar(select(func.count()).select_from(table))
                for table in db.metadata.sorted_tables}


def test_no_state_change_on_get(app, client, make_user):
    target = make_user("officer", "Préfecture BFC")
    admin = make_user("admin", "AER BFC")
    login(client, admin.email)
    before = _row_counts(app)
    for endpoint, method, path, _data, _spec in ROUTES:
        if method == "GET":
            with client.get(path.format(target=target.id, org=target.organisation_id)) as page:
                assert page.status_code in (200, 302, 410), endpoint
    assert _row_counts(app) == before


def test_unknown_ids_answer_404(client, login_as):
    login_as("admin")
    assert client.get("/admin/users/999999/edit").status_code == 404
    assert client.get("/admin/organisations/999999/edit").status_code == 404
    assert client.post_form("/admin/users/999999/deactivate").status_code == 404
