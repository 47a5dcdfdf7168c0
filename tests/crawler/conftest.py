"""The crawled site: one app per database with the realistic state, built once per module."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from flask import Flask

from crm.auth.models import Role
from crm.demo.services import demo_email
from tests.conftest import PASSWORD, Client, empty_database, make_app
from tests.crawler.crawl import Visit
from tests.crawler.forms import Form
from tests.crawler.state import State, build_state, turn_on_mfa

REPORT: list[str] = []  # the figures of each run, printed at the end of the session


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for line in REPORT:
        terminalreporter.write_line(line)


@dataclass
class Site:
    app: Flask
    state: State
    visits: dict[str, Visit] = field(default_factory=dict)  # account key -> what it saw
    seconds: dict[str, float] = field(default_factory=dict)
    # forms sent after every account's visit (they sign out or destroy): account -> forms
    deferred: dict[str, list[Form]] = field(default_factory=dict)


@pytest.fixture(scope="module")
def site(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    app = make_app(database_url, IMPORT_UPLOAD_FOLDER=str(tmp_path_factory.mktemp("uploads")))
    app.test_client_class = Client
    with app.app_context():
        state = build_state(PASSWORD)
    mfa_user = demo_email(Role.MANAGER, "Préfecture BFC")  # as production asks of managers
    state.recovery_codes[mfa_user] = turn_on_mfa(app.test_client(), mfa_user, PASSWORD)
    yield Site(app, state)
    app.extensions["huey"].flush()  # the scans and imports the forms queued: no later test runs them
    empty_database(app)
