"""One line per request: request id (the caller's when sane), user id, route, status, duration."""

from __future__ import annotations

import json
import logging
import re

import pytest

from crm.requestlog import LOGGER_NAME
from crm.settings import SettingsError, override
from tests.conftest import make_app


@pytest.fixture
def lines(caplog):
    """The request lines written during the test."""
    logger = logging.getLogger(LOGGER_NAME)
    logger.addHandler(caplog.handler)
    yield lambda: [r.getMessage() for r in caplog.records if r.name == LOGGER_NAME]
    logger.removeHandler(caplog.handler)


def test_one_text_line_per_request_with_the_route_not_the_path(app, client, login_as, make_contact,
                                                                lines):
    user = login_as("officer")
    contact = make_contact("HERMIER", "Cécile")
    response = client.get(f"/contacts/{contact}?q=Hermier")
    assert response.status_code == 200
    line = lines()[-1]
    request_id = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert line.startswith("request time=")
    assert f" request_id={request_id} method=GET route=/contacts/<int:contact_id> " \
           f"endpoint=contacts.show status=200 duration_ms=" in line
    assert line.endswith(f" user_id={user.id}")
    assert "Hermier" not in line and user.email not in line  # no query string, no e-mail


def test_json_lines_when_configured(app, client, lines):
    override(app, LOG_FORMAT="json")
    response = client.get("/auth/login", headers={"X-Request-ID": "3f2a9c41d7e84b6b"})
    assert response.headers["X-Request-ID"] == "3f2a9c41d7e84b6b"
    record = json.loads(lines()[-1])
    assert record["request_id"] == "3f2a9c41d7e84b6b"
    assert {k: record[k] for k in ("event", "method", "route", "endpoint", "status", "user_id")} == {
        "event": "request", "method": "GET", "route": "/auth/login", "endpoint": "auth.login",
        "status": 200, "user_id": None}
    assert record["duration_ms"] >= 0
    assert record["time"].endswith("+00:00")


@pytest.mark.parametrize("incoming", ["short", "x" * 129, "forged\tstatus=200 user_id=1",
                                      "with space 12345", "../../etc/passwd"])
def test_an_odd_incoming_request_id_is_replaced(client, lines, incoming):
    response = client.get("/auth/login", headers={"X-Request-ID": incoming})
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])
    assert len(lines()) == 1 and incoming not in lines()[0]


def test_unmatched_paths_are_logged_without_them(client, lines):
    assert client.get("/nothing-here/secret-token").status_code == 404
    assert " route=- endpoint=- status=404 " in lines()[-1]
    assert "secret-token" not in lines()[-1]


def test_health_checks_are_logged_only_when_they_fail(client, lines):
    client.get("/healthz")
    client.get("/readyz")
    assert lines() == []


def test_an_unknown_log_format_is_refused(database_url):
    with pytest.raises(SettingsError, match="LOG_FORMAT"):
        make_app(database_url, LOG_FORMAT="xml")
