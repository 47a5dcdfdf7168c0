"""Commit a staged batch (in one transaction inline, chunk by chunk in the worker), report
on it, and undo it.

Re-imports never clear a privacy state: the opt-outs, the bounce flag and the legal basis
of an existing contact are kept whatever the file says, in every mode. Undo removes the
contacts the batch created (to the trash) and restores the fields it updated, but only
while nobody changed those contacts since (their version is the one the import left).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from sqlalchemy import Select, delete, func, select, update

from crm.audit.services import record
from crm.auth.models import User
from crm.contacts.core.normalise import display_phone, fold
from crm.contacts.models import Civility, Contact, ContactKind
from crm.contacts.services import (
    ContactData,
    contact_data,
    create_contact,
    from_snapshot,
    snapshot,
    soft_delete_contact,
    update_contact,
)
from crm.database import affected_rows, utcnow
from crm.extensions import db
from crm.imports.block_store import block_titles, shown_sections, store_blocks

# the press-release blocks a user may see, and staging a pasted text, for other features
from crm.imports.block_store import visible_blocks as visible_blocks
from crm.imports.models import (
    BatchStatus,
    ContactBlock,
    ImportBatch,
    ImportMode,
    ImportRow,
    RowDecision,
    RowOutcome,
    SourceKind,
)
from crm.imports.staging import outlet_index
from crm.imports.staging import stage_text as stage_text
from crm.privacy.services import is_suppressed

CHUNK = 50  # rows per transaction in the worker: well under a second of write lock
IDENTITY = ("civility", "first_name", "last_name", "job_title", "area", "notes")
LISTS = ("emails", "phones", "beats", "social_links", "outlet_ids")


class ImportStateError(RuntimeError):
    """The batch is not in the state the action needs (double click, second tab...)."""


class UndoBlocked(RuntimeError):
    def __init__(self, contact_ids: list[int]) -> None:
        super().__init__(f"changed since the import: {contact_ids}")
        self.contact_ids = contact_ids


def _claim(batch: ImportBatch, before: BatchStatus, after: BatchStatus) -> None:
    """Move the batch from ``before`` to ``after`` atomically, or refuse."""
    if affected_rows(update(ImportBatch).where(
            ImportBatch.id == batch.id, ImportBatch.status == before).values(status=after)) != 1:
        raise ImportStateError(batch.status.value)
    db.session.refresh(batch)


def _data(values: dict[str, Any], batch: ImportBatch, outlets: dict[str, int]) -> ContactData:
    outlet_id = outlets.get(fold(values.get("outlet") or ""))
    notes = values.get("notes")
    if values.get("outlet") and outlet_id is None:  # keep what the file said
        notes = "\n".join(filter(None, [notes, f"Média (import) : {values['outlet']}"]))
    for phone in values.get("unverified_phones") or ():  # outside the numbering plan
        notes = "\n".join(filter(None, [notes, f"Téléphone (import, non vérifié) : {phone}"]))
    return ContactData(
        last_name=values["last_name"], first_name=values.get("first_name") or "",
        source=batch.settings.source, civility=Civility(values.get("civility", "none")),
        kind=ContactKind(values.get("kind", "journalist")), job_title=values.get("job_title"),
        outlet_ids=[outlet_id] if outlet_id else [], emails=values.get("emails", []),
        phones=values.get("phones", []), beats=values.get("beats", []),
        area=values.get("area"), social_links=values.get("social_links", []), notes=notes,
        visibility=batch.settings.visibility)


def _merged(current: ContactData, incoming: ContactData, mode: ImportMode) -> ContactData:
    """``current`` with the file's values: all of them (update) or only where empty (fill).

    Lists are united; privacy fields always stay as they are.
    """
    merged = asdict(current)
    for name in IDENTITY:
        new = getattr(incoming, name)
        empty = getattr(current, name) in (None, "", Civility.NONE)
        if new not in (None, "", Civility.NONE) and (mode is ImportMode.UPDATE or empty):
            merged[name] = new
    for name in LISTS:
        merged[name] = list(dict.fromkeys([*getattr(current, name), *getattr(incoming, name)]))
    return ContactData(**merged)


DISCARDABLE = (BatchStatus.STAGING, BatchStatus.STAGED, BatchStatus.FAILED)


def discard_batch(actor: User, batch: ImportBatch) -> str | None:
    """Delete a batch that was not imported (being read, staged or unreadable) with its rows,
    or raise ``ImportStateError``; returns the kept upload the caller removes after
    committing. A staging job finds its batch gone and stops."""
    upload = batch.settings.upload
    record(actor, "import.discarded", batch)
    applied = select(ImportRow.id).where(ImportRow.batch_id == batch.id,
                                         ImportRow.outcome.is_not(None))
    if affected_rows(delete(ImportBatch).where(  # rows: ON DELETE CASCADE
            ImportBatch.id == batch.id, ImportBatch.status.in_(DISCARDABLE), ~applied.exists())) != 1:
        raise ImportStateError(batch.status.value)
    return upload


def queue_batch(batch: ImportBatch, mode: ImportMode) -> None:
    """Confirm a large batch for the worker (staged → queued); the caller commits."""
    _claim(batch, BatchStatus.STAGED, BatchStatus.QUEUED)
    batch.mode = mode


def commit_batch(actor: User, batch: ImportBatch, mode: ImportMode, *,
                 queued: bool = False,
                 progress: Callable[[int, int], None] | None = None,
                 after_chunk: Callable[[], None] | None = None) -> dict[str, int]:
    """Apply the staged (or ``queued``) rows, ``CHUNK`` rows read at a time. Inline, it only
    flushes and the caller commits once; the worker passes ``after_chunk`` (a commit), so
    that a large batch never holds the database's write lock for long, and the batch stays
    queued until its last row. A row that already has an outcome was applied by an
    interrupted run and is not applied again.

    ``progress(done, total)`` is called every 100 rows. Returns the counts.
    """
    if not queued:
        _claim(batch, BatchStatus.STAGED, BatchStatus.COMMITTED)
    batch_id, outlets = batch.id, outlet_index()
    total = db.session.scalar(select(func.count()).where(ImportRow.batch_id == batch_id)) or 0
    contacts: dict[int, int] = {}  # row number → contact id, for the blocks
    done = last = 0
    while rows := db.session.scalars(select(ImportRow).where(
            ImportRow.batch_id == batch_id, ImportRow.number > last).order_by(
            ImportRow.number).limit(CHUNK)).all():
        for row in rows:
            if row.outcome is None:
                row.outcome = _apply_row(actor, batch, row, mode, outlets)
            if row.contact_id:
                contacts[row.number] = row.contact_id
            done += 1
            if progress is not None and (done % 100 == 0 or done == total):
                progress(done, total)
        last = rows[-1].number
        if after_chunk is not None:
            after_chunk()
    if queued:
        _claim(batch, BatchStatus.QUEUED, BatchStatus.COMMITTED)
    if batch.source_kind is SourceKind.TEXT:
        store_blocks(actor, batch, contacts)
    found = dict(db.session.execute(select(ImportRow.outcome, func.count()).where(
        ImportRow.batch_id == batch_id).group_by(ImportRow.outcome)).all())
    counts = {o.value: found.get(o, 0) for o in RowOutcome}
    batch.mode, batch.committed_at, batch.report = mode, utcnow(), counts
    record(actor, "import.committed", batch, mode=mode.value, **counts)
    return counts


def _apply_row(actor: User, batch: ImportBatch, row: ImportRow, mode: ImportMode,
               outlets: dict[str, int]) -> RowOutcome:
    if row.decision is RowDecision.INVALID:
        return RowOutcome.REJECTED
    if row.decision is RowDecision.REPEATED:
        return RowOutcome.SKIPPED
    if is_suppressed(row.values.get("emails") or (), row.values.get("phones") or ()):
        # erased on request after the preview: refused and emptied like at staging
        row.raw, row.values, row.errors = {}, {}, [{"code": "erased", "value": ""}]
        return RowOutcome.REJECTED
    incoming = _data(row.values, batch, outlets)
    existing = db.session.get(Contact, row.match_contact_id) if row.match_contact_id else None
    if existing is None or existing.deleted_at is not None:
        org_id = row.values.get("organisation_id") or batch.organisation_id
        contact = create_contact(actor, incoming, organisation_id=org_id)
        db.session.flush()
        row.contact_id, row.version_after = contact.id, contact.version
        return RowOutcome.CREATED
    row.contact_id = existing.id
    if mode is ImportMode.SKIP:
        return RowOutcome.SKIPPED
    current = contact_data(existing)
    target = _merged(current, incoming, mode)
    if target == current:
        return RowOutcome.SKIPPED
    row.before = snapshot(current)
    update_contact(actor, existing, target, expected_version=existing.version)
    db.session.flush()
    row.version_after = existing.version
    return RowOutcome.UPDATED


def undo_batch(actor: User, batch: ImportBatch) -> None:
    """Undo a committed batch, or raise ``UndoBlocked`` listing the contacts changed since."""
    touched = [r for r in batch.rows if r.outcome in (RowOutcome.CREATED, RowOutcome.UPDATED)]
    changed = [r.contact_id for r in touched if _changed_since(r)]
    if changed:
        raise UndoBlocked([c for c in changed if c is not None])
    _claim(batch, BatchStatus.COMMITTED, BatchStatus.UNDONE)
    for row in touched:
        # a contact erased on request since the import has left no id behind: nothing to undo
        contact = db.session.get(Contact, row.contact_id) if row.contact_id else None
        if contact is None:
            continue
        if row.outcome is RowOutcome.CREATED:
            soft_delete_contact(actor, contact)
        elif row.before is not None:
            update_contact(actor, contact, from_snapshot(row.before), expected_version=contact.version)
    batch.undone_at = utcnow()
    record(actor, "import.undone", batch, contacts=len(touched))


def _changed_since(row: ImportRow) -> bool:
    contact = db.session.get(Contact, row.contact_id) if row.contact_id else None
    if contact is None:
        return False
    if row.outcome is RowOutcome.CREATED and contact.deleted_at is not None:
        return False
    return contact.version != row.version_after


def rejected_csv(batch: ImportBatch, reasons: dict[str, str]) -> str:
    """The rejected rows as CSV (UTF-8 with BOM, ``;``), each with its reason, for Excel."""
    headers = list(batch.settings.headers)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow([*(_safe(h) for h in headers), "Ligne", "Motif"])
    for row in batch.rows:
        if row.decision is RowDecision.INVALID:
            why = " ; ".join(reasons.get(e["code"], e["code"]) + (f" ({e['value']})" if e["value"]
                             else "") for e in row.errors)
            writer.writerow([_safe(row.raw.get(h, "")) for h in headers] + [row.number, _safe(why)])
    return out.getvalue()


def _safe(value: str) -> str:
    """Neutralise spreadsheet formulas (CSV injection) in a cell written for Excel."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def footer_blocks(user: User) -> list[tuple[int, str]]:
    """The contact blocks ``user`` may end a mailing with: (id, title), newest first."""
    blocks = list(db.session.scalars(visible_blocks(user).limit(200)))
    titles = block_titles(user, blocks)
    return [(b.id, titles[b.id] or f"#{b.id}") for b in blocks]


