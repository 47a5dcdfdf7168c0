"""Exports' verbs, and the writers other features reuse for their own files.

``export_contacts`` writes a list, a segment, a contact-list search or a selection as CSV for
Excel, XLSX or vCard 3.0 into a binary file, records the export (``ExportRecord``, and the
audit log) and returns the record; the caller commits, then sends the file. Contacts are
always read in the exporter's scope (shared ones and their body's private ones). Managers and
admins export; officers only when ``EXPORTS_BY_OFFICERS`` is on, and then only their own body's
lists. A user makes at most ``EXPORTS_PER_HOUR`` exports in any hour (``RateLimited``).

A mailing-list export leaves out the contacts who opted out (of every body, or of the
exporter's), whose address bounced, or whose email or phone is on the suppression list (people
erased on request), and counts each reason.

``csv_chunks`` (CSV for French Excel), ``write_xlsx`` (streamed XLSX, text cells only),
``vcard_chunks`` (vCard 3.0) and ``neutralise`` / ``undo_neutralisation`` (spreadsheet
formulas defused) are the pure writers of ``crm.exports.writers``, re-exported here so that a
feature (an event's attendee list, a report) writes its files the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import IO, Any

from sqlalchemy import Select, func, select

from crm.audit.services import record
from crm.auth.models import Role, User
from crm.contacts.core.normalise import fold
from crm.contacts.models import Contact, ContactEmail, ContactOptOut, ContactPhone
from crm.contacts.services import visible_contacts
from crm.database import utcnow
from crm.exports.columns import (
    COLUMNS,
    DEFAULT_COLUMNS,
    card_person,
    civility_texts,
    header,
    values,
    widths,
)
from crm.exports.models import ExportFormat, ExportRecord, ExportSource
from crm.exports.rows import export_rows
from crm.exports.writers.csv_excel import csv_chunks
from crm.exports.writers.neutralise import neutralise, undo_neutralisation
from crm.exports.writers.vcard import CardPerson, vcard_chunks
from crm.exports.writers.xlsx import column_widths, write_xlsx
from crm.extensions import db
from crm.lists.models import ContactList
from crm.lists.services import get_visible_list, member_ids, search_ids
from crm.privacy.models import Suppression, SuppressionKind
from crm.privacy.services import digest
from crm.settings import settings

__all__ = ["CSV_MIMETYPE", "DEFAULT_COLUMNS", "VCARD_MIMETYPE", "XLSX_MIMETYPE", "CardPerson",
           "column_widths", "csv_chunks", "neutralise", "undo_neutralisation", "vcard_chunks",
           "write_xlsx"]

CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VCARD_MIMETYPE = "text/vcard; charset=utf-8"
MIMETYPES = {ExportFormat.CSV: CSV_MIMETYPE, ExportFormat.XLSX: XLSX_MIMETYPE,
             ExportFormat.VCARD: VCARD_MIMETYPE}
FORMAT_NAMES = {ExportFormat.CSV: "CSV", ExportFormat.XLSX: "XLSX", ExportFormat.VCARD: "vCard"}
EXTENSIONS = {ExportFormat.CSV: "csv", ExportFormat.XLSX: "xlsx", ExportFormat.VCARD: "vcf"}
LEFT_OUT_REASONS = ("opted_out", "sender_opt_out", "bounced", "suppressed")
CHUNK = 1_000
MAX_SELECTION = 10_000


class ExportRefused(PermissionError):
    """The user may not export this (role, setting, or another body's list)."""


class RateLimited(Exception):
    """Too many exports by this user in the last hour."""


@dataclass
class ExportRequest:
    """What to export: a source (a list or segment id, a search's criteria, or contact ids)."""

    source: ExportSource
    format: ExportFormat
    columns: Sequence[str] = DEFAULT_COLUMNS
    is_mailing_list: bool = False
    list_id: int | None = None
    criteria: dict[str, Any] | None = None
    contact_ids: Sequence[int] = ()


@dataclass
class Chosen:
    """The contacts an export holds, in order, and those a mailing list left out (by reason)."""

    ids: list[int]
    label: str
    contact_list: ContactList | None = None
    left_out: Counter[str] = field(default_factory=Counter)


def may_export(user: User) -> bool:
    """Managers and admins; officers too when the setting allows."""
    return user.has_role(Role.MANAGER) or settings().officers_may_export


def may_export_list(user: User, contact_list: ContactList) -> bool:
    """An officer exports only their own body's lists; a manager any list they see."""
    return may_export(user) and (user.has_role(Role.MANAGER)
                                 or contact_list.organisation_id == user.organisation_id)


def exports_in_last_hour(user: User) -> int:
    since = utcnow() - dt.timedelta(hours=1)
    return int(db.session.scalar(select(func.count()).select_from(ExportRecord).where(
        ExportRecord.user_id == user.id, ExportRecord.created_at > since)) or 0)


def check_rate(user: User) -> None:
    if exports_in_last_hour(user) >= settings().exports_per_hour:
        raise RateLimited("too many exports in the last hour")


def choose(actor: User, wanted: ExportRequest) -> Chosen:
    """The contacts ``wanted`` names, as ``actor`` sees them; ValueError for a forged source."""
    if wanted.source in (ExportSource.LIST, ExportSource.SEGMENT):
        contact_list = get_visible_list(actor, wanted.list_id or 0)
        if not may_export_list(actor, contact_list):
            raise ExportRefused("another body's list")
        chosen = Chosen(member_ids(actor, contact_list), contact_list.name, contact_list)
    elif wanted.source == ExportSource.SEARCH:
        criteria = wanted.criteria or {}
        chosen = Chosen(search_ids(actor, criteria), str(criteria.get("q", ""))[:200])
    else:
        if not wanted.contact_ids:
            raise ValueError("an empty selection")
        ids = sorted(set(wanted.contact_ids))[:MAX_SELECTION]
        stmt: Select[Any] = visible_contacts(actor).with_only_columns(Contact.id).where(
            Contact.id.in_(ids)).order_by(Contact.sort_key, Contact.id)
        chosen = Chosen(list(db.session.scalars(stmt)), "")
    if wanted.is_mailing_list:
        chosen.ids, chosen.left_out = mailing_list(actor, chosen.ids)
    return chosen


def mailing_list(actor: User, ids: list[int]) -> tuple[list[int], Counter[str]]:
    """``ids`` less those a mailing must not reach, and how many were left out per reason."""
    reasons: dict[int, str] = {}
    for start in range(0, len(ids), CHUNK):
        reasons.update(_left_out(actor, ids[start:start + CHUNK]))
    return [i for i in ids if i not in reasons], Counter(reasons.values())


def _left_out(actor: User, ids: list[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for contact_id in _suppressed(ids):
        found[contact_id] = "suppressed"
    for contact_id, opted_out, bounced in db.session.execute(select(
            Contact.id, Contact.is_opted_out, Contact.is_email_bounced).where(Contact.id.in_(ids))):
        if opted_out:
            found.setdefault(contact_id, "opted_out")
        elif bounced:
            found.setdefault(contact_id, "bounced")
    for contact_id in db.session.scalars(select(ContactOptOut.contact_id).where(
            ContactOptOut.contact_id.in_(ids), ContactOptOut.organisation_id == actor.organisation_id)):
        found.setdefault(contact_id, "sender_opt_out")
    return found


def _suppressed(ids: list[int]) -> set[int]:
    """The contacts among ``ids`` with an email or a phone on the suppression list."""
    by_digest: dict[tuple[SuppressionKind, str], set[int]] = {}
    for kind, rows in ((SuppressionKind.EMAIL, select(ContactEmail.contact_id, ContactEmail.email)
                        .where(ContactEmail.contact_id.in_(ids))),
                       (SuppressionKind.PHONE, select(ContactPhone.contact_id, ContactPhone.e164)
                        .where(ContactPhone.contact_id.in_(ids)))):
        for contact_id, value in db.session.execute(rows):
            by_digest.setdefault((kind, digest(kind, value)), set()).add(contact_id)
    found: set[int] = set()
    for kind in (SuppressionKind.EMAIL, SuppressionKind.PHONE):
        digests = [d for k, d in by_digest if k == kind]
        for hit in db.session.scalars(select(Suppression.digest).where(
                Suppression.kind == kind, Suppression.digest.in_(digests))) if digests else ():
            found |= by_digest[(kind, hit)]
    return found


@dataclass
class Exported:
    record: ExportRecord
    left_out: Counter[str]


def export_contacts(actor: User, wanted: ExportRequest, target: IO[bytes]) -> Exported:
    """Write the export into ``target``, record it and audit it (see the module's docstring)."""
    if not may_export(actor):
        raise ExportRefused("exports are for managers")
    columns = [c for c in wanted.columns if c in COLUMNS] or list(DEFAULT_COLUMNS)
    check_rate(actor)
    chosen = choose(actor, wanted)
    write(wanted.format, columns, chosen, target)
    export = ExportRecord(
        user_id=actor.id, organisation_id=actor.organisation_id, source=wanted.source,
        list_id=chosen.contact_list.id if chosen.contact_list else None, label=chosen.label,
        format=wanted.format, columns=columns, is_mailing_list=wanted.is_mailing_list,
        row_count=len(chosen.ids), left_out_count=sum(chosen.left_out.values()))
    db.session.add(export)
    db.session.flush()
    details = {"left_out": export.left_out_count} if wanted.is_mailing_list else {}
    record(actor, "export.created", export, format=FORMAT_NAMES[wanted.format],
           rows=export.row_count, **details)
    return Exported(export, chosen.left_out)


@dataclass
class Preview:
    """What the export form shows before the export: the source's size and its left-outs."""

    label: str
    count: int
    left_out: Counter[str]


def preview(actor: User, wanted: ExportRequest) -> Preview:
    """How many contacts ``wanted`` holds, and how many a mailing list would leave out."""
    if not may_export(actor):
        raise ExportRefused("exports are for managers")
    if wanted.source == ExportSource.SELECTION and not wanted.contact_ids:
        return Preview("", 0, Counter())
    chosen = choose(actor, replace(wanted, is_mailing_list=True))
    return Preview(chosen.label, len(chosen.ids) + sum(chosen.left_out.values()), chosen.left_out)


def column_labels() -> dict[str, str]:
    return {key: str(label) for key, (label, _get) in COLUMNS.items()}


def write(fmt: ExportFormat, columns: list[str], chosen: Chosen, target: IO[bytes]) -> None:
    rows = export_rows(chosen.ids)
    if fmt == ExportFormat.VCARD:
        with_note, civility = "notes" in columns, civility_texts()
        for chunk in vcard_chunks(card_person(r, with_note=with_note, civility=civility) for r in rows):
            target.write(chunk)
        return
    cells = values(columns)
    if fmt == ExportFormat.XLSX:
        write_xlsx(target, header(columns), (cells(r) for r in rows),
                   sheet_title=chosen.label or "Contacts", widths=widths(columns))
        return
    for chunk in csv_chunks(header(columns), (cells(r) for r in rows)):
        target.write(chunk)


def download_name(export: ExportRecord) -> str:
    """``contacts-<label>-<date>.<ext>``, ASCII letters, digits and dashes only."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(export.label or export.source.value)).strip("-")[:40]
    return f"contacts-{slug or 'export'}-{export.created_at:%Y%m%d-%H%M}.{EXTENSIONS[export.format]}"


def export_log(organisation_id: int | None = None, fmt: ExportFormat | None = None,
               user_id: int | None = None) -> Select[ExportRecord]:
    """The exports, newest first, filtered (the admin page)."""
    stmt = select(ExportRecord).order_by(ExportRecord.created_at.desc(), ExportRecord.id.desc())
    if organisation_id is not None:
        stmt = stmt.where(ExportRecord.organisation_id == organisation_id)
    if fmt is not None:
        stmt = stmt.where(ExportRecord.format == fmt)
    if user_id is not None:
        stmt = stmt.where(ExportRecord.user_id == user_id)
    return stmt
