"""Stage an upload as a batch: every row with its normalised values, problems and decision.

Nothing touches the contacts here; ``commit_batch`` does, once the user has seen the preview.
Rows are decided and written in chunks (``CHUNK`` rows, one bulk insert or update each, a few
look-up queries for the chunk); the worker commits after each chunk, so that a large file
never holds the database's write lock for long (``crm.imports.jobs``). A row holding an email
or phone of a person erased on request is refused and emptied (``crm.privacy``). Decisions:
invalid (a problem), repeated (the same person earlier in the file), existing (a contact the
importing user can see: same email, same phone, or same name at the same outlet — the
evidence is kept), new.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import insert, select, update

from crm.audit.services import record
from crm.auth.models import User
from crm.contacts.core.normalise import fold
from crm.contacts.models import Visibility
from crm.extensions import db
from crm.imports.batch_settings import (
    BatchSettings,
    LineProblem,
    ReadOptions,
    StagedBlock,
    StagedSection,
)
from crm.imports.matching import match_many, suppressed_many
from crm.imports.models import BatchStatus, ImportBatch, ImportRow, RowDecision, SourceKind
from crm.imports.parsing.blocks import extract_blocks
from crm.imports.parsing.columns import guess_mapping
from crm.imports.parsing.organisations import match_organisation
from crm.imports.parsing.readers import Table
from crm.imports.parsing.records import WARNINGS, Problem, Record, build_record, identity_keys
from crm.orgs.models import Organisation
from crm.outlets.models import Outlet

CHUNK = 500
Progress = Callable[[int, int], None]


def stage_table(actor: User, table: Table, *, kind: SourceKind, filename: str,
                visibility: Visibility, source: str) -> ImportBatch:
    """A staged batch for a contact file (CSV, XLSX or vCard) read into ``table``, in the
    caller's transaction (the pages go through ``file_batch`` and the worker instead)."""
    batch = file_batch(actor, filename=filename, upload=None, source=source,
                       visibility=visibility)
    stage_rows(actor, batch, table, kind)
    return batch


def file_batch(actor: User, *, filename: str, upload: str | None, source: str,
               visibility: Visibility, encoding: str | None = None,
               delimiter: str | None = None) -> ImportBatch:
    """A batch waiting for the worker to read the kept ``upload``; flushed, not committed."""
    batch = ImportBatch(organisation_id=actor.organisation_id, created_by=actor,
                        source_kind=SourceKind.CSV, filename=filename[:255],
                        status=BatchStatus.STAGING, settings=BatchSettings(
                            upload=upload, visibility=visibility, source=source,
                            options=ReadOptions(encoding=encoding, delimiter=delimiter)))
    db.session.add(batch)
    db.session.flush()
    return batch


def stage_rows(actor: User, batch: ImportBatch, table: Table, kind: SourceKind, *,
               after_chunk: Progress | None = None) -> None:
    """Write the rows of ``table`` into ``batch``, decided, ``CHUNK`` rows per bulk insert;
    ``after_chunk(done, total)`` runs after each (the worker commits there)."""
    mapping = guess_mapping(table.headers)
    batch.source_kind = kind
    batch.settings = replace(batch.settings, headers=tuple(table.headers), mapping=mapping,
                             encoding=table.encoding, delimiter=table.delimiter,
                             problems=tuple(LineProblem(p.row, p.reason) for p in table.problems))
    db.session.flush()
    numbers = line_numbers(len(table.rows), {p.row for p in table.problems},
                           first=1 if kind is SourceKind.VCARD else 2)
    seen: dict[str, int] = {}
    for start in range(0, len(table.rows), CHUNK):
        raws = table.rows[start:start + CHUNK]
        part = [(n, raw, build_record(raw, mapping)) for n, raw in zip(
            numbers[start:start + CHUNK], raws, strict=True)]
        db.session.execute(insert(ImportRow), [{"batch_id": batch.id, **d} for d in
                                               decide_chunk(actor, part, seen)])
        if after_chunk is not None:
            after_chunk(start + len(raws), len(table.rows))
    batch.status = BatchStatus.STAGED
    db.session.expire(batch, ["rows"])
    record(actor, "import.staged", batch, rows=len(table.rows), kind=kind.value)


def line_numbers(count: int, skipped: set[int], *, first: int) -> list[int]:
    """The file line of each kept row: the header is line 1, rows the reader could not read
    are left out. Pure."""
    numbers: list[int] = []
    line = first
    while len(numbers) < count:
        if line not in skipped:
            numbers.append(line)
        line += 1
    return numbers


def remap(actor: User, batch: ImportBatch, mapping: Mapping[str, str | None], *,
          after_chunk: Progress | None = None) -> None:
    """Read every row again through ``mapping`` and decide again, ``CHUNK`` rows per bulk
    update."""
    batch.settings = replace(batch.settings, mapping=mapping)
    rows: Sequence[tuple[int, int, dict[str, Any]]] = db.session.execute(
        select(ImportRow.id, ImportRow.number, ImportRow.raw).where(
            ImportRow.batch_id == batch.id).order_by(ImportRow.number)).all()
    seen: dict[str, int] = {}
    for start in range(0, len(rows), CHUNK):
        part = rows[start:start + CHUNK]
        decided = decide_chunk(actor, [(n, raw, build_record(raw, mapping))
                                       for _id, n, raw in part], seen)
        db.session.execute(update(ImportRow), [{"id": row_id, **d} for (row_id, _n, _r), d in
                                               zip(part, decided, strict=True)])
        if after_chunk is not None:
            after_chunk(start + len(part), len(rows))
    db.session.expire(batch, ["rows"])


