"""Readiness: can this process serve a request that needs the database and the job queue?

Each check answers ``True`` or ``False`` and logs why it failed; the reason (a host name, a
driver's message) stays in the server's log, never in the answer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from huey.storage import RedisStorage
from sqlalchemy import text

from crm.extensions import db
from crm.jobs import huey

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Readiness:
    database: bool
    jobs: bool

    @property
    def ready(self) -> bool:
        return self.database and self.jobs


def database_reachable() -> bool:
    """``SELECT 1`` on a pooled connection, given back at once."""
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception:
        logger.warning("readiness: the database is unreachable", exc_info=True)
        return False
    finally:
        db.session.rollback()


def jobs_reachable() -> bool:
    """The job store answers: Redis (a PING) when ``REDIS_URL`` is set, else huey's SQLite
    file (a count of its queue)."""
    storage = huey.storage
    try:
        if isinstance(storage, RedisStorage):
            storage.conn.ping()
        else:
            storage.queue_size()
        return True
    except Exception:
        logger.warning("readiness: the job queue is unreachable", exc_info=True)
        return False


def check_readiness() -> Readiness:
    return Readiness(database=database_reachable(), jobs=jobs_reachable())
