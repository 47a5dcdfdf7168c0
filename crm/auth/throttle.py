"""Login throttling kept in the database: progressive delay, never a permanent lock.

Failures inside the window count, per account and per client address. Past the free
allowance each further failure doubles the wait before the next attempt, up to a cap;
attempts refused while waiting are not counted, so the real user gets in once the wait
is over, and failures older than the window no longer count at all.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import delete, func, select

from crm.auth.models import LoginFailure
from crm.database import utcnow
from crm.extensions import db


@dataclass(frozen=True)
class ThrottleRules:
    window: dt.timedelta
    free_per_account: int
    free_per_ip: int
    max_delay: dt.timedelta


def delay_after(failures: int, free: int, max_delay: dt.timedelta) -> dt.timedelta:
    """The wait imposed after ``failures`` failures when ``free`` are allowed: 1 s, 2 s, 4 s…"""
    if failures < free:
        return dt.timedelta(0)
    seconds = 2 ** min(failures - free, 30)
    return min(dt.timedelta(seconds=seconds), max_delay)


def retry_after(account: str, ip: str, rules: ThrottleRules) -> int:
    """Seconds to wait before ``account`` may try again from ``ip`` (0: go ahead)."""
    now = utcnow()
    since = now - rules.window
    waits = [
        _wait(LoginFailure.account == account, rules.free_per_account, since, now, rules),
        _wait(LoginFailure.ip == ip, rules.free_per_ip, since, now, rules),
    ]
    return max(waits)


def _wait(criterion, free: int, since: dt.datetime, now: dt.datetime,  # type: ignore[no-untyped-def]
          rules: ThrottleRules) -> int:
    count, last = db.session.execute(
        select(func.count(LoginFailure.id), func.max(LoginFailure.created_at))
        .where(criterion, LoginFailure.created_at >= since)
    ).one()
    if not count:
        return 0
    if last.tzinfo is None:  # aggregates bypass the column type on SQLite
        last = last.replace(tzinfo=dt.UTC) if isinstance(last, dt.datetime) else (
            dt.datetime.fromisoformat(last).replace(tzinfo=dt.UTC))
    remaining = last + delay_after(count, free, rules.max_delay) - now
    return max(0, math.ceil(remaining.total_seconds()))


def record_failure(account: str, ip: str) -> None:
    db.session.add(LoginFailure(account=account, ip=ip))


def clear_account(account: str) -> None:
    db.session.execute(delete(LoginFailure).where(LoginFailure.account == account))


def purge_expired(window: dt.timedelta) -> int:
    result = db.session.execute(delete(LoginFailure).where(LoginFailure.created_at < utcnow() - window))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
