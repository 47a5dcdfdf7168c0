"""The load client of ``bench.load``: keep-alive HTTP/1.1 connections, one per client thread,
each sending its next request as soon as the last one is answered, for a fixed time.

Plain ``http.client``: no dependency, and its cost is on the client side, which the
benchmark does not count (it reads the server's CPU time from /proc).
"""

from __future__ import annotations

import http.client
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlencode

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Session:
    """One keep-alive connection with its cookies (enough for Relais's session cookie)."""

    def __init__(self, port: int, host: str, cookies: dict[str, str] | None = None) -> None:
        self.port, self.host = port, host
        self.cookies = dict(cookies or {})
        self.state: dict[str, str] = {}  # what a step keeps between requests (a CSRF token)
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, form: dict[str, str] | None = None
                ) -> tuple[int, str]:
        headers = {"Host": self.host, "Connection": "keep-alive"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.conn.close()  # reconnects at the next request
            raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
        return response.status, text

    def csrf_token(self, path: str) -> str:
        status, text = self.request("GET", path)
        found = CSRF.search(text)
        if status != 200 or found is None:
            raise RuntimeError(f"no CSRF token on {path} ({status})")
        return found.group(1)

    def close(self) -> None:
        self.conn.close()


def sign_in(port: int, host: str, email: str, password: str) -> dict[str, str]:
    """The cookies of a signed-in session."""
    session = Session(port, host)
    token = session.csrf_token("/auth/login")
    status, _ = session.request("POST", "/auth/login", {
        "csrf_token": token, "email": email, "password": password})
    session.close()
    if status != 302:
        raise RuntimeError(f"sign-in answered {status}")
    return session.cookies


@dataclass
class Result:
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # ms, answered requests
    errors: int = 0

    @property
    def requests(self) -> int:
        return len(self.latencies) + self.errors

    def percentile(self, share: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


# a step: given its session, send one request; True when the answer is the expected one
Step = Callable[[Session], bool]


def get(path: str, expected: int = 200) -> Step:
    def step(session: Session) -> bool:
        status, _ = session.request("GET", path)
        return status == expected
    return step


def drive(port: int, host: str, cookies: dict[str, str], steps: Iterator[Step] | list[Step],
          clients: int, seconds: float, result: Result | None = None) -> Result:
    """Run ``clients`` threads for ``seconds``, each repeating the ``steps`` in turn."""
    result = result or Result()
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    plan = list(steps)

    def client(offset: int) -> None:
        session = Session(port, host, cookies)
        n = offset
        while time.perf_counter() < deadline:
            step = plan[n % len(plan)]
            n += 1
            started = time.perf_counter()
            try:
                good = step(session)
            except (OSError, http.client.HTTPException, RuntimeError):
                good = False
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if good:
                    result.latencies.append(elapsed)
                else:
                    result.errors += 1
        session.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    return result
