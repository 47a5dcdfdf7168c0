"""Loading the signed-in user writes at most once a minute, in a transaction of its own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import time_machine
from flask import Flask
from sqlalchemy import event, select

from crm.auth.models import UserSession
from crm.auth.services import LAST_SEEN_STEP
from crm.extensions import db


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    """Every INSERT, UPDATE or DELETE sent to the database, and "COMMIT" for each commit."""
    seen: list[str] = []

    def on_execute(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        if sql.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            seen.append(" ".join(sql.split()[:3]))

    def on_commit(_conn: Any) -> None:
        seen.append("COMMIT")

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", on_execute)
    event.listen(engine, "commit", on_commit)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
        event.remove(engine, "commit", on_commit)


def _last_seen(app: Flask) -> dt.datetime:
    with app.app_context():
        return db.session.scalars(select(UserSession.last_seen_at)).one()


def test_two_page_views_in_a_row_write_nothing_the_second_time(app, client, login_as):
    login_as("officer")
    later = dt.datetime.now(dt.UTC) + LAST_SEEN_STEP + dt.timedelta(seconds=5)
    with time_machine.travel(later, tick=False):
        with statements(app) as first:
            assert client.get("/").status_code == 200
        with statements(app) as second:
            assert client.get("/").status_code == 200
    assert first == ["UPDATE user_session SET", "COMMIT"]
    assert second == []
    assert _last_seen(app) == later


def test_a_page_view_right_after_sign_in_writes_nothing(app, client, login_as):
    login_as("officer")
    signed_in = _last_seen(app)
    with statements(app) as seen:
        assert client.get("/").status_code == 200
    assert seen == []
    assert _last_seen(app) == signed_in


def test_an_idle_session_is_ended_apart_from_the_request(app, client, login_as):
    login_as("officer")
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
    with time_machine.travel(later, tick=False), statements(app) as seen:
        assert client.get("/").status_code == 302
    assert seen == ["DELETE FROM user_session", "COMMIT"]
    with app.app_context():
        assert db.session.scalars(select(UserSession)).all() == []
