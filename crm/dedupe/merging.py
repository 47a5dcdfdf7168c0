"""Merge two contacts and undo the merge.

The kept contact takes, field by field, the value the reviewer chose; multi-valued fields
(emails, phones, outlets, beats, links) are united; the privacy state is the most protective
of the two (an opt-out or a bounce anywhere stays). Every row elsewhere that pointed at the
merged contact through a column declared "repoint" in ``CONTACT_REFERENCES`` (interactions,
tasks, block entries) is re-pointed to the kept one, and recorded so that ``undo_merge`` can
put it back. Every foreign key to ``contact.id`` is declared there, re-pointed or excluded
with its reason: a new one is a decision, checked by ``undeclared_references``. The merged
contact goes to the trash, marked by the merge.

Across bodies: when one contact is shared and the other private, the shared one survives and
stays shared, with its owner (``MergeRefused`` otherwise), so that no body loses a shared
contact, or the interactions on it, to another body's private copy. Undo is exact: every row
that references either contact is as it was before the merge.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any, Literal

from sqlalchemy import MetaData, Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from crm.audit.services import record
from crm.auth.models import User
from crm.contacts.models import Contact, Visibility
from crm.contacts.services import (
    ContactData,
    contact_data,
    from_snapshot,
    put_back_contact,
    restore_contact,
    snapshot,
    soft_delete_contact,
    update_contact,
)
from crm.database import utcnow
from crm.dedupe.models import ContactMerge, DuplicatePair, PairStatus
from crm.extensions import db

CHOOSABLE = ("civility", "first_name", "last_name", "kind", "job_title", "area", "notes",
             "visibility")
UNITED = ("emails", "phones", "outlet_ids", "beats", "social_links", "opt_out_organisation_ids")

Decision = Literal["repoint", "excluded"]
# Every foreign key to contact.id ("table.column"): what a merge does with the rows that point
# at the merged contact, and why. A foreign key missing here fails tests/dedupe.
CONTACT_REFERENCES: dict[str, tuple[Decision, str]] = {
    "interaction_contact.contact_id": ("repoint", "the exchange now names the kept contact"),
    "task.contact_id": ("repoint", "the follow-up stays due, on the kept contact"),
    "contact_block_entry.contact_id": ("repoint", "the release block lists the kept contact"),
    "list_member.contact_id": ("repoint", "the mailing list keeps the person, as the kept contact"),
    "mailing_contact.contact_id": ("repoint", "a draft's selection keeps the person, as the kept "
                                               "contact"),
    "contact_email.contact_id": ("excluded", "the contact's own values, united by merged_data"),
    "contact_phone.contact_id": ("excluded", "the contact's own values, united by merged_data"),
    "contact_beat.contact_id": ("excluded", "the contact's own values, united by merged_data"),
    "contact_outlet.contact_id": ("excluded", "the contact's own values, united by merged_data"),
    "contact_opt_out.contact_id": ("excluded", "the contact's own values, united by merged_data"),
    "duplicate_pair.low_id": ("excluded", "the proposal names both contacts; its state moves"),
    "duplicate_pair.high_id": ("excluded", "the proposal names both contacts; its state moves"),
    "contact_merge.kept_id": ("excluded", "the record of a merge names what it merged"),
    "contact_merge.merged_id": ("excluded", "the record of a merge names what it merged"),
    "duplicate_label.low_id": ("excluded", "a reviewer's verdict on a pair, kept as given"),
    "duplicate_label.high_id": ("excluded", "a reviewer's verdict on a pair, kept as given"),
    "import_row.contact_id": ("excluded", "history: the contact an import row created"),
    "delivery.contact_id": ("excluded", "history: the message went to the contact it names"),
    "mailing_exclusion.contact_id": ("excluded", "history: who a sent mailing left out"),
    "import_row.match_contact_id": ("excluded", "history: the match an import row found"),
    "invitation.contact_id": ("excluded", "one invitation per contact and event: both may hold "
                              "one, each with its own link and answers"),
    "privacy_request.contact_id": ("repoint", "the person's request follows the kept contact"),
    "retention_keep.contact_id": ("excluded", "a decision on the merged record, in the trash"),
}


class MergeBlocked(RuntimeError):
    """The kept contact changed since the merge: undoing would lose that change."""


class MergeRefused(PermissionError):
    """A private contact cannot absorb a shared one: the shared contact must be kept."""


def must_keep(low: Contact, high: Contact) -> str | None:
    """Which side of a pair a merge must keep ("low", "high"), or None when either may."""
    if low.visibility is high.visibility:
        return None
    return "low" if low.visibility is Visibility.SHARED else "high"


def merged_data(kept: ContactData, other: ContactData, chosen: dict[str, str]) -> ContactData:
    """The kept contact's new values (pure): chosen scalars, united lists, protective privacy."""
    values = asdict(kept)
    for name in CHOOSABLE:
        if chosen.get(name) == "merged":
            values[name] = getattr(other, name)
    for name in UNITED:
        values[name] = list(dict.fromkeys([*getattr(kept, name), *getattr(other, name)]))
    values["is_opted_out"] = kept.is_opted_out or other.is_opted_out
    values["is_email_bounced"] = kept.is_email_bounced or other.is_email_bounced
    sent = [d for d in (kept.information_sent_at, other.information_sent_at) if d]
    values["information_sent_at"] = min(sent) if sent else None
    sources = [s for s in dict.fromkeys([kept.source, other.source]) if s]
    values["source"] = " ; ".join(sources)[:300]
    return ContactData(**values)


