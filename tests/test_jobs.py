import pytest
from huey.storage import RedisStorage, SqliteStorage

from crm.jobs import huey
from tests.conftest import IN_CI, make_app


def test_sqlite_is_the_embedded_job_store(database_url, tmp_path):
    make_app(database_url, JOBS_BACKEND="sqlite")
    try:
        assert isinstance(huey.storage, SqliteStorage)
        assert huey.storage.filename.endswith("jobs.db")
    finally:
        make_app(database_url)  # back to the in-memory store of the test suite


def test_redis_url_selects_redis(database_url):
    app = make_app(database_url, JOBS_BACKEND="", REDIS_URL="redis://127.0.0.1:6379/15")
    try:
        assert app.config["JOBS_BACKEND"] == "redis"
        assert isinstance(huey.storage, RedisStorage)
        try:
            huey.storage.conn.ping()
        except Exception as exc:
            if IN_CI:
                pytest.fail(f"CI=true and Redis unreachable: {exc}")
            pytest.skip(f"Redis unreachable: {exc}")
        huey.flush()
        from crm.mail.jobs import deliver_outbox

        deliver_outbox()
        assert huey.pending_count() == 1
        huey.flush()
    finally:
        make_app(database_url)
