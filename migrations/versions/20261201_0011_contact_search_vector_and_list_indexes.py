"""Databases built by the first releases of 0002 and 0003 get the contact and interaction
indexes, and on PostgreSQL the stored search vector, that those revisions create today.

0002 was edited after it had landed: ``ix_contact_alive_sort`` became a partial index on other
columns, and on PostgreSQL the GIN index on ``to_tsvector('simple', search_text)`` moved onto a
generated ``contact.search_vector`` column, which the contact search queries. 0003 was edited
to add ``ix_interaction_org_kind_at``. Each object is read from the database and rebuilt only
where it differs, so a database built by the current revisions is left as it is.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 15:45:00.000000

"""
import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

ALIVE_SORT_COLUMNS = ['sort_key', 'id', 'visibility', 'organisation_id']
ALIVE = 'deleted_at IS NULL'
ORG_KIND_AT_COLUMNS = ['organisation_id', 'kind', 'happened_at', 'deleted_at']
# The same statements as the current 0002 (see its POSTGRES_SEARCH).
SEARCH_VECTOR = ("ALTER TABLE contact ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
                 "(to_tsvector('simple'::regconfig, search_text)) STORED")
SEARCH_INDEX = "CREATE INDEX ix_contact_search ON contact USING gin (search_vector)"


def _indexes(table):
    return {ix['name']: ix for ix in sa.inspect(op.get_bind()).get_indexes(table)}


def _predicate(index):
    """The WHERE clause of a partial index, without brackets, spaces or case."""
    options = index.get('dialect_options', {})
    where = options.get('postgresql_where') or options.get('sqlite_where')
    return re.sub(r'[()\s]', '', str(where)).lower() if where is not None else None


def _is_alive_sort(index):
    return (index is not None and index['column_names'] == ALIVE_SORT_COLUMNS
            and _predicate(index) == re.sub(r'\s', '', ALIVE).lower())


def _upgrade_search_vector():
    """PostgreSQL only: SQLite searches through the FTS5 table, which 0002 never changed."""
    if op.get_bind().dialect.name != 'postgresql':
        return
    columns = {c['name'] for c in sa.inspect(op.get_bind()).get_columns('contact')}
    search = _indexes('contact').get('ix_contact_search')
    if 'search_vector' not in columns:
        op.execute(SEARCH_VECTOR)
    if search is None or search['column_names'] != ['search_vector']:
        op.execute("DROP INDEX IF EXISTS ix_contact_search")
        op.execute(SEARCH_INDEX)


def upgrade():
    contact = _indexes('contact')
    if not _is_alive_sort(contact.get('ix_contact_alive_sort')):
        # Index operations only: batch mode does not rebuild the table (nor drop the FTS triggers).
        with op.batch_alter_table('contact', schema=None) as batch_op:
            if 'ix_contact_alive_sort' in contact:
                batch_op.drop_index('ix_contact_alive_sort')
            batch_op.create_index('ix_contact_alive_sort', ALIVE_SORT_COLUMNS, unique=False,
                                  sqlite_where=sa.text(ALIVE), postgresql_where=sa.text(ALIVE))
    _upgrade_search_vector()

    interaction = _indexes('interaction').get('ix_interaction_org_kind_at')
    if interaction is None or interaction['column_names'] != ORG_KIND_AT_COLUMNS:
        with op.batch_alter_table('interaction', schema=None) as batch_op:
            if interaction is not None:
                batch_op.drop_index('ix_interaction_org_kind_at')
            batch_op.create_index('ix_interaction_org_kind_at', ORG_KIND_AT_COLUMNS, unique=False)


def downgrade():
    # Nothing to undo: the current 0002 and 0003 create these objects, and their downgrades
    # drop them. Bringing back the first releases' indexes would only slow the lists down.
    pass