def merge_contacts(actor: User, kept: Contact, merged: Contact,
                   chosen: dict[str, str]) -> ContactMerge:
    """Merge ``merged`` into ``kept``; flushes; returns the undoable merge record. Raises
    ``MergeRefused`` when ``kept`` is private and ``merged`` shared. The kept contact keeps
    its visibility and owner; another body's merge only adds to its opt-outs."""
    if kept.visibility is Visibility.PRIVATE and merged.visibility is Visibility.SHARED:
        raise MergeRefused("the shared contact must be the one kept")
    chosen = {**chosen, "visibility": "kept"}
    before, other = contact_data(kept), contact_data(merged)
    provenance = {name: {"from": chosen.get(name, "kept"),
                         "organisation": (merged if chosen.get(name) == "merged" else kept)
                         .organisation.short_name,
                         "source": (other if chosen.get(name) == "merged" else before).source}
                  for name in CHOOSABLE}
    update_contact(actor, kept, merged_data(before, other, chosen), expected_version=kept.version)
    repointed = [*_repoint(merged.id, kept.id), *_set_pair(kept.id, merged.id,
                                                           PairStatus.MERGED, actor)]
    soft_delete_contact(actor, merged)
    db.session.flush()
    merge = ContactMerge(kept_id=kept.id, merged_id=merged.id, kept_before=snapshot(before),
                         kept_version=kept.version, provenance=provenance, repointed=repointed,
                         created_by_id=actor.id)
    db.session.add(merge)
    db.session.flush()
    record(actor, "contact.merged", kept, merged_id=merged.id, merge=merge.id)
    record(actor, "contact.merged_into", merged, kept_id=kept.id, merge=merge.id)
    return merge


def contact_foreign_keys(metadata: MetaData) -> set[str]:
    """"table.column" of every foreign key to contact.id in ``metadata``."""
    return {f"{table.name}.{fk.parent.name}" for table in metadata.sorted_tables
            for fk in table.foreign_keys
            if fk.column.table.name == "contact" and fk.column.name == "id"}


def undeclared_references(metadata: MetaData) -> list[str]:
    """What ``CONTACT_REFERENCES`` and ``metadata`` disagree on: foreign keys to contact.id
    declared neither re-pointed nor excluded, and declared columns that are no such key."""
    found = contact_foreign_keys(metadata)
    return [*(f"{name}: not declared" for name in sorted(found - CONTACT_REFERENCES.keys())),
            *(f"{name}: declared, not a foreign key to contact.id"
              for name in sorted(CONTACT_REFERENCES.keys() - found))]


