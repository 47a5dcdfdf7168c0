"""The migrations build what the models describe (contacts and outlets included)."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from crm.extensions import db

# Built by hand in migration 0002, outside the models: the search index of each database.
SEARCH_OBJECTS = {"contact_fts", "ix_contact_search"}


def _ours(obj, name, type_, reflected, compare_to):
    return not (name or "").startswith(tuple(SEARCH_OBJECTS))


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "compare_type": True, "include_object": _ours, "render_as_batch": True})
        assert compare_metadata(context, db.metadata) == []


def test_search_index_exists(app):
    with app.app_context(), db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            found = conn.exec_driver_sql(
                "SELECT count(*) FROM sqlite_master WHERE name IN "
                "('contact_fts', 'contact_fts_insert', 'contact_fts_update', "
                "'contact_fts_delete')").scalar()
            assert found == 4
        else:
            found = conn.exec_driver_sql(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_contact_search' "
                "AND schemaname = current_schema()").scalar()
            assert "to_tsvector('simple'::regconfig, search_text)" in found
