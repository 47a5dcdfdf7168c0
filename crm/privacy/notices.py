"""Each body's information notice (RGPD art. 13 and 14) and legal basis: the defaults of the
configuration until the body's admins write their own, then their text, edited with a version
so that two admins editing at once do not overwrite each other."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from crm.audit.services import record
from crm.auth.models import User
from crm.contacts.models import LegalBasis
from crm.database import utcnow
from crm.errors import ConflictError
from crm.extensions import db
from crm.orgs.models import Organisation
from crm.privacy.models import PrivacyNotice
from crm.settings import settings

TEXTS = ("controller", "dpo_contact", "purpose", "source", "retention", "rights", "complaint")
_CONFIG_PART = {"dpo_contact": "dpo"}  # the configuration's name of each text, where it differs


@dataclass(frozen=True)
class NoticeData:
    legal_basis: LegalBasis
    controller: str
    dpo_contact: str
    purpose: str
    source: str
    retention: str
    rights: str
    complaint: str


@dataclass(frozen=True)
class Notice:
    """What the public page shows: the body, its notice, and the version an edit starts from
    (0 while the body shows the defaults)."""

    organisation: Organisation
    data: NoticeData
    version: int
    is_default: bool


def default_notice(organisation: Organisation) -> NoticeData:
    config = settings().privacy
    values = {"organisation": organisation.name, "months": str(config.retention_months)}
    texts = {name: config.notice.get(_CONFIG_PART.get(name, name), "").format_map(values)
             for name in TEXTS}
    return NoticeData(legal_basis=LegalBasis(config.legal_basis(organisation.short_name)),
                      **texts)


def _stored(organisation_id: int) -> PrivacyNotice | None:
    return db.session.scalar(select(PrivacyNotice).where(
        PrivacyNotice.organisation_id == organisation_id))


def notice_of(organisation: Organisation) -> Notice:
    row = _stored(organisation.id)
    if row is None:
        return Notice(organisation, default_notice(organisation), 0, True)
    data = NoticeData(legal_basis=row.legal_basis, **{name: getattr(row, name) for name in TEXTS})
    return Notice(organisation, data, row.version, False)


def all_notices() -> list[Notice]:
    return [notice_of(o) for o in db.session.scalars(select(Organisation).order_by(Organisation.name))]


def save_notice(actor: User, organisation: Organisation, data: NoticeData, *,
                expected_version: int) -> PrivacyNotice:
    """Store ``data`` as the body's notice; ``ConflictError`` when another admin saved it since
    ``expected_version`` was read (0: the defaults were shown)."""
    row = _stored(organisation.id)
    if (row.version if row else 0) != expected_version:
        raise ConflictError(notice_of(organisation))
    if row is None:
        row = PrivacyNotice(organisation_id=organisation.id)
        db.session.add(row)
    changed = [name for name, value in dataclasses.asdict(data).items()
               if getattr(row, name, None) != value]
    for name, value in dataclasses.asdict(data).items():
        setattr(row, name, value)
    row.updated_at, row.updated_by_id = utcnow(), actor.id
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise ConflictError(notice_of(organisation)) from exc
    record(actor, "privacy.notice_updated", organisation, fields=changed)
    return row

