"""Typed settings: built once from the configuration layers, read through ``settings()``;
local days follow the configured time zone."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
import time_machine

from crm.audit.services import AuditFilter, audit_query
from crm.clock import day_start, local_now, local_today
from crm.settings import Settings, SettingsError, ThrottleRules, override, settings
from tests.conftest import make_app


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'settings.db'}"  # never opened: no table is needed


def test_settings_are_converted_once_from_the_configuration(url, tmp_path):
    app = make_app(url, SESSION_IDLE_MINUTES=15, LOGIN_MAX_DELAY_SECONDS=60,
                   MFA_REQUIRED_ROLES=["admin"], IMPORT_UPLOAD_FOLDER=str(tmp_path / "up"))
    built = settings(app)
    assert isinstance(built, Settings)
    assert built.session_idle == dt.timedelta(minutes=15)
    assert built.session_lifetime == dt.timedelta(hours=12)  # config/default.toml
    assert built.login_throttle == ThrottleRules(window=dt.timedelta(minutes=15),
                                                 free_per_account=5, free_per_ip=20,
                                                 max_delay=dt.timedelta(seconds=60))
    assert built.mfa_required_roles == frozenset({"admin"})
    assert built.trash_retention == dt.timedelta(days=30)
    assert built.upload_max_bytes == app.config["MAX_CONTENT_LENGTH"]
    assert built.import_upload_folder == tmp_path / "up"
    assert built.time_zone.key == "Europe/Paris"
    assert built.base_url == "http://localhost" and not built.production
    with app.app_context():
        assert settings() is built  # one object, read everywhere
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.page_size = 10  # type: ignore[misc]


def test_the_suppression_key_never_shows_in_a_representation(url):
    app = make_app(url, SUPPRESSION_KEY="a-private-suppression-key-of-enough-bytes")
    assert settings(app).suppression_key == b"a-private-suppression-key-of-enough-bytes"
    assert "private" not in repr(settings(app))


def test_upload_folder_defaults_to_the_instance_folder(url):
    app = make_app(url, IMPORT_UPLOAD_FOLDER="")
    assert settings(app).import_upload_folder == Path(app.instance_path) / "uploads"


def test_override_changes_the_configuration_and_the_settings_together(url):
    app = make_app(url)
    before = settings(app)
    after = override(app, MAX_CONTENT_LENGTH=1024, BASE_URL="https://relais.example.fr")
    assert settings(app) is after and after is not before
    assert app.config["MAX_CONTENT_LENGTH"] == after.upload_max_bytes == 1024
    assert after.base_url == "https://relais.example.fr"


def test_an_unknown_time_zone_stops_the_start(url):
    with pytest.raises(SettingsError, match="BABEL_DEFAULT_TIMEZONE"):
        make_app(url, BABEL_DEFAULT_TIMEZONE="Europe/Atlantis")


@pytest.mark.parametrize(("zone", "today", "offset"), [
    ("Europe/Paris", dt.date(2026, 12, 1), dt.timedelta(hours=1)),
    ("America/Cayenne", dt.date(2026, 11, 30), dt.timedelta(hours=-3)),
])
def test_local_days_follow_the_configured_time_zone(url, zone, today, offset):
    app = make_app(url, BABEL_DEFAULT_TIMEZONE=zone)
    with app.app_context(), time_machine.travel(dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC),
                                                tick=False):
        assert local_today() == today
        assert local_now().utcoffset() == offset
        assert day_start(today).utcoffset() == offset
        # the audit filter's days are local days too (they were Paris days whatever the setting)
        since = audit_query(AuditFilter(since=today)).compile().params
        assert dt.datetime.combine(today, dt.time.min, tzinfo=settings().time_zone) in \
            since.values()
