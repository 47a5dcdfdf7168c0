"""Typed settings: what the code reads from the configuration, converted and checked once.

``crm.config.load_config`` builds one frozen ``Settings`` from the layered configuration and
keeps it on ``app.extensions``; the code reads ``settings()`` instead of ``app.config`` keys.
Flask and its extensions keep reading their own keys (``SECRET_KEY``, ``MAX_CONTENT_LENGTH``…)
from ``app.config``: ``override`` changes both at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask, current_app

EXTENSION = "relais.settings"
LOG_FORMATS = ("text", "json")


class SettingsError(RuntimeError):
    """A setting cannot be used as given: the message names it."""


@dataclass(frozen=True)
class ThrottleRules:
    """Login throttling: failures inside ``window`` count; past the free ones each failure
    doubles the wait, up to ``max_delay``."""

    window: dt.timedelta
    free_per_account: int
    free_per_ip: int
    max_delay: dt.timedelta


LEGAL_BASES = ("public_task", "legitimate_interest", "consent")
NOTICE_PARTS = ("controller", "dpo", "purpose", "source", "retention", "rights", "complaint")


@dataclass(frozen=True)
class PrivacySettings:
    """RGPD: the retention period of contacts, each body's legal basis and the notice's
    default texts (``{organisation}`` and ``{months}`` filled in per body)."""

    retention_months: int = 36
    legal_bases: Mapping[str, str] = field(default_factory=dict)  # body short name -> basis
    default_legal_basis: str = "legitimate_interest"
    notice: Mapping[str, str] = field(default_factory=dict)  # NOTICE_PARTS -> default text

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> PrivacySettings:
        bases = dict(config.get("PRIVACY_LEGAL_BASES") or {})
        default = str(config.get("PRIVACY_DEFAULT_LEGAL_BASIS", "legitimate_interest"))
        for name, basis in [*bases.items(), ("PRIVACY_DEFAULT_LEGAL_BASIS", default)]:
            if basis not in LEGAL_BASES:
                raise SettingsError(f"PRIVACY_LEGAL_BASES: {name!r} has {basis!r}, not one of "
                                    f"{', '.join(LEGAL_BASES)}.")
        months = int(config.get("RETENTION_MONTHS", 36))
        if months < 1:
            raise SettingsError("RETENTION_MONTHS must be 1 or more.")
        notice = {part: str(config.get(f"PRIVACY_NOTICE_{part.upper()}", ""))
                  for part in NOTICE_PARTS}
        return cls(retention_months=months, legal_bases={str(k): str(v) for k, v in bases.items()},
                   default_legal_basis=default, notice=notice)

    def legal_basis(self, short_name: str) -> str:
        return self.legal_bases.get(short_name, self.default_legal_basis)


@dataclass(frozen=True)
class Settings:
    mode: str  # development, production or testing
    base_url: str  # every link in an e-mail starts here
    time_zone: ZoneInfo  # the bodies' local time: days, due dates, charts
    default_locale: str
    languages: tuple[str, ...]
    session_idle: dt.timedelta
    session_lifetime: dt.timedelta
    login_throttle: ThrottleRules
    password_hash_slots: int
    password_hash_wait: float  # seconds
    mfa_required_roles: frozenset[str]
    trash_retention: dt.timedelta  # deleted contacts and outlets, before the nightly purge
    audit_retention_days: int
    page_size: int
    upload_max_bytes: int
    import_inline_rows: int
    import_upload_folder: Path
    log_format: str  # "text" or "json": the line each request writes (crm.requestlog)
    mailing_senders: Mapping[str, tuple[str, str]]  # body short name -> (From, Reply-To)
    mailing_rate_per_minute: int  # 0: as fast as the server takes them
    mailing_max_attempts: int  # a 4xx answer is retried this many times in all
    mailing_stale_claim: dt.timedelta  # a delivery "sending" this long: the worker died
    mailing_claim_batch: int  # deliveries claimed, then settled, per commit
    event_offer_delay: dt.timedelta  # a seat offered from the waitlist is held this long
    mailing_attachment_max_bytes: int  # one attached file
    mailing_attachments_max_bytes: int  # all the files of one mailing
    exports_per_hour: int  # exports one user may make in any hour
    officers_may_export: bool  # officers export too (what they see), not only managers
    event_reminder_lead: dt.timedelta  # those who accepted: reminded this long before
    event_no_answer_lead: dt.timedelta  # those who did not answer: reminded this long before
    suppression_key: bytes = field(repr=False)
    privacy: PrivacySettings = field(default_factory=lambda: PrivacySettings.from_config({}))

    @property
    def production(self) -> bool:
        return self.mode == "production"

    @classmethod
    def from_config(cls, config: Mapping[str, Any], instance_path: str | Path = "instance",
                    ) -> Settings:
        uploads = config.get("IMPORT_UPLOAD_FOLDER") or Path(instance_path) / "uploads"
        return cls(
            mode=str(config["MODE"]),
            base_url=str(config["BASE_URL"]),
            time_zone=_zone(config["BABEL_DEFAULT_TIMEZONE"]),
            default_locale=str(config["BABEL_DEFAULT_LOCALE"]),
            languages=tuple(config["LANGUAGES"]),
            session_idle=dt.timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
            session_lifetime=dt.timedelta(hours=config["SESSION_LIFETIME_HOURS"]),
            login_throttle=ThrottleRules(
                window=dt.timedelta(minutes=config["LOGIN_WINDOW_MINUTES"]),
                free_per_account=int(config["LOGIN_FREE_FAILURES_PER_ACCOUNT"]),
                free_per_ip=int(config["LOGIN_FREE_FAILURES_PER_IP"]),
                max_delay=dt.timedelta(seconds=config["LOGIN_MAX_DELAY_SECONDS"])),
            password_hash_slots=int(config["PASSWORD_HASH_SLOTS"]),
            password_hash_wait=float(config["PASSWORD_HASH_WAIT_SECONDS"]),
            mfa_required_roles=frozenset(config["MFA_REQUIRED_ROLES"]),
            trash_retention=dt.timedelta(days=config["CONTACTS_TRASH_DAYS"]),
            audit_retention_days=int(config["AUDIT_RETENTION_DAYS"]),
            page_size=int(config["PAGE_SIZE"]),
            upload_max_bytes=int(config["MAX_CONTENT_LENGTH"]),
            import_inline_rows=int(config["IMPORT_INLINE_ROWS"]),
            import_upload_folder=Path(uploads),
            log_format=_log_format(config["LOG_FORMAT"]),
            mailing_senders=_senders(config.get("MAILING_SENDERS") or {}),
            mailing_rate_per_minute=int(config["MAILING_RATE_PER_MINUTE"]),
            mailing_max_attempts=int(config["MAILING_MAX_ATTEMPTS"]),
            mailing_stale_claim=dt.timedelta(minutes=config["MAILING_STALE_CLAIM_MINUTES"]),
            mailing_claim_batch=max(1, int(config["MAILING_CLAIM_BATCH"])),
            event_offer_delay=dt.timedelta(hours=config["EVENT_OFFER_HOURS"]),
            mailing_attachment_max_bytes=int(config["MAILING_ATTACHMENT_MAX_BYTES"]),
            mailing_attachments_max_bytes=int(config["MAILING_ATTACHMENTS_MAX_BYTES"]),
            exports_per_hour=max(0, int(config["EXPORTS_PER_HOUR"])),
            officers_may_export=bool(config["EXPORTS_BY_OFFICERS"]),
            event_reminder_lead=dt.timedelta(hours=config["EVENT_REMINDER_HOURS"]),
            event_no_answer_lead=dt.timedelta(hours=config["EVENT_NO_ANSWER_REMINDER_HOURS"]),
            suppression_key=str(config["SUPPRESSION_KEY"]).encode(),
            privacy=PrivacySettings.from_config(config),
        )


def _senders(raw: object) -> dict[str, tuple[str, str]]:
    if not isinstance(raw, Mapping):
        raise SettingsError("MAILING_SENDERS: a table of body short names.")
    found = {}
    for name, value in raw.items():
        if not isinstance(value, Mapping) or not str(value.get("from", "")).strip():
            raise SettingsError(f"MAILING_SENDERS: {name!r} needs a \"from\" address.")
        found[str(name)] = (str(value["from"]), str(value.get("reply_to", "")))
    return found


def _zone(name: object) -> ZoneInfo:
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingsError(f"BABEL_DEFAULT_TIMEZONE: no time zone is called {name!r}.") from exc


def _log_format(value: object) -> str:
    if value not in LOG_FORMATS:
        raise SettingsError(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {value!r}.")
    return str(value)


def install(app: Flask) -> Settings:
    """Build the settings from ``app.config`` and keep them on the app (the config loader)."""
    built = Settings.from_config(app.config, app.instance_path)
    app.extensions[EXTENSION] = built
    return built


def override(app: Flask, **config: Any) -> Settings:
    """Change configuration keys of a built app and rebuild its settings (tests, and the
    development server choosing its port)."""
    app.config.update(config)
    return install(app)


def settings(app: Flask | None = None) -> Settings:
    """The settings of ``app``, or of the current app."""
    return (app or current_app).extensions[EXTENSION]
