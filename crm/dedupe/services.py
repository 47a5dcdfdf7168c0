"""Scan the contacts a body can see for duplicates and keep the pairs for review.

The engine (``crm.dedupe.engine``) works on plain dicts; this module feeds it the visible
contacts, never counts outlets' newsroom addresses or switchboards as evidence, skips the
pairs a reviewer marked "not the same person", and upserts the pairs it proposes.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import ColumnElement, Row, Select, and_, func, insert, or_, select, text, update
from sqlalchemy.orm import aliased

from crm.auth.models import User
from crm.contacts.models import Contact, ContactEmail, ContactPhone, Visibility, contact_outlet
from crm.contacts.services import visible_contacts
from crm.database import utcnow
from crm.dedupe.engine import (
    CERTAIN,
    STEPS,
    ScoredPair,
    build_index,
    collector_paused,
    find_duplicates,
    lookup,
)
from crm.dedupe.engine.scoring import Weights
from crm.dedupe.engine.spec import contact_spec
from crm.dedupe.engine.training import reestimate_with_labels
from crm.dedupe.models import ContactMerge, DuplicatePair, PairStatus, ScanRun, ScanState, Verdict
from crm.dedupe.verdicts import label_pair, labels
from crm.extensions import db
from crm.outlets.models import Outlet

# The pairs a scan stores per transaction, and the pause after each on SQLite: longer than
# the longest sleep of SQLite's busy handler (100 ms), so a writer waiting is sure to get in.
STORE_BATCH = 1_000
STORE_PAUSE = 0.12
# The review queue counts at most this many pairs ("more than 1,000"), then offers its pages.
QUEUE_COUNT_CAP = 1_000
SCAN_STALE_AFTER = dt.timedelta(hours=1)


def contact_record(contact: Contact) -> dict[str, Any]:
    return {"id": contact.id, "first_name": contact.first_name, "last_name": contact.last_name,
            "emails": [e.email for e in contact.emails], "phones": [p.e164 for p in contact.phones],
            "outlets": [o.name for o in contact.outlets]}


def scan_records(user: User) -> list[dict[str, Any]]:
    """The visible contacts as engine records, read as plain rows (four queries, no ORM
    objects or ORM result layer: a whole-file scan reads every contact)."""
    connection = db.session.connection()
    visible = visible_contacts(user).with_only_columns(Contact.id, Contact.first_name,
                                                       Contact.last_name)
    records = {row.id: {"id": row.id, "first_name": row.first_name,
                        "last_name": row.last_name, "emails": [], "phones": [], "outlets": []}
               for row in connection.execute(visible.order_by(Contact.id))}
    ids = visible.with_only_columns(Contact.id).scalar_subquery()
    for key, stmt in (
            ("emails", select(ContactEmail.contact_id, ContactEmail.email)
             .where(ContactEmail.contact_id.in_(ids)).order_by(ContactEmail.id)),
            ("phones", select(ContactPhone.contact_id, ContactPhone.e164)
             .where(ContactPhone.contact_id.in_(ids)).order_by(ContactPhone.id)),
            ("outlets", select(contact_outlet.c.contact_id, Outlet.name)
             .join(Outlet, Outlet.id == contact_outlet.c.outlet_id)
             .where(contact_outlet.c.contact_id.in_(ids)))):
        for contact_id, value in connection.execute(stmt):
            records[contact_id][key].append(value)
    return list(records.values())


def outlet_shared_values() -> frozenset[str]:
    rows = db.session.execute(select(Outlet.newsroom_email, Outlet.switchboard_phone))
    return frozenset(v for row in rows for v in row if v)


def _not_same() -> set[frozenset[Hashable]]:
    rows = db.session.execute(select(DuplicatePair.low_id, DuplicatePair.high_id)
                              .where(DuplicatePair.status == PairStatus.NOT_SAME))
    return {frozenset(row) for row in rows}


def scan_under_way(organisation_id: int) -> bool:
    """Whether a scan of this body is queued or running (one that has not ended within
    ``SCAN_STALE_AFTER`` is taken for lost: its worker stopped, another may start)."""
    return db.session.scalar(select(ScanRun.id).where(
        ScanRun.organisation_id == organisation_id,
        ScanRun.state.in_((ScanState.QUEUED, ScanState.RUNNING)),
        ScanRun.started_at > utcnow() - SCAN_STALE_AFTER).limit(1)) is not None


# the steps of a scan, in order, as the progress display names them
SCAN_STEPS = ("read", *STEPS, "store")


def scan(user: User, run: ScanRun, on_step: Callable[[str], None] | None = None) -> int:
    """Find duplicates among the contacts ``user`` sees; store the open pairs. Commits, in
    short transactions: the run's state, then the pairs ``STORE_BATCH`` at a time (see
    ``_store``), then the run as done, which is when its new pairs join the review queue.
    With enough reviewers' verdicts (``labels``), the weights the engine estimated are
    re-estimated with them (``reestimate_with_labels``) and the pairs scored again: a second
    pass of the engine, which estimates its weights inside ``find_duplicates``.
    ``on_step(name)`` is called as each of ``SCAN_STEPS`` begins."""
    on_step = on_step or (lambda _step: None)
    on_step("read")
    with collector_paused():  # 100,000 small dicts and lists: see ``collector_paused``
        records = scan_records(user)
    spec, known = contact_spec(shared_values=outlet_shared_values()), _not_same()
    run.state, run.contacts = ScanState.RUNNING, len(records)
    db.session.commit()  # no write is pending while the engine works
    result = find_duplicates(records, spec, known_decisions=known, on_step=on_step)
    levels, is_match = labels(spec)
    weights = reestimate_with_labels(result.weights, levels, is_match, spec)
    relearned = weights is not result.weights
    if relearned:  # enough "same person" verdicts: score again with what they taught
        on_step("score")
        result = find_duplicates(records, spec, known_decisions=known, weights=weights)
    on_step("store")
    _store(result.pairs, run.id)
    run.state, run.pairs, run.finished_at = ScanState.DONE, len(result.pairs), utcnow()
    run.weights = {"m": [a.tolist() for a in result.weights.m],
                   "u": [a.tolist() for a in result.weights.u],
                   "match_share": result.weights.match_share,
                   "labels": len(is_match) if relearned else 0}
    db.session.commit()
    return len(result.pairs)


def _store(pairs: list[ScoredPair], run_id: int) -> None:
    """Insert the new pairs and refresh the open ones, committing every ``STORE_BATCH`` rows;
    decided pairs stay as the reviewer left them.

    On SQLite one writer at a time holds the database: each short transaction keeps it for a
    fraction of a second, and a pause between them (``STORE_PAUSE``) lets a user's write,
    waiting up to ``busy_timeout``, take its turn. The new pairs carry ``run_id`` and stay out
    of the queue until the run is done (``_shown``), so readers never see half a scan."""
    pending = set(db.session.scalars(select(ScanRun.id).where(ScanRun.state != ScanState.DONE)))
    existing = {(row.low_id, row.high_id): row for row in db.session.execute(
        select(DuplicatePair.id, DuplicatePair.low_id, DuplicatePair.high_id,
               DuplicatePair.status, DuplicatePair.scan_id))}
    new, changed = [], []
    for pair in pairs:
        # The engine ran on contact ids; its pairs carry them as Hashable.
        low, high = sorted((int(pair.left), int(pair.right)))  # type: ignore[call-overload]
        values = {"score": pair.score, "certain": pair.decision == CERTAIN,
                  "evidence": [{"field": e.field, "level": e.level, "label": e.label,
                                "weight": round(e.weight, 1)} for e in pair.evidence]}
        found = existing.get((low, high))
        if found is None:
            new.append({"low_id": low, "high_id": high, "status": PairStatus.OPEN,
                        "found_at": utcnow(), "scan_id": run_id, **values})
        elif found.status is PairStatus.OPEN:
            # a pair left hidden by a scan that never finished is this run's now
            scan_id = run_id if found.scan_id in pending else found.scan_id
            changed.append({"id": found.id, "scan_id": scan_id, **values})
    db.session.commit()
    pause = STORE_PAUSE if db.session.get_bind().dialect.name == "sqlite" else 0.0
    for rows, statement in ((new, insert(DuplicatePair)), (changed, update(DuplicatePair))):
        for start in range(0, len(rows), STORE_BATCH):
            db.session.execute(statement, rows[start:start + STORE_BATCH])
            db.session.commit()
            if pause:
                time.sleep(pause)
    if db.session.get_bind().dialect.name == "postgresql":
        # fresh statistics: planned with the table's size before the scan (empty, at the
        # first), the queue's later pages sorted every open pair instead of reading its index
        db.session.execute(text("ANALYZE duplicate_pair"))
        db.session.commit()


def latest_weights() -> Weights | None:
    """The weights of the most recent finished scan, if there was one."""
    saved = db.session.scalar(select(ScanRun.weights).where(ScanRun.state == ScanState.DONE,
                                                            ScanRun.weights.is_not(None))
                              .order_by(ScanRun.id.desc()).limit(1))
    if not saved:
        return None
    weights = Weights(m=[np.array(a) for a in saved["m"]], u=[np.array(a) for a in saved["u"]],
                      match_share=saved["match_share"])
    return weights if weights.fits(contact_spec()) else None


def likely_duplicates(user: User, record: dict[str, Any], candidates: list[Contact],
                      limit: int = 5) -> list[ScoredPair] | None:
    """Single-record lookup of the engine (the create form's warning) among ``candidates``,
    with the weights of the last whole-file scan; None when no scan has run yet."""
    weights = latest_weights()
    if weights is None or not candidates:
        return None
    index = build_index([contact_record(c) for c in candidates],
                        contact_spec(shared_values=outlet_shared_values()), weights=weights)
    return lookup(record, index, limit=limit, known_decisions=_not_same())


def _alive_and_seen(user: User, contact: type[Contact]) -> ColumnElement[bool]:
    return and_(contact.deleted_at.is_(None), _sees(user, contact))


def _shown() -> ColumnElement[bool]:
    """Pairs of no scan, or of a finished one (a scan's pairs appear when it is done)."""
    return or_(DuplicatePair.scan_id.is_(None), DuplicatePair.scan_id.not_in(
        select(ScanRun.id).where(ScanRun.state != ScanState.DONE)))


_LOW, _HIGH = aliased(Contact), aliased(Contact)


def review_queue(user: User) -> Select[DuplicatePair]:
    """Open pairs whose two contacts the user can see, best score first (a statement).

    Each pair is joined to its two contacts by primary key and the visibility checked on
    them: read in the order of ``ix_duplicate_pair_queue``, a page stops after its rows.
    (``low_id IN (visible ids) AND high_id IN (visible ids)`` made SQLite probe the pair
    index for every two visible contacts: 100,000 contacts never answered.)"""
    return (select(DuplicatePair)
            .join(_LOW, _LOW.id == DuplicatePair.low_id)
            .join(_HIGH, _HIGH.id == DuplicatePair.high_id)
            .where(DuplicatePair.status == PairStatus.OPEN, _alive_and_seen(user, _LOW),
                   _alive_and_seen(user, _HIGH), _shown())
            .order_by(DuplicatePair.certain.desc(), DuplicatePair.score.desc(),
                      DuplicatePair.id.desc()))


class QueuePagination(SelectPagination):
    """A page of the review queue that counts at most ``QUEUE_COUNT_CAP`` pairs
    (``is_capped`` beyond: the page says "more than")."""

    is_capped = False

    def _query_items(self) -> list[Row[Any]]:
        """The page's pairs as the columns the queue shows (``low_first_name``...)."""
        stmt = self._query_args["select"].with_only_columns(
            DuplicatePair.id, DuplicatePair.score, DuplicatePair.certain, DuplicatePair.evidence,
            _LOW.first_name.label("low_first_name"), _LOW.last_name.label("low_last_name"),
            _HIGH.first_name.label("high_first_name"), _HIGH.last_name.label("high_last_name"))
        return list(self._query_args["session"].execute(
            stmt.limit(self.per_page).offset(self._query_offset)))

    def _query_count(self) -> int:
        counted = (self._query_args["select"].with_only_columns(DuplicatePair.id)
                   .order_by(None).limit(QUEUE_COUNT_CAP + 1).subquery())
        total = int(self._query_args["session"].scalar(select(func.count())
                                                       .select_from(counted)) or 0)
        self.is_capped = total > QUEUE_COUNT_CAP
        return min(total, QUEUE_COUNT_CAP)


def review_page(user: User, page: int | None = None, per_page: int = 50) -> QueuePagination:
    """One page of ``review_queue``; past the last one, an empty page."""
    return QueuePagination(select=review_queue(user), session=db.session(), page=page,
                           per_page=per_page, max_per_page=None, error_out=False,
                           count=True)


def mark_not_same(user: User, pair: DuplicatePair) -> None:
    from crm.audit.services import record

    pair.status, pair.decided_at, pair.decided_by_id = PairStatus.NOT_SAME, utcnow(), user.id
    label_pair(user, pair, Verdict.NOT_SAME)
    record(user, "duplicate.not_same", pair, contacts=[pair.low_id, pair.high_id])


def _sees(user: User, contact: type[Contact]) -> ColumnElement[bool]:
    return or_(contact.visibility == Visibility.SHARED,
               contact.organisation_id == user.organisation_id)


_KEPT, _MERGED = aliased(Contact), aliased(Contact)


def visible_merges(user: User) -> Select[ContactMerge]:
    """Merges whose two contacts ``user`` may see, alive or in the trash: another body's
    private contact, merged or kept, hides the whole merge (newest first)."""
    return (select(ContactMerge)
            .join(_KEPT, _KEPT.id == ContactMerge.kept_id)
            .join(_MERGED, _MERGED.id == ContactMerge.merged_id)
            .where(_sees(user, _KEPT), _sees(user, _MERGED))
            .order_by(ContactMerge.id.desc()))


def undoable_merges(user: User) -> Select[int]:
    """Ids of the visible merges that ``user``'s body is involved in: it owns one of the
    two contacts, or one of its users made the merge. Only those bodies undo it."""
    org = user.organisation_id
    return (visible_merges(user).with_only_columns(ContactMerge.id)
            .outerjoin(User, User.id == ContactMerge.created_by_id)
            .where(or_(_KEPT.organisation_id == org, _MERGED.organisation_id == org,
                       User.organisation_id == org)))


def may_undo(user: User, merge: ContactMerge) -> bool:
    return db.session.scalar(undoable_merges(user).where(ContactMerge.id == merge.id)) is not None
