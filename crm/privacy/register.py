"""The record of processing (RGPD art. 30) as Relais can state it: each body's notice and
legal basis, the retention periods and the security measures, read from the configuration
and the notices when the page is drawn, so that it never says what the settings do not do."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from crm.contacts.models import Contact
from crm.extensions import db
from crm.privacy.models import Suppression
from crm.privacy.notices import Notice, all_notices
from crm.settings import settings


@dataclass(frozen=True)
class Register:
    notices: list[Notice]
    retention_months: int
    audit_retention_days: int
    trash_days: int
    session_idle_minutes: int
    session_hours: int
    mfa_roles: list[str]
    production: bool
    contacts: dict[int, int]  # organisation id -> contacts it owns (trash excluded)
    suppressed: int  # digests in the suppression list
    drawn_at: dt.datetime


def build_register(now: dt.datetime) -> Register:
    config = settings()
    owned: dict[int, int] = {}
    for organisation_id, count in db.session.execute(
            select(Contact.organisation_id, func.count()).where(Contact.deleted_at.is_(None))
            .group_by(Contact.organisation_id)):
        owned[organisation_id] = count
    return Register(
        notices=all_notices(), retention_months=config.privacy.retention_months,
        audit_retention_days=config.audit_retention_days,
        trash_days=config.trash_retention.days,
        session_idle_minutes=int(config.session_idle.total_seconds() // 60),
        session_hours=int(config.session_lifetime.total_seconds() // 3600),
        mfa_roles=sorted(config.mfa_required_roles), production=config.production,
        contacts=owned,
        suppressed=db.session.scalar(select(func.count()).select_from(Suppression)) or 0,
        drawn_at=now)
