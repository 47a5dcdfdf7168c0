"""A scan stores its pairs in short transactions that let other users write meanwhile, and its
pairs join the review queue all at once, when it is done; the queue's visibility rule."""

from __future__ import annotations

import threading
import time
from itertools import combinations

from sqlalchemy import event, select, text, update

from crm.auth.models import User
from crm.contacts.models import Contact, Visibility
from crm.contacts.services import visible_contacts
from crm.database import utcnow
from crm.dedupe import services
from crm.dedupe.engine import Evidence, ScoredPair
from crm.dedupe.models import DuplicatePair, PairStatus, ScanRun, ScanState
from crm.extensions import db


def _pairs(ids: list[int]) -> list[ScoredPair]:
    evidence = (Evidence("name", 4, "same name", 8.0),)
    return [ScoredPair(a, b, 8.0 + (a + b) % 7, 0.9, "review", evidence)
            for a, b in combinations(ids, 2)]


def _run(app, user_id: int, state: ScanState = ScanState.RUNNING) -> int:
    with app.app_context():
        user = db.session.get_one(User, user_id)
        run = ScanRun(organisation_id=user.organisation_id, state=state)
        db.session.add(run)
        db.session.commit()
        return run.id


def _queue(app, user_id: int) -> list[tuple[int, int]]:
    with app.app_context():
        user = db.session.get_one(User, user_id)
        return [(p.low_id, p.high_id) for p in db.session.scalars(services.review_queue(user))]


