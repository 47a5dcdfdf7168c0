"""gunicorn for ``bench.load``, started with the shipped configuration, and the CPU time and
memory of its processes (and of PostgreSQL's backends serving it), read from /proc."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")
PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:  # the process ended
        return None
    return text[text.rindex(")") + 2:].split()  # fields from the state on (the name may hold spaces)


def cpu_ticks(pid: int, *, children: bool = False) -> int:
    """utime + stime of ``pid`` (all its threads); with ``children``, plus the time of its
    ended and reaped children (a worker gunicorn replaced)."""
    fields = _stat(pid)
    if fields is None:
        return 0
    used = int(fields[11]) + int(fields[12])
    return used + (int(fields[13]) + int(fields[14]) if children else 0)


def rss_mb(pid: int) -> float:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_MB
    except OSError:
        return 0.0


@dataclass
class Server:
    """A gunicorn master serving ``app`` on 127.0.0.1:``port``."""

    process: subprocess.Popen  # type: ignore[type-arg]
    port: int
    log: IO[bytes]  # gunicorn's output (its request log grows: not a pipe)

    @classmethod
    def start(cls, app: str, env: dict[str, str]) -> Server:
        port = free_port()
        command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
                   "--bind", f"127.0.0.1:{port}", app]
        log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by stop()
        process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env},  # noqa: S603 - our command
                                   stdout=log, stderr=log)
        server = cls(process, port, log)
        server._wait_until_up()
        return server

    def _wait_until_up(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError("gunicorn stopped: " + self.log.read().decode()[-2000:])
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    if len(self.workers()) >= 1:
                        time.sleep(1.0)  # every worker booted
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer in time")

    def workers(self) -> list[int]:
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                fields = _stat(int(entry.name))
                if fields is not None and int(fields[1]) == self.process.pid:
                    found.append(int(entry.name))
        return found

    def cpu_ticks(self) -> int:
        """CPU of the workers, alive or ended (the master's reaped children)."""
        return (sum(cpu_ticks(pid) for pid in self.workers())
                + cpu_ticks(self.process.pid, children=True) - cpu_ticks(self.process.pid))

    def worker_rss(self) -> list[float]:
        return sorted(rss_mb(pid) for pid in self.workers())

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


class CpuMeter:
    """Server CPU milliseconds between ``start`` and ``stop``: gunicorn's workers plus, when
    ``backends`` lists them, the database's backend processes."""

    def __init__(self, server: Server, backends: Callable[[], list[int]] | None = None) -> None:
        self.server, self.backends = server, backends
        self._workers = 0
        self._backends: dict[int, int] = {}

    def _backend_ticks(self) -> dict[int, int]:
        return {pid: cpu_ticks(pid) for pid in (self.backends() if self.backends else [])}

    def start(self) -> None:
        self._workers = self.server.cpu_ticks()
        self._backends = self._backend_ticks()

    def stop(self) -> tuple[float, float]:
        """(worker ms, database backend ms) since ``start``."""
        workers = self.server.cpu_ticks() - self._workers
        after = self._backend_ticks()
        backends = sum(ticks - self._backends.get(pid, 0) for pid, ticks in after.items())
        return workers * 1000 / TICK, backends * 1000 / TICK