def block_text(user: User, block_id: int) -> str | None:
    """The block as plain text, each section's heading then one line per person ``user``
    sees (name, role, e-mail, phone); None when the block is not visible to ``user``."""
    block = db.session.scalar(visible_blocks(user).where(ContactBlock.id == block_id))
    if block is None:
        return None
    lines = ["CONTACTS PRESSE"]
    for section, entries in shown_sections(user, block):
        if section.heading:
            lines.append(section.heading)
        for entry in entries:
            person = entry.contact
            lines.append(" – ".join(part for part in (
                person.full_name, entry.role or "", person.primary_email or "",
                display_phone(person.primary_phone) if person.primary_phone else "") if part))
    return "\n".join(lines)


def batch_rows(user: User) -> Select[int, dt.datetime, str, BatchStatus, str]:
    """The import list of ``user``'s organisation, newest first, as the columns it shows:
    ``id``, ``created_at``, ``filename``, ``status`` and the author's ``author_name``."""
    return (select(ImportBatch.id, ImportBatch.created_at, ImportBatch.filename,
                   ImportBatch.status, User.full_name.label("author_name"))
            .outerjoin(User, User.id == ImportBatch.created_by_id)
            .where(ImportBatch.organisation_id == user.organisation_id)
            .order_by(ImportBatch.id.desc()))