def test_a_write_during_the_store_of_a_scan_succeeds(app, make_contact, make_user, monkeypatch):
    """Another user's write waits at most one short batch. The batches are made slow (each
    holds the write lock 50 ms, 20 of them) and the writer's ``busy_timeout`` short (400 ms)
    so that one transaction for the whole store, which held the lock longer than any
    ``busy_timeout``, fails here as it did at 100,000 contacts ("database is locked")."""
    ids = [make_contact(f"NOM{n:02d}", "Anne", emails=[f"anne{n}@example.org"])
           for n in range(21)]  # 210 pairs
    user = make_user("officer")
    run_id = _run(app, user.id)
    monkeypatch.setattr(services, "STORE_BATCH", 10)
    storing, errors, wrote = threading.Event(), [], []

    def slow_batches(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if threading.current_thread().name == "store" and \
                statement.lstrip().upper().startswith("INSERT INTO DUPLICATE_PAIR"):
            storing.set()
            time.sleep(0.05)

    def store() -> None:
        with app.app_context():
            services._store(_pairs(ids), run_id)

    def write() -> None:
        assert storing.wait(10)
        with app.app_context():
            sqlite = db.engine.dialect.name == "sqlite"
            try:
                if sqlite:
                    db.session.execute(text("PRAGMA busy_timeout=400"))
                db.session.execute(update(Contact).where(Contact.id == ids[0])
                                   .values(job_title="Rédactrice en chef", updated_at=utcnow()))
                db.session.commit()
                wrote.append(True)
            except Exception as exc:  # reported by the assertion below
                db.session.rollback()
                errors.append(exc)
            finally:
                if sqlite:
                    db.session.execute(text("PRAGMA busy_timeout=5000"))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "after_cursor_execute", slow_batches)
    try:
        threads = [threading.Thread(target=store, name="store"),
                   threading.Thread(target=write, name="write")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        event.remove(engine, "after_cursor_execute", slow_batches)
    assert not errors, errors
    assert wrote
    with app.app_context():
        assert db.session.get_one(Contact, ids[0]).job_title == "Rédactrice en chef"
        assert len(db.session.scalars(select(DuplicatePair.id)).all()) == 210


def test_a_scans_pairs_join_the_queue_when_it_is_done(app, make_contact, make_user):
    ids = [make_contact(f"NOM{n}", "Anne") for n in range(4)]
    user = make_user("officer")
    first = _run(app, user.id)
    with app.app_context():
        services._store(_pairs(ids[:3]), first)
    assert _queue(app, user.id) == []  # stored, but the scan is still running
    with app.app_context():
        db.session.get_one(ScanRun, first).state = ScanState.DONE
        db.session.commit()
    shown = _queue(app, user.id)
    assert sorted(shown) == sorted(combinations(ids[:3], 2))

    second = _run(app, user.id)
    with app.app_context():
        services._store(_pairs(ids), second)
    # while the second scan runs, the first one's pairs stay (refreshed), the new ones wait
    assert sorted(_queue(app, user.id)) == sorted(shown)
    with app.app_context():
        db.session.get_one(ScanRun, second).state = ScanState.DONE
        db.session.commit()
    assert sorted(_queue(app, user.id)) == sorted(combinations(ids, 2))


def test_the_next_scan_takes_over_the_pairs_of_a_failed_one(app, make_contact, make_user):
    ids = [make_contact(f"NOM{n}", "Anne") for n in range(3)]
    user = make_user("officer")
    failed = _run(app, user.id)
    with app.app_context():
        services._store(_pairs(ids), failed)
        db.session.get_one(ScanRun, failed).state = ScanState.FAILED
        db.session.commit()
    assert _queue(app, user.id) == []
    again = _run(app, user.id)
    with app.app_context():
        services._store(_pairs(ids), again)
        db.session.get_one(ScanRun, again).state = ScanState.DONE
        db.session.commit()
        assert set(db.session.scalars(select(DuplicatePair.scan_id))) == {again}
    assert len(_queue(app, user.id)) == 3


def test_the_queue_shows_the_pairs_of_two_visible_contacts(app, make_contact, make_user):
    """The same pairs as "both ids among the visible contacts", for each body."""
    ids = [make_contact(f"NOM{n}", "Anne", org=org, visibility=visibility)
           for n, (org, visibility) in enumerate(
               [(org, visibility) for org in ("AER BFC", "Région BFC", "Préfecture BFC")
                for visibility in (Visibility.SHARED, Visibility.PRIVATE)] * 2)]
    users = [make_user("officer", org) for org in ("AER BFC", "Région BFC", "Préfecture BFC")]
    with app.app_context():
        trashed = db.session.get_one(Contact, ids[0])
        trashed.deleted_at = utcnow()
        for a, b in combinations(ids, 2):
            db.session.add(DuplicatePair(low_id=a, high_id=b, score=float(a * b % 11),
                                         certain=(a + b) % 3 == 0, evidence=[],
                                         status=PairStatus.NOT_SAME if a + b == 9
                                         else PairStatus.OPEN))
        db.session.commit()
        for info in users:
            user = db.session.get_one(User, info.id)
            visible = visible_contacts(user).with_only_columns(Contact.id)
            expected = select(DuplicatePair.id).where(
                DuplicatePair.status == PairStatus.OPEN, DuplicatePair.low_id.in_(visible),
                DuplicatePair.high_id.in_(visible))
            found = db.session.scalars(services.review_queue(user)).all()
            assert {p.id for p in found} == set(db.session.scalars(expected))
            assert [(-p.certain, -p.score) for p in found] == sorted(
                (-p.certain, -p.score) for p in found)
            page = services.review_page(user, page=1, per_page=10)
            assert page.total == len(found) and not page.is_capped


def test_the_queue_counts_up_to_a_cap(app, client, login_as, make_contact, monkeypatch):
    ids = [make_contact(f"NOM{n}", "Anne") for n in range(5)]
    with app.app_context():
        for a, b in combinations(ids, 2):
            db.session.add(DuplicatePair(low_id=a, high_id=b, score=9.0, evidence=[]))
        db.session.commit()
    login_as("officer")
    monkeypatch.setattr(services, "QUEUE_COUNT_CAP", 4)
    page = client.get("/duplicates/")
    assert "Plus de 4 résultats" in page.text
    assert page.text.count('class="btn btn-sm btn-outline-primary"') == 10  # every pair listed
    assert client.get("/duplicates/?page=3").status_code == 200
