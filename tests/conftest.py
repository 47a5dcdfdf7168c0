"""Fixtures: the app on each database, clients, CSRF tokens, users and logins.

Every test that uses ``app`` runs twice: on SQLite and on PostgreSQL. The schema is
built once per database by the real Alembic migrations. Under CI=true an unreachable
PostgreSQL fails the run; elsewhere those tests are skipped with the reason.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, delete, select, text

from crm.app import create_app
from crm.auth.models import Role, User
from crm.extensions import db
from crm.orgs.models import Organisation
from crm.orgs.services import init_organisations
from crm.users.services import create_user

pytest_plugins = ["tests.factories"]

IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_URL = os.environ.get(
    "CRM_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
PASSWORD = "correct horse battery staple"

TEST_CONFIG = {
    "MODE": "testing",
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    "JOBS_BACKEND": "memory",
    "MAIL_PORT": 1,  # nothing listens: tests that send start their own SMTP server
    "PASSWORD_HASH_PARAMETERS": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "MFA_REQUIRED_ROLES": [],  # password-only sign-in; the MFA tests turn it on
}


def make_app(database_url: str, **overrides: object) -> Flask:
    return create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, **overrides})


def _migrate(url: str) -> None:
    app = make_app(url)
    with app.app_context():
        upgrade()
        db.engine.dispose()


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


@contextmanager
def postgres_schema(prefix: str) -> Iterator[str]:
    """A URL to a PostgreSQL schema of its own (parallel runs never meet), dropped afterwards."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:
        admin.dispose()
        _unavailable(f"PostgreSQL unreachable at {POSTGRES_URL} ({type(exc).__name__})")
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'relais.db'}"
        _migrate(url)
        yield url
        return
    with postgres_schema("relais_test") as url:
        _migrate(url)
        yield url


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = make_app(database_url)
    app.test_client_class = Client
    with app.app_context():
        init_organisations()
        db.session.commit()
    yield app
    empty_database(app)


def empty_database(app: Flask) -> None:
    """Delete every row (children first) and close the connections: the next test starts clean."""
    with app.app_context():
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(delete(table))
        db.session.commit()
        db.engine.dispose()


class Client(FlaskClient):
    def csrf_token(self) -> str:
        page = self.get("/auth/login" if not self._signed_in() else "/auth/account")
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text) or \
            re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert match, "no CSRF token on the page"
        return match.group(1)

    def _signed_in(self) -> bool:
        with self.session_transaction() as sess:
            return "_user_id" in sess

    def post_form(self, url: str, data: dict[str, object] | None = None, **kwargs: object):
        return self.post(url, data={"csrf_token": self.csrf_token(), **(data or {})}, **kwargs)


@pytest.fixture
def client(app: Flask) -> Client:
    return app.test_client()  # type: ignore[return-value]


@dataclass(frozen=True)
class UserInfo:
    id: int
    email: str
    organisation_id: int
    role: Role


def org_id(app: Flask, short_name: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Organisation.id).where(Organisation.short_name == short_name))


@pytest.fixture
def make_user(app: Flask):
    counter = iter(range(1, 10_000))

    def make(role: str | Role = Role.OFFICER, org: str = "AER BFC", **kwargs: object) -> UserInfo:
        role = Role(role)
        with app.app_context():
            organisation = db.session.scalar(
                select(Organisation).where(Organisation.short_name == org))
            email = str(kwargs.get("email") or f"{role.value}{next(counter)}@{org_slug(org)}.fr")
            user = create_user(None, email=email, full_name=str(kwargs.get("full_name", "Test User")),
                               role=role, organisation=organisation,
                               password=str(kwargs.get("password", PASSWORD)))
            db.session.commit()
            return UserInfo(user.id, user.email, organisation.id, role)

    return make


def org_slug(short_name: str) -> str:
    return re.sub(r"[^a-z]", "", short_name.lower().replace("é", "e"))


def login(client: Client, email: str, password: str = PASSWORD):
    return client.post_form("/auth/login", {"email": email, "password": password})


@pytest.fixture
def login_as(client: Client, make_user):
    """Create a user with ``role`` in ``org`` and sign the client in as them."""

    def do(role: str | Role = Role.OFFICER, org: str = "AER BFC") -> UserInfo:
        user = make_user(role, org)
        response = login(client, user.email)
        assert response.status_code == 302, response.text
        return user

    return do


def user_by_id(app: Flask, user_id: int) -> User:
    with app.app_context():
        return db.session.get_one(User, user_id)
