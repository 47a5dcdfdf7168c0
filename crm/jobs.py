"""Background jobs on huey: SQLite storage by default, Redis when configured.

Each app has its own huey (``app.extensions["huey"]``), built by ``init_app`` with the
storage its configuration picks, and its own copy of every task, whose body runs inside that
app's context. ``task`` and ``periodic_task`` only declare a task at import time; calling a
declared task queues it on the current app's huey. ``huey`` is the current app's huey.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from pathlib import Path
from typing import Any, cast

import click
from flask import Flask, current_app
from huey import Huey, crontab
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage
from werkzeug.local import LocalProxy


class Declared:
    """A task declared at import time; calling it queues it on the current app's huey."""

    def __init__(self, func: Callable[..., Any], schedule: Any = None,
                 options: dict[str, Any] | None = None) -> None:
        update_wrapper(self, func)
        self.func, self.schedule, self.options = func, schedule, options or {}
        self.name = f"{func.__module__}.{func.__qualname__}"
        _declared[self.name] = self

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return current_app.extensions["huey_tasks"][self.name](*args, **kwargs)

    def register(self, app: Flask, on: Huey) -> Any:
        """This task on ``on``, its body run inside ``app``'s context."""

        def body(*args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return self.func(*args, **kwargs)

        update_wrapper(body, self.func)
        if self.schedule is not None:
            return on.periodic_task(self.schedule, **self.options)(body)
        return on.task(**self.options)(body)


_declared: dict[str, Declared] = {}


def _storage(app: Flask) -> tuple[type, dict[str, Any]]:
    backend = app.config["JOBS_BACKEND"]
    if backend == "redis":
        return RedisStorage, {"url": app.config["REDIS_URL"]}
    if backend == "sqlite":
        path = Path(app.instance_path) / "jobs.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteStorage, {"filename": str(path)}
    if backend == "memory":
        return MemoryStorage, {}
    raise RuntimeError(f"JOBS_BACKEND must be sqlite, redis or memory, not {backend!r}")


def init_app(app: Flask) -> None:
    """Give ``app`` its huey, with every declared task (``load_tasks`` imports them all)."""
    storage_class, storage_kwargs = _storage(app)
    app_huey = Huey("relais", storage_class=storage_class, **storage_kwargs)
    load_tasks()
    app.extensions["huey"] = app_huey
    app.extensions["huey_tasks"] = {name: declared.register(app, app_huey)
                                    for name, declared in _declared.items()}


huey = cast(Huey, LocalProxy(lambda: current_app.extensions["huey"]))


def task(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    return lambda func: Declared(func, options=options)


def periodic_task(schedule: Any) -> Callable[[Callable[..., Any]], Any]:
    return lambda func: Declared(func, schedule=schedule)


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
    import crm.events.jobs
    import crm.events.reminder_jobs
    import crm.imports.jobs
    import crm.mail.jobs
    import crm.mailings.jobs
    import crm.maintenance
    import crm.privacy.jobs
    import crm.tasks.jobs  # noqa: F401 - only the last import of a package looks unused


@click.command("worker")
@click.option("--workers", default=1, show_default=True, help="Worker threads.")
def worker_command(workers: int) -> None:
    """Run the background worker (sending, periodic maintenance)."""
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=True)
    click.echo(f"Relais worker: {huey.storage.__class__.__name__}, {workers} thread(s).")
    consumer.run()


__all__ = ["crontab", "huey", "init_app", "load_tasks", "periodic_task", "task",
           "worker_command"]