def stage_text(actor: User, text: str, *, filename: str, source: str) -> ImportBatch:
    """A staged batch for a press release: its distinct contact blocks and their people."""
    batch = ImportBatch(organisation_id=actor.organisation_id, created_by=actor,
                        source_kind=SourceKind.TEXT, filename=filename[:255],
                        settings=BatchSettings(visibility=Visibility.SHARED, source=source))
    db.session.add(batch)
    stage_release(actor, batch, text)
    return batch


def stage_release(actor: User, batch: ImportBatch, text: str) -> None:
    """Fill ``batch`` with the contact blocks of the release ``text`` and their people."""
    organisations = [(o.id, [o.name, o.short_name, *(o.aliases or [])])
                     for o in db.session.scalars(select(Organisation))]
    batch.source_kind, batch.status = SourceKind.TEXT, BatchStatus.STAGED
    batch.source_text = text
    blocks: list[StagedBlock] = []
    staged: list[tuple[ImportRow, Record]] = []
    for found in extract_blocks(text):
        sections = []
        for section in found.block.sections:
            org_id = match_organisation(section.heading or "", organisations)
            numbers = []
            for person in section.people:
                row = ImportRow(number=len(staged) + 1, raw=_person_raw(person, section.heading),
                                decision=RowDecision.NEW)
                batch.rows.append(row)
                staged.append((row, _person_record(person, org_id)))
                numbers.append(row.number)
            sections.append(StagedSection(heading=section.heading, organisation_id=org_id,
                                          rows=tuple(numbers)))
        blocks.append(StagedBlock(fingerprint=found.block.fingerprint, count=found.count,
                                  sections=tuple(sections)))
    # assigned whole, once: a JSON value changed in place after a flush would not be saved
    batch.settings = replace(batch.settings, visibility=Visibility.SHARED, blocks=tuple(blocks))
    decide(actor, batch, staged)
    record(actor, "import.staged", batch, rows=len(staged), kind="text", blocks=len(blocks))


def _person_raw(person: Any, heading: str | None) -> dict[str, str]:
    return {"Organisation": heading or "", "Prénom": person.first_name, "Nom": person.last_name,
            "Courriel": person.email or "", "Téléphone": " / ".join(person.phones),
            "Fonction": person.role or ""}


def _person_record(person: Any, organisation_id: int | None) -> Record:
    phones = list(dict.fromkeys(p for p in (person.phone_e164, *person.phones) if p))
    return Record(values={
        "civility": "none", "first_name": person.first_name, "last_name": person.last_name,
        "emails": [person.email] if person.email else [], "phones": phones, "outlet": "",
        "job_title": person.role, "beats": [], "area": None, "social_links": [], "notes": None,
        "kind": "press_officer", "organisation_id": organisation_id,
    })


def decide(actor: User, batch: ImportBatch, staged: list[tuple[ImportRow, Record]]) -> None:
    """Set each row's values, problems and decision (against the file and the contacts)."""
    seen: dict[str, int] = {}
    for start in range(0, len(staged), CHUNK):
        part = staged[start:start + CHUNK]
        decided = decide_chunk(actor, [(row.number, row.raw, rec) for row, rec in part], seen)
        for (row, _rec), values in zip(part, decided, strict=True):
            for name, value in values.items():
                setattr(row, name, value)


def decide_chunk(actor: User, part: Iterable[tuple[int, dict[str, Any], Record]],
                 seen: dict[str, int]) -> list[dict[str, Any]]:
    """The stored columns of each (number, raw, record): values, problems, decision, match.

    ``seen`` maps identity keys to the row that first had them, across chunks.
    """
    part = list(part)
    erased = suppressed_many([rec.values for _n, _raw, rec in part])
    rows: list[dict[str, Any]] = []
    for (number, raw, rec), is_erased in zip(part, erased, strict=True):
        if is_erased:
            # erased on request: keep nothing of the row but its number and the reason
            raw, rec = {}, Record(problems=[Problem("erased")])
        row = {"number": number, "raw": raw, "values": rec.values, "match_contact_id": None,
               "errors": [p.as_dict() for p in rec.problems], "evidence": [],
               "decision": RowDecision.NEW}
        keys = identity_keys(rec.values)
        if _fatal(rec):
            row["decision"] = RowDecision.INVALID
        elif earlier := next((seen[k] for k in keys if k in seen), None):
            row["decision"], row["evidence"] = RowDecision.REPEATED, [f"row:{earlier}"]
        for key in keys:
            seen.setdefault(key, number)
        rows.append(row)
    pending = [row for row in rows if row["decision"] is RowDecision.NEW]
    for row, (match, evidence) in zip(pending, match_many(actor, [r["values"] for r in pending]),
                                      strict=True):
        row["match_contact_id"], row["evidence"] = match, evidence
        row["decision"] = RowDecision.EXISTING if match else RowDecision.NEW
    return rows


def _fatal(rec: Record) -> bool:
    """A row is rejected when it has a problem; warnings (an unknown area, a phone number
    outside the numbering plan) keep it."""
    return any(p.code not in WARNINGS for p in rec.problems)


def outlet_index() -> dict[str, int]:
    """Folded name and aliases of every live outlet → its id, read once per commit."""
    index: dict[str, int] = {}
    for outlet in db.session.scalars(select(Outlet).where(Outlet.deleted_at.is_(None))):
        for name in (*(outlet.aliases or []), outlet.name):
            index[fold(name)] = outlet.id
    return index
