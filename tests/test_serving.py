"""The production serving files: gunicorn.conf.py loads in gunicorn, the systemd units and the
nginx site in docs/ parse and point at what exists, and gunicorn really serves the probes."""

from __future__ import annotations

import configparser
import http.client
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from gunicorn.app.base import Application

from crm.jobs import worker_command

ROOT = Path(__file__).resolve().parents[1]
CONF = ROOT / "gunicorn.conf.py"
UNITS = sorted((ROOT / "docs" / "systemd").glob("*.service"))
NGINX = ROOT / "docs" / "nginx" / "relais.conf"
BIN = Path(sys.executable).parent
DEPLOYED = "/srv/relais"  # where the examples put the checkout


class ConfOnly(Application):
    """gunicorn's own loader of a configuration file, without its command line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__()

    def load_config(self) -> None:
        self.load_config_from_file(str(self.path))

    def load(self) -> None:  # pragma: no cover - nothing is served
        raise AssertionError("not served")


def gunicorn_settings(monkeypatch: pytest.MonkeyPatch, **env: str):
    for name in ("RELAIS_BIND", "RELAIS_WORKERS", "RELAIS_THREADS", "RELAIS_FORWARDED_ALLOW_IPS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return ConfOnly(CONF).cfg


def test_gunicorn_loads_the_configuration(monkeypatch):
    cfg = gunicorn_settings(monkeypatch, CRM_PROXY_HOPS="0")
    assert cfg.worker_class_str == "gthread"
    assert (cfg.workers, cfg.threads) == (2 * (os.cpu_count() or 1), 4)
    assert cfg.bind == ["127.0.0.1:8000"]
    assert cfg.wsgi_app == "wsgi:app"
    assert cfg.accesslog is None  # the application logs each request (crm.requestlog)
    assert cfg.max_requests > 0 and 0 < cfg.max_requests_jitter < cfg.max_requests
    assert cfg.graceful_timeout <= cfg.timeout
    assert cfg.forwarded_allow_ips == []  # no proxy: no forwarded header is trusted


def test_gunicorn_follows_the_environment_and_proxy_hops(monkeypatch):
    cfg = gunicorn_settings(monkeypatch, CRM_PROXY_HOPS="1", RELAIS_WORKERS="3",
                            RELAIS_THREADS="2", RELAIS_BIND="unix:/run/relais/web.sock")
    assert (cfg.workers, cfg.threads, cfg.bind) == (3, 2, ["unix:/run/relais/web.sock"])
    assert cfg.forwarded_allow_ips == ["127.0.0.1", "::1"]
    assert cfg.secure_scheme_headers == {"X-FORWARDED-PROTO": "https"}
    cfg = gunicorn_settings(monkeypatch, CRM_PROXY_HOPS="1", RELAIS_FORWARDED_ALLOW_IPS="10.0.0.2")
    assert cfg.forwarded_allow_ips == ["10.0.0.2"]


def read_unit(path: Path) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(strict=True, interpolation=None, delimiters=("=",))
    unit.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    unit.read(path, encoding="utf-8")
    return unit


def local(path: str) -> Path:
    assert path.startswith(DEPLOYED + "/"), path
    return ROOT / path.removeprefix(DEPLOYED + "/")


def test_there_is_a_unit_for_the_web_server_and_one_for_the_worker():
    assert [p.name for p in UNITS] == ["relais-web.service", "relais-worker.service"]


@pytest.mark.parametrize("path", UNITS, ids=[p.stem for p in UNITS])
def test_systemd_units_parse_and_name_what_exists(path):
    unit = read_unit(path)
    assert unit.sections() == ["Unit", "Service", "Install"]
    service = unit["Service"]
    assert service["WorkingDirectory"] == DEPLOYED
    assert service["ReadWritePaths"] == f"{DEPLOYED}/instance"  # SQLite, uploads, keys
    command = shlex.split(service["ExecStart"])
    assert command[0].startswith(f"{DEPLOYED}/.venv/bin/")
    assert (BIN / Path(command[0]).name).is_file(), f"{command[0]} is installed by no dependency"
    environment = dict(shlex.split(line)[0].split("=", 1)
                       for line in service.get("Environment", "").splitlines() if line)
    if path.stem == "relais-web":
        assert command[1:] == ["-c", f"{DEPLOYED}/gunicorn.conf.py", "wsgi:app"]
        assert local(command[2]).is_file()
        assert "app = create_app()" in (ROOT / "wsgi.py").read_text(encoding="utf-8")
        assert service["Type"] == "notify"  # gunicorn tells systemd when it listens
        assert float(service["TimeoutStopSec"]) > 30  # graceful_timeout
    else:
        assert environment["FLASK_APP"] == "wsgi" and (ROOT / "wsgi.py").is_file()
        assert command[1] == worker_command.name == "worker"
        assert service["KillSignal"] == "SIGINT"  # huey's graceful stop
    assert service["EnvironmentFile"].startswith("/etc/")  # secrets stay out of the checkout


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_accepts_the_units(tmp_path):
    """systemd's own check, on copies pointing at this checkout (and at no account or file
    of the server)."""
    for path in UNITS:
        text = path.read_text(encoding="utf-8").replace(DEPLOYED, str(ROOT))
        text = re.sub(r"(?m)^(User|Group)=relais$", r"\1=root", text)
        text = re.sub(r"(?m)^EnvironmentFile=", "EnvironmentFile=-", text)
        (tmp_path / path.name).write_text(text, encoding="utf-8")
    result = subprocess.run(["systemd-analyze", "verify", *sorted(map(str, tmp_path.iterdir()))],  # noqa: S603, S607
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


def nginx_statements(text: str) -> list[str]:
    """The statements and block openings of an nginx file, comments and quotes removed,
    with a check that every brace is balanced."""
    code = re.sub(r"#[^\n]*", "", text)
    code = re.sub(r'"[^"\n]*"', '""', code)
    depth = 0
    for char in code:
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0, "a closing brace with no opening one"
    assert depth == 0, "unclosed block"
    return [s.strip() for s in re.split(r"[;{}]", code) if s.strip()]


def test_nginx_site_is_balanced_and_sends_the_proxy_headers():
    statements = nginx_statements(NGINX.read_text(encoding="utf-8"))
    headers = {s.split()[1].lower(): s.split(maxsplit=2)[2] for s in statements
               if s.startswith("proxy_set_header")}
    # PROXY_HOPS = 1: one value each, set by the proxy (never passed on from the client).
    assert headers["host"] == "$host"
    assert headers["x-forwarded-for"] == "$remote_addr"
    assert headers["x-forwarded-proto"] == "$scheme"
    assert headers["x-request-id"] == "$request_id"
    assert {s for s in statements if s.startswith("proxy_pass")} == {"proxy_pass http://relais_web"}
    web = read_unit(UNITS[0])["Service"]["Environment"].removeprefix("RELAIS_BIND=")
    assert f"server {web}" in statements
    assert "alias /srv/relais/static/" in statements and (ROOT / "static").is_dir()
    assert any(s.startswith("listen 443 ssl") for s in statements)


def test_nginx_accepts_the_application_upload_limit():
    defaults = tomllib.loads((ROOT / "config" / "default.toml").read_text(encoding="utf-8"))
    statements = nginx_statements(NGINX.read_text(encoding="utf-8"))
    size = next(s.split()[1] for s in statements if s.startswith("client_max_body_size"))
    assert size.endswith("m")
    assert int(size[:-1]) * 1024 * 1024 > defaults["MAX_CONTENT_LENGTH"]


def test_readme_gives_the_command():
    assert "gunicorn -c gunicorn.conf.py wsgi:app" in (ROOT / "README.md").read_text(encoding="utf-8")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(port: int, path: str, **headers: str) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Host": "relais.example.fr", **headers})
        response = conn.getresponse()
        response.read()
        return response
    finally:
        conn.close()


@pytest.fixture
def served(tmp_path):
    """gunicorn with gunicorn.conf.py, in production mode behind one proxy, on a free loopback
    port and a new SQLite database; yields the port and the file of the server's output."""
    port = _free_port()
    env = {**os.environ, "RELAIS_BIND": f"127.0.0.1:{port}", "RELAIS_WORKERS": "1",
           "RELAIS_THREADS": "2", "CRM_MODE": "production", "CRM_PROXY_HOPS": "1",
           "CRM_BASE_URL": "https://relais.example.fr", "CRM_LOG_FORMAT": "json",
           "CRM_SECRET_KEY": secrets.token_urlsafe(48),
           "CRM_SUPPRESSION_KEY": secrets.token_urlsafe(48),
           "CRM_SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'relais.db'}",
           "CRM_JOBS_BACKEND": "sqlite", "CRM_REDIS_URL": ""}
    stderr = tmp_path / "gunicorn.log"
    with stderr.open("wb") as log:
        server = subprocess.Popen([str(BIN / "gunicorn"), "-c", str(CONF)], cwd=tmp_path,  # noqa: S603
                                  env=env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 60  # a few seconds unless the machine is busy
        while True:
            try:
                _get(port, "/healthz")
                break
            except OSError:
                assert server.poll() is None, stderr.read_text()
                assert time.monotonic() < deadline, stderr.read_text()
                time.sleep(0.1)
        yield port, stderr
    finally:
        server.send_signal(signal.SIGINT)  # quick shutdown
        server.wait(timeout=30)


def test_gunicorn_serves_the_health_checks(served):
    port, log = served
    live = _get(port, "/healthz")
    assert live.status == 200 and live.getheader("Set-Cookie") is None
    ready = _get(port, "/readyz")
    assert ready.status == 200
    missing = _get(port, "/nothing-here", **{"X-Forwarded-Proto": "https",
                                              "X-Request-ID": "0123456789abcdef"})
    assert missing.status == 404
    assert missing.getheader("X-Request-ID") == "0123456789abcdef"
    assert missing.getheader("Strict-Transport-Security")  # production settings in force
    wrong_host = _get(port, "/healthz", Host="elsewhere.example")
    assert wrong_host.status == 400  # TRUSTED_HOSTS: probes send the site's Host
    # One JSON line per request (each written as it ends), healthy probes left out.
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    assert [(r["method"], r["route"], r["status"]) for r in lines] == [
        ("GET", None, 404), ("GET", None, 400)]
    assert lines[0]["request_id"] == "0123456789abcdef"
