"""Store the contact blocks of a committed press-release batch, once per fingerprint."""

from __future__ import annotations

from sqlalchemy import select

from crm.audit.services import record
from crm.auth.models import User
from crm.extensions import db
from crm.imports.models import (
    ContactBlock,
    ContactBlockEntry,
    ContactBlockSection,
    ImportBatch,
)


def store_blocks(actor: User, batch: ImportBatch, contacts: dict[int, int]) -> list[ContactBlock]:
    """New blocks of ``batch`` (row number → contact id given); known fingerprints are skipped."""
    created = []
    for found in batch.settings.get("blocks", []):
        known = db.session.scalar(select(ContactBlock.id).where(
            ContactBlock.fingerprint == found["fingerprint"]))
        if known is not None:
            continue
        block = ContactBlock(fingerprint=found["fingerprint"], title=_title(found, batch),
                                                  created_by_id=actor.id, batch_id=batch.id)
        for position, section in enumerate(found["sections"]):
            part = ContactBlockSection(position=position, heading=section["heading"],
                                       organisation_id=section["organisation_id"])
            roles = {r.number: r.values.get("job_title") for r in batch.rows}
            for order, number in enumerate(n for n in section["rows"] if n in contacts):
                part.entries.append(ContactBlockEntry(position=order, contact_id=contacts[number],
                                                      role=roles.get(number)))
            block.sections.append(part)
        db.session.add(block)
        db.session.flush()
        record(actor, "contact_block.created", block, sections=len(block.sections))
        created.append(block)
    return created


def _title(found: dict, batch: ImportBatch) -> str:  # type: ignore[type-arg]
    headings = [s["heading"] for s in found["sections"] if s["heading"]]
    return (" · ".join(headings) or batch.filename)[:200]
