"""Merge two contacts and undo the merge.

The kept contact takes, field by field, the value the reviewer chose; multi-valued fields
(emails, phones, outlets, beats, links) are united; the privacy state is the most protective
of the two (an opt-out or a bounce anywhere stays). Every row elsewhere that pointed at the
merged contact (interactions, tasks, block entries, and whatever later features add) is
re-pointed to the kept one, and recorded so that ``undo_merge`` can put it back. The merged
contact goes to the trash, marked by the merge.

Across bodies: when one contact is shared and the other private, the shared one survives and
stays shared, with its owner (``MergeRefused`` otherwise), so that no body loses a shared
contact, or the interactions on it, to another body's private copy. Undo is exact: every row
that references either contact is as it was before the merge.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from crm.audit.services import record
from crm.auth.models import User
from crm.contacts.models import Contact, Visibility
from crm.contacts.services import (
    ContactData,
    contact_data,
    put_back_contact,
    restore_contact,
    soft_delete_contact,
    update_contact,
)
from crm.contacts.snapshots import from_snapshot, snapshot
from crm.database import utcnow
from crm.dedupe.models import ContactMerge, DuplicatePair, PairStatus
from crm.extensions import db

CHOOSABLE = ("civility", "first_name", "last_name", "kind", "job_title", "area", "notes",
             "visibility")
UNITED = ("emails", "phones", "outlet_ids", "beats", "social_links", "opt_out_organisation_ids")
# Rows that belong to the contact itself (united above) or record history: never re-pointed.
NOT_REPOINTED = {"contact_email", "contact_phone", "contact_beat", "contact_opt_out",
                 "contact_outlet", "duplicate_pair", "contact_merge", "import_row"}


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


def _references() -> list[tuple[Table, str]]:
    """(table, column) of every foreign key to contact.id outside the contact's own rows."""
    found = []
    for table in db.metadata.sorted_tables:
        if table.name in NOT_REPOINTED or table.name == "contact":
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name == "contact" and fk.column.name == "id":
                found.append((table, fk.parent.name))
    return found


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
    tables = {t.name: t for t in db.metadata.sorted_tables}
    for move in reversed(merge.repointed):
        table = tables[move["table"]]
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
