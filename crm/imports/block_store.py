"""Store the contact blocks of a committed press-release batch, once per fingerprint, and
show them within the organisation scope.

A block is shared by the bodies, but not the people in it: another body's private contact is
neither shown nor counted, and a block without headings is not titled with another body's
import file name.
"""

from __future__ import annotations

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from crm.audit.services import record
from crm.auth.models import User
from crm.contacts.models import Contact
from crm.contacts.services import visible_contacts
from crm.extensions import db
from crm.imports.batch_settings import StagedBlock
from crm.imports.models import (
    ContactBlock,
    ContactBlockEntry,
    ContactBlockSection,
    ImportBatch,
)


def store_blocks(actor: User, batch: ImportBatch, contacts: dict[int, int]) -> list[ContactBlock]:
    """New blocks of ``batch`` (row number → contact id given); known fingerprints are skipped."""
    created = []
    for found in batch.settings.blocks:
        known = db.session.scalar(select(ContactBlock.id).where(
            ContactBlock.fingerprint == found.fingerprint))
        if known is not None:
            continue
        block = ContactBlock(fingerprint=found.fingerprint, title=_title(found, batch),
                                                  created_by_id=actor.id, batch_id=batch.id)
        for position, section in enumerate(found.sections):
            part = ContactBlockSection(position=position, heading=section.heading,
                                       organisation_id=section.organisation_id)
            roles = {r.number: r.values.get("job_title") for r in batch.rows}
            for order, number in enumerate(n for n in section.rows if n in contacts):
                part.entries.append(ContactBlockEntry(position=order, contact_id=contacts[number],
                                                      role=roles.get(number)))
            block.sections.append(part)
        db.session.add(block)
        db.session.flush()
        record(actor, "contact_block.created", block, sections=len(block.sections))
        created.append(block)
    return created


def _title(found: StagedBlock, batch: ImportBatch) -> str:
    headings = [s.heading for s in found.sections if s.heading]
    return (" · ".join(headings) or batch.filename)[:200]


Shown = list[tuple[ContactBlockSection, list[ContactBlockEntry]]]


def visible_blocks(user: User) -> Select[ContactBlock]:
    """Blocks holding at least one contact ``user`` sees, or found by an import of their
    body (newest first), with their sections and entries."""
    seen = visible_contacts(user).with_only_columns(Contact.id)
    holding = (select(ContactBlockSection.block_id)
               .join(ContactBlockEntry, ContactBlockEntry.section_id == ContactBlockSection.id)
               .where(ContactBlockEntry.contact_id.in_(seen)))
    own = select(ImportBatch.id).where(ImportBatch.organisation_id == user.organisation_id)
    return (select(ContactBlock)
            .where(or_(ContactBlock.id.in_(holding), ContactBlock.batch_id.in_(own)))
            .options(selectinload(ContactBlock.sections).selectinload(ContactBlockSection.entries))
            .order_by(ContactBlock.id.desc()))


def get_block_or_404(user: User, block_id: int) -> ContactBlock:
    return db.first_or_404(visible_blocks(user).where(ContactBlock.id == block_id))


def shown_sections(user: User, block: ContactBlock, seen: set[int] | None = None) -> Shown:
    """The sections of ``block`` with the entries ``user`` may see (``seen``: the ids of
    those contacts, when known); a section whose people are all hidden is left out."""
    if seen is None:
        seen = _seen(user, [e.contact_id for s in block.sections for e in s.entries])
    shown = [(s, [e for e in s.entries if e.contact_id in seen]) for s in block.sections]
    return [(s, entries) for s, entries in shown if entries or not s.entries]


def block_titles(user: User, blocks: list[ContactBlock]) -> dict[int, str]:
    """Each block's title for ``user``: the headings they are shown, else the stored title
    (the import file's name) for the body that imported it, else "" (four queries in all)."""
    seen = _seen(user, [e.contact_id for b in blocks for s in b.sections for e in s.entries])
    batches = [b.batch_id for b in blocks if b.batch_id is not None]
    own = set(db.session.scalars(select(ImportBatch.id).where(
        ImportBatch.id.in_(batches), ImportBatch.organisation_id == user.organisation_id))
    ) if batches else set()
    titles = {}
    for block in blocks:
        headings = [s.heading for s, _e in shown_sections(user, block, seen) if s.heading]
        titles[block.id] = (" · ".join(headings)[:200] if headings
                            else block.title if block.batch_id in own else "")
    return titles


def release_text(user: User, block: ContactBlock) -> str | None:
    """The text of the release ``block`` was found in, for the body that imported it."""
    if block.batch_id is None:
        return None
    return db.session.scalar(select(ImportBatch.source_text).where(
        ImportBatch.id == block.batch_id, ImportBatch.organisation_id == user.organisation_id))


def _seen(user: User, contact_ids: list[int]) -> set[int]:
    if not contact_ids:
        return set()
    return set(db.session.scalars(visible_contacts(user).with_only_columns(Contact.id)
                                  .where(Contact.id.in_(set(contact_ids)))))
