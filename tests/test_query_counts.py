"""No page runs a statement per row: the SQL statements of each page's GET are counted with
a little data, then again after ten times as much, and must be the same number."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from sqlalchemy import event, select

from crm.contacts.models import Contact
from crm.dedupe.models import DuplicatePair
from crm.extensions import db
from crm.imports.models import (
    BatchStatus,
    ImportBatch,
    ImportMode,
    ImportRow,
    RowDecision,
    SourceKind,
)
from crm.interactions.models import InteractionKind, InteractionVisibility
from crm.tasks.services import TaskData, create_task
from tests.conftest import login
from tests.factories import user

SMALL, LARGE = 3, 30
PAGES = {
    "contact list": "/contacts/",
    "search": "/contacts/?q=martin",
    "contact page": "/contacts/{target}",
    "contact page, calls": "/contacts/{target}?kind=call",
    "dashboard": "/",
    "my tasks": "/tasks/",
    "team tasks": "/tasks/team?status=",
    "duplicates review": "/duplicates/",
    "imports list": "/imports/",
    "outlets": "/outlets/",
}


@contextmanager
def counting(app: Flask) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


class Data:
    """Grows the file: contacts at an outlet with emails, phones and beats, interactions on the
    first contact (some shared by another body, some with coverage), tasks, duplicate pairs
    and imports, ``n`` of each at every call."""

    def __init__(self, app: Flask, make_contact, make_outlet, make_interaction, me: int,
                 other: int) -> None:
        self.app, self.me, self.other = app, me, other
        self.make_contact, self.make_interaction = make_contact, make_interaction
        self.outlets = [make_outlet(f"Le Journal {n}") for n in range(2)]
        self.contacts: list[int] = []
        self.done = 0

    def grow(self, to: int) -> None:
        for n in range(self.done, to):
            self.contacts.append(self.make_contact(
                f"MARTIN{chr(65 + n % 26)}{n}", f"Anne {n}", outlet_ids=[self.outlets[n % 2]],
                emails=[f"anne{n}@journal.test"], phones=[f"03 80 00 {n // 10:02d} {n % 100:02d}"],
                beats=["Culture", "Sport"][: 1 + n % 2], area="21"))
        first = self.contacts[0]
        for n in range(self.done, to):
            self.make_interaction(
                self.me if n % 3 else self.other, [first, self.contacts[n]],
                kind=[InteractionKind.CALL, InteractionKind.COVERAGE][n % 2],
                visibility=InteractionVisibility.SHARED, subject=f"Échange {n}",
                outlet_id=self.outlets[n % 2], happened_at=dt.datetime.now(dt.UTC)
                - dt.timedelta(days=n), coverage_url="https://journal.test/a" if n % 2 else None)
        with self.app.app_context():
            for n in range(self.done, to):
                create_task(user(self.other if n % 2 else self.me), TaskData(
                    title=f"Relancer {n}", assignee_id=self.me, contact_id=self.contacts[n],
                    outlet_id=self.outlets[n % 2], due_on=dt.date(2026, 12, 1 + n % 28)))
                if n:
                    db.session.add(DuplicatePair(low_id=self.contacts[n - 1],
                                                 high_id=self.contacts[n], score=20.0 + n,
                                                 evidence=[]))
                batch = ImportBatch(organisation_id=user(self.me).organisation_id,
                                    created_by_id=self.me, source_kind=SourceKind.CSV,
                                    filename=f"presse-{n}.csv", status=BatchStatus.COMMITTED,
                                    mode=ImportMode.SKIP)
                batch.rows = [ImportRow(number=i, raw={"nom": f"X{i}"}, decision=RowDecision.NEW)
                              for i in range(2)]
                db.session.add(batch)
            db.session.commit()
        self.done = to


def page_counts(app: Flask, client, target: int) -> dict[str, int]:
    for url in PAGES.values():  # warm-up: the first view of a session may write its last-seen
        client.get(url.format(target=target))
    counts = {}
    for name, url in PAGES.items():
        with counting(app) as statements:
            response = client.get(url.format(target=target))
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(statements)
    return counts


@pytest.fixture
def data(app, make_user, make_contact, make_outlet, make_interaction) -> Data:
    me, other = make_user(), make_user()
    return Data(app, make_contact, make_outlet, make_interaction, me.id, other.id)


def test_pages_run_as_many_statements_whatever_the_data(app, client, make_user, data) -> None:
    with app.app_context():
        email = db.session.get_one(type(user(data.me)), data.me).email
    assert login(client, email).status_code == 302
    data.grow(SMALL)
    small = page_counts(app, client, data.contacts[0])
    data.grow(LARGE)
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Contact)) == LARGE
    large = page_counts(app, client, data.contacts[0])
    assert large == small
