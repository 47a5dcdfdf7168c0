"""Contacts and outlets, with the contact search index of each database.

The search index covers ``contact.search_text``, a folded text (no accents, lower case,
words only) that the services maintain. SQLite: an external-content FTS5 table kept in step
by triggers. PostgreSQL: a GIN index on ``to_tsvector('simple', search_text)``; the text is
already folded in Python, so neither ``unaccent`` nor a stemming configuration is needed and
both databases match the same word prefixes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 07:37:54.211458

"""
import sqlalchemy as sa
from alembic import op

import crm.database

# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('civility', sa.Enum('none', 'mr', 'mrs', name='civility', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('sort_key', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('journalist', 'press_officer', 'elected', 'other', name='contact_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('job_title', sa.String(length=200), nullable=True),
    sa.Column('area', sa.String(length=10), nullable=True),
    sa.Column('social_links', sa.JSON(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('visibility', sa.Enum('shared', 'private', name='visibility', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('legal_basis', sa.Enum('legitimate_interest', 'consent', 'public_task', name='legal_basis', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('information_sent_at', crm.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('is_opted_out', sa.Boolean(), nullable=False),
    sa.Column('is_email_bounced', sa.Boolean(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', crm.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deleted_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("area IS NULL OR area IN ('21', '25', '39', '58', '70', '71', '89', '90', 'national')", name=op.f('ck_contact_area_known')),
    sa.CheckConstraint('length(source) > 0', name=op.f('ck_contact_source_required')),
    sa.ForeignKeyConstraint(['deleted_by_id'], ['app_user.id'], name=op.f('fk_contact_deleted_by_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_contact_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact'))
    )
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.create_index('ix_contact_alive_sort', ['sort_key', 'id', 'visibility', 'organisation_id'], unique=False, sqlite_where=sa.text('deleted_at IS NULL'), postgresql_where=sa.text('deleted_at IS NULL'))
        batch_op.create_index('ix_contact_name_key', ['name_key'], unique=False)
        batch_op.create_index('ix_contact_organisation_id', ['organisation_id'], unique=False)

    op.create_table('outlet',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('aliases', sa.JSON(), nullable=False),
    sa.Column('search_text', sa.String(length=2000), nullable=False),
    sa.Column('kind', sa.Enum('pqr', 'weekly', 'magazine', 'radio', 'tv', 'web', 'agency', name='outlet_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('coverage_area', sa.String(length=200), nullable=True),
    sa.Column('website', sa.String(length=500), nullable=True),
    sa.Column('newsroom_email', sa.String(length=254), nullable=True),
    sa.Column('switchboard_phone', sa.String(length=20), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', crm.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deleted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['deleted_by_id'], ['app_user.id'], name=op.f('fk_outlet_deleted_by_id_app_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outlet'))
    )
    with op.batch_alter_table('outlet', schema=None) as batch_op:
        batch_op.create_index('ix_outlet_alive_name', ['deleted_at', 'name_key'], unique=False)

    op.create_table('contact_beat',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_contact_beat_contact_id_contact'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_beat')),
    sa.UniqueConstraint('contact_id', 'key', name=op.f('uq_contact_beat_contact_id_key'))
    )
    with op.batch_alter_table('contact_beat', schema=None) as batch_op:
        batch_op.create_index('ix_contact_beat_key', ['key'], unique=False)

    op.create_table('contact_email',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('is_primary', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_contact_email_contact_id_contact'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_email')),
    sa.UniqueConstraint('contact_id', 'email', name=op.f('uq_contact_email_contact_id_email'))
    )
    with op.batch_alter_table('contact_email', schema=None) as batch_op:
        batch_op.create_index('ix_contact_email_email', ['email'], unique=False)

    op.create_table('contact_opt_out',
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('created_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_contact_opt_out_contact_id_contact'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_contact_opt_out_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('contact_id', 'organisation_id', name=op.f('pk_contact_opt_out'))
    )
    op.create_table('contact_outlet',
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('outlet_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_contact_outlet_contact_id_contact'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outlet_id'], ['outlet.id'], name=op.f('fk_contact_outlet_outlet_id_outlet'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('contact_id', 'outlet_id', name=op.f('pk_contact_outlet'))
    )
    with op.batch_alter_table('contact_outlet', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_outlet_outlet_id'), ['outlet_id'], unique=False)

    op.create_table('contact_phone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('e164', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.Enum('mobile', 'landline', 'switchboard', name='phone_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('is_primary', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_contact_phone_contact_id_contact'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_phone')),
    sa.UniqueConstraint('contact_id', 'e164', name=op.f('uq_contact_phone_contact_id_e164'))
    )
    with op.batch_alter_table('contact_phone', schema=None) as batch_op:
        batch_op.create_index('ix_contact_phone_e164', ['e164'], unique=False)

    _create_search_index()


SQLITE_SEARCH = [
    """CREATE VIRTUAL TABLE contact_fts USING fts5(
        search_text, content='contact', content_rowid='id',
        tokenize="unicode61 remove_diacritics 2")""",
    """CREATE TRIGGER contact_fts_insert AFTER INSERT ON contact BEGIN
        INSERT INTO contact_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    """CREATE TRIGGER contact_fts_delete AFTER DELETE ON contact BEGIN
        INSERT INTO contact_fts(contact_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
    END""",
    """CREATE TRIGGER contact_fts_update AFTER UPDATE OF search_text ON contact BEGIN
        INSERT INTO contact_fts(contact_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO contact_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
]
SQLITE_SEARCH_DROP = [
    "DROP TRIGGER IF EXISTS contact_fts_update",
    "DROP TRIGGER IF EXISTS contact_fts_delete",
    "DROP TRIGGER IF EXISTS contact_fts_insert",
    "DROP TABLE IF EXISTS contact_fts",
]
POSTGRES_SEARCH = [
    "CREATE INDEX ix_contact_search ON contact "
    "USING gin (to_tsvector('simple'::regconfig, search_text))",
]
POSTGRES_SEARCH_DROP = ["DROP INDEX IF EXISTS ix_contact_search"]


def _create_search_index():
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_SEARCH, "postgresql": POSTGRES_SEARCH}.get(dialect, []):
        op.execute(statement)


def _drop_search_index():
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_SEARCH_DROP,
                      "postgresql": POSTGRES_SEARCH_DROP}.get(dialect, []):
        op.execute(statement)


def downgrade():
    _drop_search_index()
    with op.batch_alter_table('contact_phone', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_phone_e164')

    op.drop_table('contact_phone')
    with op.batch_alter_table('contact_outlet', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_outlet_outlet_id'))

    op.drop_table('contact_outlet')
    op.drop_table('contact_opt_out')
    with op.batch_alter_table('contact_email', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_email_email')

    op.drop_table('contact_email')
    with op.batch_alter_table('contact_beat', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_beat_key')

    op.drop_table('contact_beat')
    with op.batch_alter_table('outlet', schema=None) as batch_op:
        batch_op.drop_index('ix_outlet_alive_name')

    op.drop_table('outlet')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_organisation_id')
        batch_op.drop_index('ix_contact_name_key')
        batch_op.drop_index('ix_contact_alive_sort')

    op.drop_table('contact')
