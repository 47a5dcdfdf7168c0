"""Configuration layers: defaults file, CRM_* environment, then the caller's mapping."""

from __future__ import annotations

import secrets
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

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


class ConfigError(RuntimeError):
    """The configuration cannot run: the message says what to set."""


def load_config(app: Flask, overrides: Mapping[str, Any] | None) -> None:
    app.config.update(BUILTIN_DEFAULTS)
    app.config.from_file(str(CONFIG_DIR / "default.toml"), load=tomllib.load, text=False)
    app.config.from_file(
        str(Path(app.instance_path) / "config.toml"), load=tomllib.load, text=False, silent=True
    )
    app.config.from_prefixed_env("CRM")
    if overrides:
        app.config.update(overrides)
    _finish(app)


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
        if app.config["SECRET_KEY"] == "change-me":  # noqa: S105 - the documented placeholder
            raise ConfigError("CRM_SECRET_KEY still holds the example value: set a random one.")
        app.config.update(
            SESSION_COOKIE_NAME="__Host-relais",
            SESSION_COOKIE_SECURE=True,
            PREFERRED_URL_SCHEME="https",
        )
    else:
        if not app.config.get("SECRET_KEY"):
            app.config["SECRET_KEY"] = _development_secret(Path(app.instance_path))
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        db_file = Path(app.instance_path) / "relais.db"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{db_file}"
    if not app.config["JOBS_BACKEND"]:
        app.config["JOBS_BACKEND"] = "redis" if app.config["REDIS_URL"] else "sqlite"


def _development_secret(instance: Path) -> str:
    """A random key kept in instance/ so that development sessions survive restarts."""
    instance.mkdir(parents=True, exist_ok=True)
    key_file = instance / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()