def _declared(table: str, column: str | None = None) -> Table:
    """The table of the declared reference ``table.column``; without a column, of a table
    that holds one (the pair whose state a merge sets)."""
    declared = (f"{table}.{column}" in CONTACT_REFERENCES if column else
                any(name.startswith(f"{table}.") for name in CONTACT_REFERENCES))
    if not declared:
        raise MergeBlocked(f"{table}.{column or '*'} is not a declared reference to a contact")
    return db.metadata.tables[table]


def _references() -> list[tuple[Table, str]]:
    """(table, column) of every reference a merge re-points, as declared."""
    return [(_declared(*name.split(".")), name.split(".")[1])
            for name, (decision, _) in CONTACT_REFERENCES.items() if decision == "repoint"]


def _repoint(old: int, new: int) -> list[dict[str, Any]]:
    """Point every reference to ``old`` at ``new``; each move records the row's primary key
    as it is *after* the move, which is what its undo looks for."""
    moves: list[dict[str, Any]] = []
    for table, column in _references():
        rows = db.session.execute(select(table).where(table.c[column] == old)).mappings().all()
        for row in rows:
            key = {c.name: row[c.name] for c in table.primary_key.columns}
            where = [table.c[k] == v for k, v in key.items()]
            try:
                with db.session.begin_nested():
                    db.session.execute(update(table).where(*where).values({column: new}))
                moved = {k: (new if k == column else v) for k, v in key.items()}
                moves.append({"table": table.name, "column": column, "key": moved})
            except IntegrityError:  # the kept contact already has the same link: drop it
                db.session.execute(delete(table).where(*where))
                moves.append({"table": table.name, "column": column, "deleted": _plain(row)})
    return moves


def _plain(row: Any) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.datetime) else v for k, v in row.items()}


def undo_merge(actor: User, merge: ContactMerge) -> None:
    """Put both contacts and every re-pointed row back as they were before the merge."""
    if merge.undone_at is not None:
        raise MergeBlocked("already undone")
    if merge.kept.version != merge.kept_version:
        raise MergeBlocked("the kept contact changed since the merge")
    for move in reversed(merge.repointed):
        table = _declared(move["table"], move.get("column"))
        if "deleted" in move:
            db.session.execute(insert(table).values(_typed(table, move["deleted"])))
        elif "before" in move:
            db.session.execute(update(table).where(*_where(table, move["key"]))
                               .values(_typed(table, move["before"])))
        else:
            # merges recorded before the key was taken after the move name the old contact
            key = {**move["key"], **({move["column"]: merge.kept_id}
                                     if move["column"] in move["key"] else {})}
            db.session.execute(update(table).where(*_where(table, key))
                               .values({move["column"]: merge.merged_id}))
    restore_contact(actor, merge.merged)
    put_back_contact(actor, merge.kept, from_snapshot(merge.kept_before),
                     expected_version=merge.kept.version)
    merge.undone_at = utcnow()
    if not any("before" in move for move in merge.repointed):  # merges recorded before that
        _set_pair(merge.kept_id, merge.merged_id, PairStatus.OPEN, actor)
    record(actor, "contact.merge_undone", merge.kept, merged_id=merge.merged_id, merge=merge.id)


def _where(table: Table, key: dict[str, Any]) -> list[Any]:
    return [table.c[k] == v for k, v in key.items()]


def _typed(table: Table, values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    for column in table.columns:
        if isinstance(out.get(column.name), str) and column.type.python_type is dt.datetime:
            out[column.name] = dt.datetime.fromisoformat(out[column.name])
    return out


def _set_pair(a: int, b: int, status: PairStatus, actor: User) -> list[dict[str, Any]]:
    """Give the pair of ``a`` and ``b`` (if one was proposed) ``status``; return the move that
    puts its previous state back."""
    low, high = sorted((a, b))
    pair = db.session.scalar(select(DuplicatePair).where(DuplicatePair.low_id == low,
                                                         DuplicatePair.high_id == high))
    if pair is None:
        return []
    before = _plain({"status": pair.status.value, "decided_at": pair.decided_at,
                     "decided_by_id": pair.decided_by_id})
    pair.status, pair.decided_at, pair.decided_by_id = status, utcnow(), actor.id
    return [{"table": "duplicate_pair", "key": {"id": pair.id}, "before": before}]
