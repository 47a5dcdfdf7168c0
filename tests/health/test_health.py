"""/healthz and /readyz: JSON for probes, no login, no session cookie, 503 when not ready."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from flask import Flask

from crm.extensions import db
from tests.conftest import make_app

UNREACHABLE_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:1/relais?connect_timeout=2"
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0?socket_connect_timeout=2"


def test_liveness_is_cheap_json_without_a_session(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_readiness_checks_the_database_and_the_job_queue(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ready", "checks": {"database": "ok", "jobs": "ok"}}
    assert "Set-Cookie" not in response.headers


def test_probes_need_no_sign_in_and_no_csrf_token(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405  # nothing to change: GET only


def _closed_after(app: Flask) -> Iterator[Flask]:
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app_without_database():
    yield from _closed_after(make_app(UNREACHABLE_POSTGRES))


@pytest.fixture
def app_without_redis(database_url):
    yield from _closed_after(make_app(database_url, JOBS_BACKEND="redis", REDIS_URL=UNREACHABLE_REDIS))


def test_unreachable_database_is_not_ready(app_without_database):
    response = app_without_database.test_client().get("/readyz")
    assert response.status_code == 503
    # Why stays in the server's log: no host name or driver message in the answer.
    assert response.json == {"status": "unavailable",
                             "checks": {"database": "unavailable", "jobs": "ok"}}
    assert app_without_database.test_client().get("/healthz").status_code == 200


def test_unreachable_redis_is_not_ready(app_without_redis):
    response = app_without_redis.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"] == {"database": "ok", "jobs": "unavailable"}


@pytest.fixture
def app_on_redis(database_url):
    yield from _closed_after(make_app(database_url, JOBS_BACKEND="redis",
                                      REDIS_URL="redis://127.0.0.1:6379/15"))


def test_redis_job_queue_is_pinged(app_on_redis):
    response = app_on_redis.test_client().get("/readyz")
    if response.status_code == 503 and os.environ.get("CI", "").lower() != "true":
        pytest.skip("Redis unreachable at 127.0.0.1:6379")
    assert response.status_code == 200, response.json


@pytest.fixture
def app_on_sqlite_jobs(database_url):
    yield from _closed_after(make_app(database_url, JOBS_BACKEND="sqlite"))


def test_sqlite_job_store_is_read(app_on_sqlite_jobs):
    assert app_on_sqlite_jobs.test_client().get("/readyz").status_code == 200
