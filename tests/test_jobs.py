import pytest
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

from crm.jobs import huey
from tests.conftest import IN_CI, make_app


def test_sqlite_is_the_embedded_job_store(database_url, tmp_path):
    app = make_app(database_url, JOBS_BACKEND="sqlite")
    storage = app.extensions["huey"].storage
    assert isinstance(storage, SqliteStorage)
    assert storage.filename.endswith("jobs.db")


def test_each_app_has_its_own_huey_and_tasks(app, database_url):
    from crm.mail.jobs import deliver_outbox

    make_app(database_url, JOBS_BACKEND="sqlite")  # another app's store leaves this one be
    assert isinstance(app.extensions["huey"].storage, MemoryStorage)
    other = make_app(database_url)
    app.extensions["huey"].flush()
    with app.app_context():
        assert huey.pending_count() == 0
        deliver_outbox()
        assert [t.name for t in huey.pending()] == ["deliver_outbox"]
    with other.app_context():
        assert huey is not app.extensions["huey"]
        assert [t.name for t in other.extensions["huey"].pending()] == []
    app.extensions["huey"].flush()


def test_redis_url_selects_redis(database_url):
    app = make_app(database_url, JOBS_BACKEND="", REDIS_URL="redis://127.0.0.1:6379/15")
    assert app.config["JOBS_BACKEND"] == "redis"
    redis = app.extensions["huey"]
    assert isinstance(redis.storage, RedisStorage)
    try:
        redis.storage.conn.ping()
    except Exception as exc:
        if IN_CI:
            pytest.fail(f"CI=true and Redis unreachable: {exc}")
        pytest.skip(f"Redis unreachable: {exc}")
    redis.flush()
    from crm.mail.jobs import deliver_outbox

    with app.app_context():
        deliver_outbox()
    assert redis.pending_count() == 1
    redis.flush()


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
