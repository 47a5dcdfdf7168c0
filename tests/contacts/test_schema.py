"""The search index that migration 0002 builds by hand on each database."""

from crm.extensions import db


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
            assert "gin (search_vector)" in found
