"""The sign-in throttle holds under parallel attempts, and password checks are bounded.

Real threads post to the app (a SQLite file and PostgreSQL); argon2 verifications are
counted, and slowed down so that parallel attempts overlap as they do with real argon2id.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import argon2
import pytest
from sqlalchemy import func, select

from crm.auth.models import LoginFailure
from crm.extensions import db
from crm.settings import override
from tests.conftest import make_app


class Verifications:
    """Counts argon2 verifications and the most running at once."""

    def __init__(self, seconds: float) -> None:
        self.seconds, self.calls, self.running, self.peak = seconds, 0, 0, 0
        self.lock = threading.Lock()

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        real = argon2.PasswordHasher.verify
        counter = self

        def verify(hasher, hash, password):  # type: ignore[no-untyped-def]
            with counter.lock:
                counter.calls += 1
                counter.running += 1
                counter.peak = max(counter.peak, counter.running)
            try:
                time.sleep(counter.seconds)
                return real(hasher, hash, password)
            finally:
                with counter.lock:
                    counter.running -= 1

        monkeypatch.setattr(argon2.PasswordHasher, "verify", verify)


@pytest.fixture
def roomy_app(app, database_url):  # type: ignore[no-untyped-def]
    """The test app's database served with more password-check slots and connections than
    threads: only the throttle limits (a pool of 15 connections alone would let no more
    than 15 requests in at once)."""
    roomy = make_app(database_url, PASSWORD_HASH_SLOTS=64, PASSWORD_HASH_WAIT_SECONDS=5,
                     SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 50, "max_overflow": 10})
    roomy.test_client_class = type(app.test_client())
    yield roomy
    with roomy.app_context():
        db.engine.dispose()


def burst(app, attempts: list[tuple[str, str]]) -> list[int]:  # type: ignore[no-untyped-def]
    """Post every (email, password) at the same moment from its own client and thread."""
    clients = [app.test_client() for _ in attempts]
    tokens = [c.csrf_token() for c in clients]
    start = threading.Barrier(len(attempts))

    def post(i: int) -> int:
        email, password = attempts[i]
        start.wait()
        return clients[i].post("/auth/login", data={
            "csrf_token": tokens[i], "email": email, "password": password}).status_code

    with ThreadPoolExecutor(max_workers=len(attempts)) as pool:
        return list(pool.map(post, range(len(attempts))))


def test_parallel_wrong_passwords_on_one_account_get_the_free_checks_only(
        roomy_app, make_user, monkeypatch):
    user = make_user("officer")
    checks = Verifications(0.05)
    checks.install(monkeypatch)
    statuses = burst(roomy_app, [(user.email, f"wrong password {i}") for i in range(30)])
    free = roomy_app.config["LOGIN_FREE_FAILURES_PER_ACCOUNT"]
    assert 1 <= checks.calls <= free
    assert statuses.count(401) == checks.calls
    assert statuses.count(429) == 30 - checks.calls
    with roomy_app.app_context():  # refused attempts are not counted
        assert db.session.scalar(select(func.count(LoginFailure.id))) == checks.calls


def test_parallel_attempts_on_many_accounts_from_one_address(roomy_app, make_user, monkeypatch):
    users = [make_user("officer") for _ in range(9)]
    checks = Verifications(0.05)
    checks.install(monkeypatch)
    statuses = burst(roomy_app, [(users[i % 9].email, f"wrong password {i}") for i in range(40)])
    assert 1 <= checks.calls <= roomy_app.config["LOGIN_FREE_FAILURES_PER_IP"]
    assert set(statuses) <= {401, 429}


def test_password_checks_are_bounded_and_the_rest_asked_to_retry(app, make_user, monkeypatch):
    override(app, PASSWORD_HASH_SLOTS=2, PASSWORD_HASH_WAIT_SECONDS=0)
    users = [make_user("officer") for _ in range(8)]
    checks = Verifications(0.3)
    checks.install(monkeypatch)
    statuses = burst(app, [(u.email, "a wrong password") for u in users])
    assert checks.peak <= 2
    assert statuses.count(401) == checks.calls
    assert statuses.count(429) == 8 - checks.calls >= 1
    with app.app_context():  # turned away before the throttle: nothing recorded for them
        assert db.session.scalar(select(func.count(LoginFailure.id))) == checks.calls


def test_busy_answer_is_a_429_asking_to_try_again(app, make_user):
    user = make_user("officer")
    override(app, PASSWORD_HASH_SLOTS=1, PASSWORD_HASH_WAIT_SECONDS=0)
    from crm.auth.passwords import hashing_slot

    client = app.test_client()
    token = client.csrf_token()
    with hashing_slot(1, 0) as granted:  # another sign-in holds the only slot
        assert granted
        response = client.post("/auth/login", data={"csrf_token": token, "email": user.email,
                                                    "password": "correct horse battery staple"})
    assert response.status_code == 429
    assert "Réessayez dans quelques secondes" in response.text
    again = client.post("/auth/login", data={"csrf_token": token, "email": user.email,
                                             "password": "correct horse battery staple"})
    assert again.status_code == 302


def test_reset_requests_do_not_count_against_sign_in(app, client, make_user):
    user = make_user("officer")
    free_ip = app.config["LOGIN_FREE_FAILURES_PER_IP"]
    for i in range(free_ip + 2):  # many reset requests from this address
        client.post_form("/auth/forgot", {"email": f"someone{i}@example.org"})
    response = client.post_form("/auth/login", {"email": user.email,
                                                "password": "correct horse battery staple"})
    assert response.status_code == 302

