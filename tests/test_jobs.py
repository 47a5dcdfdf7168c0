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


def test_nightly_housekeeping_purges_the_old_trash(app, make_contact):
    import datetime as dt

    import time_machine

    from crm.contacts.models import Contact
    from crm.contacts.services import soft_delete_contact
    from crm.extensions import db
    from crm.maintenance import housekeeping

    contact_id = make_contact("ANCIEN", "Contact")
    with app.app_context():
        soft_delete_contact(None, db.session.get_one(Contact, contact_id))
        db.session.commit()
        assert housekeeping()["contacts"] == 0
        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=app.config["CONTACTS_TRASH_DAYS"] + 1)
        with time_machine.travel(later, tick=False):
            assert housekeeping()["contacts"] == 1
        assert db.session.get(Contact, contact_id) is None
