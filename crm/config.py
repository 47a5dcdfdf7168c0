"""Configuration layers: defaults file, CRM_* environment, then the caller's mapping."""

from __future__ import annotations

import contextlib
import os
import secrets
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, urlsplit

from flask import Config, Flask

from crm.settings import install as install_settings

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"

# Settings the TOML format cannot express (None) or that only code should decide.
BUILTIN_DEFAULTS: dict[str, Any] = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the server-side session
    "SESSION_COOKIE_NAME": "relais",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "PROXY_HOPS": 0,
}

# Production needs at least this much key material in SECRET_KEY and SUPPRESSION_KEY.
MIN_KEY_BYTES = 32
# Values that appear in the documentation or in the defaults file: public, so never keys.
EXAMPLE_KEYS = frozenset({"change-me", "change-me-too", "relais-suppression-list-v1"})
# Where links in e-mails point when BASE_URL is left empty outside production.
DEFAULT_BASE_URLS = {"development": "http://127.0.0.1:5000", "testing": "http://localhost"}


class ConfigError(RuntimeError):
    """The configuration cannot run: the message says what to set."""


def load_config(app: Flask, overrides: Mapping[str, Any] | None) -> None:
    app.config.update(read_layers(app.instance_path))
    if overrides:
        app.config.update(overrides)
    _finish(app)
    install_settings(app)  # the typed view the code reads: crm.settings.settings()


def read_layers(instance_path: str | Path) -> Config:
    """The built-in defaults, the defaults file, ``instance/config.toml`` and the ``CRM_``
    environment, each over the one before; no check. The server configuration
    (gunicorn.conf.py) reads PROXY_HOPS here, as the application does."""
    config = Config(str(CONFIG_DIR.parent))
    config.update(BUILTIN_DEFAULTS)
    config.from_file(str(CONFIG_DIR / "default.toml"), load=tomllib.load, text=False)
    config.from_file(str(Path(instance_path) / "config.toml"), load=tomllib.load, text=False,
                     silent=True)
    config.from_prefixed_env("CRM")
    return config


def _finish(app: Flask) -> None:
    mode = app.config["MODE"]
    if mode not in {"development", "production", "testing"}:
        raise ConfigError(f"MODE must be development, production or testing, not {mode!r}.")
    if mode == "production":
        missing = [k for k in ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI") if not app.config.get(k)]
        if missing:
            raise ConfigError(
                "Relais refuses to start in production without "
                + ", ".join(f"CRM_{key}" for key in missing)
                + " (see config/production.example.toml)."
            )
        for key in ("SECRET_KEY", "SUPPRESSION_KEY"):
            _check_key(key, app.config.get(key))
        base = _check_base_url(app.config.get("BASE_URL") or "")
        if app.config.get("TRUSTED_HOSTS") is None:  # requests for any other host get a 400
            app.config["TRUSTED_HOSTS"] = [base.hostname]
        app.config.update(
            SESSION_COOKIE_NAME="__Host-relais",
            SESSION_COOKIE_SECURE=True,
            PREFERRED_URL_SCHEME="https",
        )
    else:
        if not app.config.get("SECRET_KEY"):
            app.config["SECRET_KEY"] = _development_secret(Path(app.instance_path))
        if not app.config.get("BASE_URL"):
            app.config["BASE_URL"] = DEFAULT_BASE_URLS[mode]
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        db_file = Path(app.instance_path) / "relais.db"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{db_file}"
    if not app.config["JOBS_BACKEND"]:
        app.config["JOBS_BACKEND"] = "redis" if app.config["REDIS_URL"] else "sqlite"
    protect_files(Path(app.instance_path), app.config["SQLALCHEMY_DATABASE_URI"],
                  jobs_sqlite=app.config["JOBS_BACKEND"] == "sqlite")


def protect_files(instance: Path, database_uri: str, *, jobs_sqlite: bool) -> None:
    """The instance folder (keys, databases, caught mail) is the owner's alone (0700), and
    SQLite files are created 0600 before SQLite opens them: SQLite gives its -wal and -shm
    files the mode of the database file. Files left readable by an older version are
    tightened."""
    instance.mkdir(mode=0o700, parents=True, exist_ok=True)
    _owner_only(instance, 0o700)
    files = [instance / "jobs.db"] if jobs_sqlite else []
    if database_uri.startswith("sqlite:///") and database_uri != "sqlite:///:memory:":
        files.append(Path(database_uri.removeprefix("sqlite:///").split("?")[0]))
    for path in files:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):  # the mode applies to a new file only
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if file.exists():
                _owner_only(file, 0o600)


def _owner_only(path: Path, mode: int) -> None:
    """Take group and other permissions away from a file or folder of ours that has some
    (one owned by another account, e.g. a read-only deployment, is left to its owner)."""
    status = path.stat()
    if status.st_mode & 0o077 and status.st_uid == os.getuid():
        path.chmod(mode)


def _check_key(name: str, value: object) -> None:
    """A production key: a string of at least MIN_KEY_BYTES bytes that no document shows."""
    text = value if isinstance(value, str) else ""
    if text.strip() in EXAMPLE_KEYS:
        raise ConfigError(f"CRM_{name} still holds the example value: set a random one.")
    if len(text.encode()) < MIN_KEY_BYTES:
        raise ConfigError(
            f"CRM_{name} must hold at least {MIN_KEY_BYTES} bytes of random key material "
            '(python -c "import secrets; print(secrets.token_urlsafe(48))").')


def _check_base_url(value: str) -> SplitResult:
    """BASE_URL in production: the https address users reach, from which every link in an
    e-mail is built (never from a request's Host header)."""
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname or parts.query or parts.fragment:
        raise ConfigError(
            "Relais refuses to start in production without CRM_BASE_URL, the https address "
            "users reach (e.g. https://relais.example.fr); links in e-mails are built from it.")
    return parts


def _development_secret(instance: Path) -> str:
    """A random key kept in instance/ so that development sessions survive restarts."""
    instance.mkdir(parents=True, exist_ok=True)
    key_file = instance / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()
