"""Stage an upload as a batch: every row with its normalised values, problems and decision.

Nothing touches the contacts here; ``commit_batch`` does, in one transaction, once the
user has seen the preview. A row holding an email or phone of a person erased on request is
refused and emptied (``crm.privacy``). Decisions: invalid (a problem), repeated (the same person earlier
in the file), existing (a contact the importing user can see: same email, same phone, or
same name at the same outlet — the evidence is kept), new.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from crm.audit.services import record
from crm.auth.models import User
from crm.contacts.models import Contact, ContactEmail, ContactPhone, Visibility
from crm.contacts.normalise import fold, name_key
from crm.contacts.services import visible_contacts
from crm.extensions import db
from crm.imports.blocks import extract_blocks
from crm.imports.columns import guess_mapping
from crm.imports.models import ImportBatch, ImportRow, RowDecision, SourceKind
from crm.imports.organisations import match_organisation
from crm.imports.readers import Table
from crm.imports.records import Problem, Record, build_record, identity_keys
from crm.orgs.models import Organisation
from crm.outlets.models import Outlet
from crm.privacy.services import is_suppressed


def stage_table(actor: User, table: Table, *, kind: SourceKind, filename: str,
                visibility: Visibility, source: str) -> ImportBatch:
    """A staged batch for a contact file (CSV, XLSX or vCard) read into ``table``."""
    batch = ImportBatch(organisation_id=actor.organisation_id, created_by=actor, source_kind=kind,
                        filename=filename[:255], settings={
                            "headers": table.headers, "mapping": guess_mapping(table.headers),
                            "encoding": table.encoding, "delimiter": table.delimiter,
                            "visibility": visibility.value, "source": source,
                            "problems": [{"row": p.row, "reason": p.reason} for p in table.problems],
                        })
    db.session.add(batch)
    for number, raw in enumerate(table.rows, start=1):
        batch.rows.append(ImportRow(number=number, raw=raw, decision=RowDecision.NEW))
    remap(actor, batch, batch.settings["mapping"])
    record(actor, "import.staged", batch, rows=len(batch.rows), kind=kind.value)
    return batch


def remap(actor: User, batch: ImportBatch, mapping: dict[str, str | None]) -> None:
    """Read every row again through ``mapping`` and decide again."""
    batch.settings = {**batch.settings, "mapping": mapping}
    decide(actor, batch, [(row, build_record(row.raw, mapping)) for row in batch.rows])


def stage_text(actor: User, text: str, *, filename: str, source: str) -> ImportBatch:
    """A staged batch for a press release: its distinct contact blocks and their people."""
    organisations = [(o.id, [o.name, o.short_name, *(o.aliases or [])])
                     for o in db.session.scalars(select(Organisation))]
    batch = ImportBatch(organisation_id=actor.organisation_id, created_by=actor,
                        source_kind=SourceKind.TEXT, filename=filename[:255],
                        settings={"visibility": Visibility.SHARED.value, "source": source,
                                  "blocks": []})
    db.session.add(batch)
    staged: list[tuple[ImportRow, Record]] = []
    for found in extract_blocks(text):
        block: dict[str, Any] = {"fingerprint": found.block.fingerprint, "count": found.count,
                                 "sections": []}
        for section in found.block.sections:
            org_id = match_organisation(section.heading or "", organisations)
            numbers = []
            for person in section.people:
                row = ImportRow(number=len(staged) + 1, raw=_person_raw(person, section.heading),
                                decision=RowDecision.NEW)
                batch.rows.append(row)
                staged.append((row, _person_record(person, org_id)))
                numbers.append(row.number)
            block["sections"].append({"heading": section.heading, "organisation_id": org_id,
                                      "rows": numbers})
        batch.settings["blocks"].append(block)
    decide(actor, batch, staged)
    record(actor, "import.staged", batch, rows=len(staged), kind="text",
           blocks=len(batch.settings["blocks"]))
    return batch


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
    for row, rec in staged:
        if is_suppressed(rec.values.get("emails") or (), rec.values.get("phones") or ()):
            # erased on request: keep nothing of the row but its number and the reason
            row.raw, rec = {}, Record(problems=[Problem("erased")])
        row.values, row.errors = rec.values, [p.as_dict() for p in rec.problems]
        row.match_contact_id, row.evidence = None, []
        keys = identity_keys(rec.values)
        if _fatal(rec):
            row.decision = RowDecision.INVALID
        elif earlier := next((seen[k] for k in keys if k in seen), None):
            row.decision, row.evidence = RowDecision.REPEATED, [f"row:{earlier}"]
        else:
            match, evidence = find_match(actor, rec.values)
            row.decision = RowDecision.EXISTING if match else RowDecision.NEW
            row.match_contact_id, row.evidence = match, evidence
        for key in keys:
            seen.setdefault(key, row.number)


def _fatal(rec: Record) -> bool:
    """A row is rejected when it has a problem; an unknown area alone is only dropped."""
    return any(p.code != "unknown_area" for p in rec.problems)


def find_match(actor: User, values: dict[str, Any]) -> tuple[int | None, list[str]]:
    """The visible contact most likely the same person, with the fields that agree."""
    scope = visible_contacts(actor).with_only_columns(Contact.id)
    checks = [
        ("email", select(ContactEmail.contact_id).where(
            ContactEmail.email.in_(values.get("emails") or ["-"]))),
        ("phone", select(ContactPhone.contact_id).where(
            ContactPhone.e164.in_(values.get("phones") or ["-"]))),
    ]
    found: dict[int, list[str]] = {}
    for label, subquery in checks:
        for contact_id in db.session.scalars(scope.where(Contact.id.in_(subquery))):
            found.setdefault(contact_id, []).append(label)
    key = name_key(values.get("first_name"), values.get("last_name"))
    if values.get("first_name") and key:
        same_name = scope.where(Contact.name_key == key)
        outlet = values.get("outlet")
        for contact_id in db.session.scalars(same_name):
            if not outlet or _works_for(contact_id, outlet):
                found.setdefault(contact_id, []).append("name+outlet" if outlet else "name")
    if not found:
        return None, []
    best = max(found, key=lambda cid: (len(found[cid]), -cid))
    return best, found[best]


def _works_for(contact_id: int, outlet_name: str) -> bool:
    contact = db.session.get(Contact, contact_id)
    folded = fold(outlet_name)
    return contact is not None and any(
        fold(o.name) == folded or folded in {fold(a) for a in (o.aliases or [])}
        for o in contact.outlets)


def outlet_index() -> dict[str, int]:
    """Folded name and aliases of every live outlet → its id, read once per commit."""
    index: dict[str, int] = {}
    for outlet in db.session.scalars(select(Outlet).where(Outlet.deleted_at.is_(None))):
        for name in (*(outlet.aliases or []), outlet.name):
            index[fold(name)] = outlet.id
    return index
