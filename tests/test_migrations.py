"""The Alembic revisions build exactly the schema the models describe, can be undone, and
stay as they were released."""

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations
from flask_migrate import downgrade, upgrade
from sqlalchemy import event, insert, inspect, select, text
from sqlalchemy.exc import IntegrityError

from crm.contacts.core.normalise import fold
from crm.contacts.models import Contact, ContactKind, Visibility
from crm.contacts.search import matching
from crm.database import utcnow
from crm.dedupe.models import ScanRun
from crm.extensions import db
from crm.migration_hooks import is_modelled
from crm.orgs.models import Organisation
from crm.privacy.models import Suppression
from tests.conftest import make_app, postgres_schema

VERSIONS = Path(__file__).resolve().parent.parent / "migrations" / "versions"

# The SHA-256 of each released revision. A database already past a revision never runs it
# again, so an edit would reach new databases only (0004 once gained a column that way).
# Add each new revision here once it is released, and never change a line of this table.
RELEASED = {
    "20261127_0001_foundation.py":
        "24d9b8875056dcfa5744ced4a911ba1749faaeb1c04e077f3af145e103df0bb4",
    "20261127_0002_contacts_and_outlets.py":
        "6b91b331e28ee4657901f20ba091a27cccb947d720d9466c9ff3c1488abc85aa",
    "20261127_0003_interactions_and_tasks.py":
        "098bc7a8c72d400cf8b98886e50a961a2838fdd81fada44a39cbb9b2eb1903b0",
    "20261127_0004_imports_contact_blocks_and_duplicates.py":
        "a5859e680655641f4956a051b14e488b742da68b8da3abdbd7aad4917e4e1f0b",
    "20261127_0005_suppression_list.py":
        "4ca3a04fbb7302ec6767fd5301a7818d43124cc408d24ee69f35f9461847f386",
    "20261201_0006_multi_factor_authentication.py":
        "37af9f6528cdc5ad669cba4eb29afe3bf794a3a6cd1771c0db03b0271befcf35",
    "20261201_0007_import_staging_states.py":
        "5540615b3c90477166df912103c2230afc13db2c3fe930a2a26b35ba247f3736",
    "20261201_0008_interaction_form_token.py":
        "a7129c848b956371e5adb3d45f5c3498e8bf5183af854a97bc164930f0805f25",
    "20261201_0009_import_release_text.py":
        "753e5f46be2ef7c23ca5f1445adf24aafa5b3af487e9a73377c7b7b7beb1524d",
    "20261201_0010_scan_weights_and_state_checks.py":
        "f0d61001323957b1192f4cbbb527ddd371266b1083cbdb9ba739bc331380fb6d",
    "20261201_0011_contact_search_vector_and_list_indexes.py":
        "2b42936d472239d1cbc812831e8794e29f5953ed6bdc842ef74db4aeb485775f",
    "20261201_0012_duplicate_pair_scan_and_queue_index.py":
        "ec3e03364f6e7cf1da2fc89868b1d6007fc1bff6bd0d3a522f6214ed6832ba57",
    "20261201_0013_lists_and_segments.py":
        "cf6b472d14fec54c29704740b7b7209f3f746c6394ede02dba29dcb73b0d3b01",
    "20261201_0014_mailings.py":
        "e105d3d8d185277b87bdf96dc90708cbcf91a9d9412c57aea0d057f884e91ff5",
    "20261201_0015_duplicate_labels.py":
        "20261fb24428391863ec9262c2e0fc6b2afe47800e099d1d9b8c7cb7dd7bc03c",
    "20261201_0016_mailing_footer.py":
        "c981308bc5ccec3a1bb27d580df68855274ef3aa8f4aeb07dfaacac1bfe3d900",
    "20261201_0017_mailing_send_at.py":
        "2e0a6cf6cc794a96342565345d51b03ed6126a8d619e9d1840df5084325b69a4",
    "20261201_0018_events_invitations_and_answers.py":
        "f05202d90a62775e76e55b1afd4660ebf09f722d6f98cbe412a5dcdcbb76cfec",
    "20261201_0019_mailing_attachments.py":
        "c03381116493db99a91677101b8f4475fe447931e018cfffb7f343ecef8589a2",
    "20261201_0020_mailing_selection.py":
        "db15da84c69da1e6d5e954d5bcbde134a29946f1a0e4a8268fd6c3bd6b1d9360",
    "20261201_0021_privacy_requests_notices_retention.py":
        "6ddbabe31632f109e20bc1bb24e5f256819374a256abd817839678a5372f1492",
    "20261201_0022_export_log.py":
        "99389696b5d419ad378fd5a1e46b17787137add684c67a66c704ebd4f6466f7a",
    "20261201_0023_organisation_article.py":
        "38ac6a638ff824879e35e301453531ae16a63a2f4d54ed1cf54d04a5449dcbf5",
    "20261201_0024_event_reminders.py":
        "eea4c15d1b556388e354d84b89555d28c117a7eec9fbe81d9797f264b75a7b4e",
}


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no table at all: SQLite in a file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    with postgres_schema("relais_migrations") as url:
        yield url


def _schema_drift() -> list[object]:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "compare_type": True, "include_object": is_modelled, "render_as_batch": True})
        return compare_metadata(context, db.metadata)


def test_models_and_migrations_agree(app):
    with app.app_context():
        assert _schema_drift() == []


def test_downgrade_to_base_and_upgrade_again(empty_database_url):
    app = make_app(empty_database_url)
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) == {"alembic_version"}
        upgrade()
        assert "app_user" in inspect(db.engine).get_table_names()
        assert _schema_drift() == []
        db.engine.dispose()


