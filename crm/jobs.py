"""Background jobs on huey: SQLite storage by default, Redis when configured.

The huey instance exists at import time (task decorators need it) but holds no storage
until ``init_app`` picks one from the configuration. Task bodies run inside the
application context of the app that configured huey.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click
from flask import Flask
from huey import Huey, crontab
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

huey = Huey("relais", storage_class=MemoryStorage)
_apps: list[Flask] = []


def init_app(app: Flask) -> None:
    backend = app.config["JOBS_BACKEND"]
    if backend == "redis":
        huey.storage_class, huey.storage_kwargs = RedisStorage, {"url": app.config["REDIS_URL"]}
    elif backend == "sqlite":
        path = Path(app.instance_path) / "jobs.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        huey.storage_class, huey.storage_kwargs = SqliteStorage, {"filename": str(path)}
    elif backend == "memory":
        huey.storage_class, huey.storage_kwargs = MemoryStorage, {}
    else:
        raise RuntimeError(f"JOBS_BACKEND must be sqlite, redis or memory, not {backend!r}")
    huey.storage = huey.create_storage()
    _apps[:] = [app]


def in_app_context(func: Callable[..., Any]) -> Callable[..., Any]:
    """Run a task body inside the configured app's context."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with _apps[0].app_context():
            return func(*args, **kwargs)

    return wrapper


def task(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    return lambda func: huey.task(**options)(in_app_context(func))


def periodic_task(schedule: Any) -> Callable[[Callable[..., Any]], Any]:
    return lambda func: huey.periodic_task(schedule)(in_app_context(func))


def report_progress(kind: str, ident: int, value: tuple[Any, ...]) -> None:
    """Keep a running job's progress in the job store (not in the database, whose write lock
    the job may hold until it commits); the page polls ``read_progress``."""
    huey.put(f"relais.{kind}-progress.{ident}", value)


def read_progress(kind: str, ident: int) -> tuple[Any, ...] | None:
    value = huey.get(f"relais.{kind}-progress.{ident}", peek=True)
    return tuple(value) if value else None


def clear_progress(kind: str, ident: int) -> None:
    huey.get(f"relais.{kind}-progress.{ident}")  # reading without peek removes it


def load_tasks() -> None:
    """Import every module that defines tasks, so that the worker knows them."""
    import crm.dedupe.jobs
    import crm.imports.jobs
    import crm.mail.jobs
    import crm.maintenance
    import crm.tasks.jobs  # noqa: F401 - only the last import of a package looks unused


@click.command("worker")
@click.option("--workers", default=1, show_default=True, help="Worker threads.")
def worker_command(workers: int) -> None:
    """Run the background worker (sending, periodic maintenance)."""
    load_tasks()
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=True)
    click.echo(f"Relais worker: {huey.storage.__class__.__name__}, {workers} thread(s).")
    consumer.run()


__all__ = ["crontab", "huey", "init_app", "periodic_task", "task", "worker_command"]
