"""Login throttling kept in the database: progressive delay, never a permanent lock.

Failures inside the window count, per account and per client address. Past the free
allowance each further failure doubles the wait before the next attempt, up to a cap;
attempts refused while waiting are not counted, so the real user gets in once the wait
is over, and failures older than the window no longer count at all.

``attempt`` records an attempt and checks the wait in one short transaction of its own,
serialised with every other attempt (a table lock on PostgreSQL, SQLite's single writer),
and commits it before the password is checked: parallel attempts see each other, so a
burst gets no more checks than one attempt after another would. Password-reset requests
(accounts ``reset:<email>``) are throttled apart: they never count against sign-in.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import cast

from sqlalchemy import ColumnElement, delete, func, insert, select, text
from sqlalchemy.engine import Connection, Row

from crm.auth.models import LoginFailure
from crm.database import affected_rows, utcnow
from crm.extensions import db
from crm.settings import ThrottleRules

RESET_PREFIX = "reset:"  # account key of password-reset requests: reset:<email>


def delay_after(failures: int, free: int, max_delay: dt.timedelta) -> dt.timedelta:
    """The wait imposed after ``failures`` failures when ``free`` are allowed: 1 s, 2 s, 4 s…"""
    if failures < free:
        return dt.timedelta(0)
    seconds = 2 ** min(failures - free, 30)
    return min(dt.timedelta(seconds=seconds), max_delay)


def attempt(account: str, ip: str, rules: ThrottleRules) -> int:
    """Record an attempt of ``account`` from ``ip`` and commit it, unless it must wait:
    returns the seconds to wait (nothing recorded) or 0 (go ahead: the attempt already
    counts as a failure until ``clear_now`` forgets the account's attempts). Like
    ``clear_now`` it uses a connection of its own: call it before the session writes."""
    with db.engine.connect() as conn:
        transaction = conn.begin()
        try:
            if conn.dialect.name == "postgresql":  # one attempt at a time, reads go on
                # Bounded: a caller holding the table's row locks in its own open transaction
                # gets an error, not a request that hangs for ever.
                conn.execute(text("SET LOCAL lock_timeout = '10s'"))
                conn.execute(text("LOCK TABLE login_failure IN SHARE ROW EXCLUSIVE MODE"))
            now = utcnow()
            new_id = cast("Row[int]", conn.execute(insert(LoginFailure).values(
                account=account, ip=ip, created_at=now)).inserted_primary_key)[0]
            wait = _retry_after(conn, account, ip, rules, exclude=new_id, now=now)
        except BaseException:
            transaction.rollback()
            raise
        if wait:
            transaction.rollback()  # refused while waiting: not counted
        else:
            transaction.commit()
    return wait


def clear_now(account: str) -> None:
    """Forget the attempts of ``account`` at once, in a transaction of its own (on SQLite,
    call it before the caller's session writes: the session would hold the write lock)."""
    with db.engine.begin() as conn:
        conn.execute(delete(LoginFailure).where(LoginFailure.account == account))


def _retry_after(conn: Connection, account: str, ip: str, rules: ThrottleRules, *,
                 exclude: int, now: dt.datetime) -> int:
    """The wait owed by the attempts other than ``exclude`` (the one being made)."""
    since = now - rules.window
    same_kind = (LoginFailure.account.startswith(RESET_PREFIX, autoescape=True)
                 if account.startswith(RESET_PREFIX)
                 else ~LoginFailure.account.startswith(RESET_PREFIX, autoescape=True))
    waits = [
        _wait(conn, LoginFailure.account == account, rules.free_per_account, since, now,
              rules, exclude),
        _wait(conn, (LoginFailure.ip == ip) & same_kind, rules.free_per_ip, since, now,
              rules, exclude),
    ]
    return max(waits)


def _wait(conn: Connection, criterion: ColumnElement[bool], free: int, since: dt.datetime,
          now: dt.datetime, rules: ThrottleRules, exclude: int) -> int:
    count, last = conn.execute(
        select(func.count(LoginFailure.id), func.max(LoginFailure.created_at))
        .where(criterion, LoginFailure.created_at >= since, LoginFailure.id != exclude)
    ).one()
    if not count:
        return 0
    if isinstance(last, str):  # SQLite may hand an aggregate back as text
        last = dt.datetime.fromisoformat(last)
    if last.tzinfo is None:  # SQLite stores UTC without an offset
        last = last.replace(tzinfo=dt.UTC)
    remaining = last + delay_after(count, free, rules.max_delay) - now
    return max(0, math.ceil(remaining.total_seconds()))


def purge_expired(window: dt.timedelta) -> int:
    return affected_rows(delete(LoginFailure).where(LoginFailure.created_at < utcnow() - window))
