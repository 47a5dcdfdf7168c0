"""Production configuration: keys, base URL and hosts; private instance files; a quiet
development server."""

from __future__ import annotations

import stat
import threading
import urllib.request
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from crm.config import ConfigError, protect_files
from crm.security import QuietRequestHandler
from tests.conftest import make_app

GOOD = {"MODE": "production", "SECRET_KEY": "k" * 43, "SUPPRESSION_KEY": "s" * 43,
        "BASE_URL": "https://relais.example.fr"}


def production(database_url: str, **changes: object):  # type: ignore[no-untyped-def]
    return make_app(database_url, **{**GOOD, **changes})


def test_production_starts_with_good_settings(database_url):
    app = production(database_url)
    assert app.config["TRUSTED_HOSTS"] == ["relais.example.fr"]


@pytest.mark.parametrize(("key", "value", "message"), [
    ("SECRET_KEY", "x", "at least 32 bytes"),
    ("SECRET_KEY", "x" * 31, "at least 32 bytes"),
    ("SECRET_KEY", "change-me", "example value"),
    ("SUPPRESSION_KEY", "relais-suppression-list-v1", "example value"),
    ("SUPPRESSION_KEY", "change-me-too", "example value"),
    ("SUPPRESSION_KEY", "short", "at least 32 bytes"),
    ("SUPPRESSION_KEY", "", "at least 32 bytes"),
])
def test_production_refuses_weak_or_example_keys(database_url, key, value, message):
    with pytest.raises(ConfigError, match=message) as error:
        production(database_url, **{key: value})
    assert f"CRM_{key}" in str(error.value)


def test_production_refuses_the_public_default_suppression_key(database_url):
    settings = {k: v for k, v in GOOD.items() if k != "SUPPRESSION_KEY"}  # defaults file value
    with pytest.raises(ConfigError, match="CRM_SUPPRESSION_KEY"):
        make_app(database_url, **settings)


@pytest.mark.parametrize("base_url", ["", "http://relais.example.fr", "relais.example.fr",
                                      "https://", "https://relais.example.fr/?x=1"])
def test_production_requires_an_https_base_url(database_url, base_url):
    with pytest.raises(ConfigError, match="CRM_BASE_URL"):
        production(database_url, BASE_URL=base_url)


def test_production_answers_400_to_unknown_hosts(database_url):
    client = production(database_url).test_client()
    assert client.get("/auth/login", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/auth/login", base_url="https://relais.example.fr").status_code == 200


def test_explicit_trusted_hosts_are_kept(database_url):
    app = production(database_url, TRUSTED_HOSTS=["relais.example.fr", "relais.internal"])
    assert app.config["TRUSTED_HOSTS"] == ["relais.example.fr", "relais.internal"]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_instance_folder_and_database_files_are_private(tmp_path):
    instance = tmp_path / "instance"
    database = instance / "relais.db"
    protect_files(instance, f"sqlite:///{database}", jobs_sqlite=True)
    assert mode(instance) == 0o700
    assert mode(database) == 0o600
    assert mode(instance / "jobs.db") == 0o600


def test_files_left_readable_are_tightened(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    instance.chmod(0o755)
    database = instance / "relais.db"
    for path in (database, instance / "relais.db-wal"):
        path.write_bytes(b"")
        path.chmod(0o644)
    protect_files(instance, f"sqlite:///{database}", jobs_sqlite=False)
    assert mode(instance) == 0o700
    assert mode(database) == 0o600
    assert mode(instance / "relais.db-wal") == 0o600


def test_sqlite_database_and_its_wal_are_created_0600(tmp_path):
    from flask_migrate import upgrade

    database = tmp_path / "data" / "relais.db"
    app = make_app(f"sqlite:///{database}")
    with app.app_context():
        upgrade()
        from crm.extensions import db

        db.engine.dispose()
    assert mode(database.parent) == 0o700
    assert mode(database) == 0o600
    for extra in ("relais.db-wal", "relais.db-shm"):
        if (database.parent / extra).exists():
            assert mode(database.parent / extra) == 0o600
    assert mode(Path(app.instance_path)) == 0o700


def test_development_server_hides_its_version(database_url):
    app = make_app(database_url)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/auth/login") as response:
            header = response.headers["Server"]
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()
    assert header == "Relais"
    assert "Werkzeug" not in header and "Python" not in header


def test_dev_command_serves_with_the_quiet_handler(database_url, monkeypatch):
    from crm.demo import cli

    served: dict[str, object] = {}

    class Stopped:
        port = 0

        def stop(self) -> None:
            served["mail stopped"] = True

    class Worker:
        def terminate(self) -> None:
            served["worker stopped"] = True

        def wait(self, timeout: float) -> None:
            return None

    monkeypatch.setattr("crm.mail.services.start_devmail", lambda *args: Stopped())
    monkeypatch.setattr(cli.subprocess, "Popen", lambda *args, **kwargs: Worker())
    monkeypatch.setattr(cli, "run_simple", lambda *args, **kwargs: served.update(kwargs))
    app = make_app(database_url, BASE_URL="http://127.0.0.1:5000")  # the development default
    result = app.test_cli_runner().invoke(args=["dev", "--port", "5999"])
    assert result.exit_code == 0, result.output
    assert app.config["BASE_URL"] == "http://127.0.0.1:5999"  # reset links follow the port
    assert served["request_handler"] is QuietRequestHandler
    assert served["worker stopped"] and served["mail stopped"]