def test_released_revisions_are_never_edited():
    def checksum(name: str) -> str | None:
        path = VERSIONS / name
        return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None

    changed = sorted(name for name, known in RELEASED.items() if checksum(name) != known)
    assert not changed, (
        f"released revisions edited or removed: {', '.join(changed)}. A database already "
        "past a revision never runs it again: restore the file and add a new revision instead.")


def test_a_database_built_by_the_first_release_of_0004_ends_like_a_new_one(empty_database_url):
    """The first release of 0004 created duplicate_scan without "weights"; 0010 adds it there
    and leaves databases built by the current 0004 as they are."""
    app = make_app(empty_database_url)
    with app.app_context():
        upgrade(revision="0004")
        with db.engine.begin() as conn, Operations(MigrationContext.configure(conn)) \
                .batch_alter_table("duplicate_scan") as batch_op:
            batch_op.drop_column("weights")
        upgrade()
        columns = [c["name"] for c in inspect(db.engine).get_columns("duplicate_scan")]
        assert columns == [c.name for c in ScanRun.__table__.columns]
        assert _schema_drift() == []
        db.engine.dispose()


# What the first releases of 0002 and 0003 built, where the current ones differ: the list index
# on (deleted_at, sort_key, id), on PostgreSQL a GIN index on the to_tsvector expression and no
# search_vector column, and no ix_interaction_org_kind_at.
FIRST_RELEASE_CONTACT_INDEX = (
    "CREATE INDEX ix_contact_alive_sort ON contact (deleted_at, sort_key, id)")
FIRST_RELEASE_POSTGRES_SEARCH = [
    "DROP INDEX ix_contact_search",
    "ALTER TABLE contact DROP COLUMN search_vector",
    "CREATE INDEX ix_contact_search ON contact "
    "USING gin (to_tsvector('simple'::regconfig, search_text))",
]


def _rebuild_as_first_released_0002_and_0003(list_index_too: bool) -> None:
    """The second release of 0002 already had the current list index, not the search vector."""
    with db.engine.begin() as conn:
        if list_index_too:
            conn.execute(text("DROP INDEX ix_contact_alive_sort"))
            conn.execute(text(FIRST_RELEASE_CONTACT_INDEX))
        conn.execute(text("DROP INDEX ix_interaction_org_kind_at"))
        if conn.dialect.name == "postgresql":
            for statement in FIRST_RELEASE_POSTGRES_SEARCH:
                conn.execute(text(statement))


def _add_contacts() -> None:
    with db.engine.begin() as conn:
        organisation_id = conn.scalar(insert(Organisation.__table__).values(
            name="Agence", short_name="AG", created_at=utcnow()).returning(
            Organisation.__table__.c.id))
        conn.execute(insert(Contact.__table__), [
            {"first_name": first, "last_name": last, "name_key": fold(f"{first} {last}"),
             "sort_key": fold(f"{last} {first}"), "kind": ContactKind.JOURNALIST,
             "organisation_id": organisation_id, "visibility": Visibility.SHARED,
             "source": "salon", "search_text": fold(f"{first} {last}")}
            for first, last in (("Élodie", "Marchal"), ("Marc", "Henriot"))])


def _found(query: str) -> list[str]:
    with db.engine.connect() as conn:
        return sorted(conn.scalars(select(Contact.__table__.c.last_name).where(
            matching(query, conn.dialect.name))))


@pytest.mark.parametrize("release", ["first", "second"])
def test_a_database_built_by_an_early_release_of_0002_ends_like_a_new_one(empty_database_url,
                                                                          release):
    """0002 was edited after release (partial list index; on PostgreSQL the search_vector
    column the search queries, with the GIN index on it), 0003 gained an index: 0011 brings
    such a database to the current schema."""
    app = make_app(empty_database_url)
    with app.app_context():
        upgrade(revision="0003")
        _rebuild_as_first_released_0002_and_0003(list_index_too=release == "first")
        upgrade()
        assert _schema_drift() == []
        indexes = {ix["name"]: ix for ix in inspect(db.engine).get_indexes("contact")}
        alive = indexes["ix_contact_alive_sort"]
        assert alive["column_names"] == ["sort_key", "id", "visibility", "organisation_id"]
        assert "deleted_at IS NULL" in str(alive["dialect_options"].get(
            f"{db.engine.dialect.name}_where"))
        if db.engine.dialect.name == "postgresql":
            assert indexes["ix_contact_search"]["column_names"] == ["search_vector"]
        _add_contacts()
        assert _found("marc") == ["Henriot", "Marchal"]
        assert _found("ÉLO march") == ["Marchal"]
        db.engine.dispose()


def test_0011_changes_nothing_on_a_database_built_by_the_current_revisions(empty_database_url):
    app = make_app(empty_database_url)
    with app.app_context():
        upgrade(revision="0010")
        statements: list[str] = []

        def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            upgrade(revision="0011")
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        ddl = [s for s in statements if s.lstrip().upper().startswith(("CREATE", "DROP", "ALTER"))]
        assert ddl == []
        assert any("alembic_version" in s for s in statements)
        db.engine.dispose()


@pytest.mark.parametrize(("table", "constraint", "values"), [
    (ScanRun.__table__, "ck_duplicate_scan_scan_state",
     {"state": "paused", "contacts": 0, "pairs": 0, "started_at": utcnow()}),
    (Suppression.__table__, "ck_suppression_suppression_kind",
     {"kind": "fax", "digest": "0" * 64, "created_at": utcnow()}),
])
def test_states_outside_their_enum_are_refused_by_the_database(app, table, constraint, values):
    with app.app_context():
        organisation_id = db.session.scalar(select(Organisation.id).limit(1))
        with pytest.raises(IntegrityError, match=constraint):
            db.session.execute(insert(table).values(organisation_id=organisation_id, **values))
        db.session.rollback()
