"""Imports (staged batches and rows), contact blocks of press releases, organisation aliases,
duplicate pairs, merges and scans.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 08:29:07.939123

"""
import sqlalchemy as sa
from alembic import op

import crm.database

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('duplicate_scan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('started_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', crm.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('contacts', sa.Integer(), nullable=False),
    sa.Column('pairs', sa.Integer(), nullable=False),
    sa.Column('weights', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_duplicate_scan_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duplicate_scan'))
    )
    op.create_table('import_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('source_kind', sa.Enum('csv', 'xlsx', 'vcard', 'text', name='source_kind', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('status', sa.Enum('staged', 'queued', 'committed', 'undone', name='batch_status', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('mode', sa.Enum('skip', 'update', 'fill', name='import_mode', native_enum=False, create_constraint=True, length=10), nullable=True),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.Column('committed_at', crm.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('undone_at', crm.database.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_import_batch_created_by_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_import_batch_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_batch'))
    )
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_batch_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('contact_block',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('created_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], name=op.f('fk_contact_block_batch_id_import_batch'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_contact_block_created_by_id_app_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_block')),
    sa.UniqueConstraint('fingerprint', name=op.f('uq_contact_block_fingerprint'))
    )
    op.create_table('contact_merge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kept_id', sa.Integer(), nullable=False),
    sa.Column('merged_id', sa.Integer(), nullable=False),
    sa.Column('kept_before', sa.JSON(), nullable=False),
    sa.Column('kept_version', sa.Integer(), nullable=False),
    sa.Column('provenance', sa.JSON(), nullable=False),
    sa.Column('repointed', sa.JSON(), nullable=False),
    sa.Column('created_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('undone_at', crm.database.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_contact_merge_created_by_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['kept_id'], ['contact.id'], name=op.f('fk_contact_merge_kept_id_contact'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['merged_id'], ['contact.id'], name=op.f('fk_contact_merge_merged_id_contact'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_merge'))
    )
    with op.batch_alter_table('contact_merge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_merge_kept_id'), ['kept_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_merge_merged_id'), ['merged_id'], unique=False)

    op.create_table('duplicate_pair',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('low_id', sa.Integer(), nullable=False),
    sa.Column('high_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('certain', sa.Boolean(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('open', 'merged', 'not_same', name='pair_status', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('found_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', crm.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('low_id < high_id', name=op.f('ck_duplicate_pair_ordered')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['app_user.id'], name=op.f('fk_duplicate_pair_decided_by_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['high_id'], ['contact.id'], name=op.f('fk_duplicate_pair_high_id_contact'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['low_id'], ['contact.id'], name=op.f('fk_duplicate_pair_low_id_contact'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duplicate_pair')),
    sa.UniqueConstraint('low_id', 'high_id', name=op.f('uq_duplicate_pair_low_id_high_id'))
    )
    with op.batch_alter_table('duplicate_pair', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duplicate_pair_high_id'), ['high_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_duplicate_pair_low_id'), ['low_id'], unique=False)

    op.create_table('import_row',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('raw', sa.JSON(), nullable=False),
    sa.Column('values', sa.JSON(), nullable=False),
    sa.Column('errors', sa.JSON(), nullable=False),
    sa.Column('decision', sa.Enum('new', 'existing', 'repeated', 'invalid', name='row_decision', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('match_contact_id', sa.Integer(), nullable=True),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('outcome', sa.Enum('created', 'updated', 'skipped', 'rejected', name='row_outcome', native_enum=False, create_constraint=True, length=10), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('version_after', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], name=op.f('fk_import_row_batch_id_import_batch'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_import_row_contact_id_contact'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['match_contact_id'], ['contact.id'], name=op.f('fk_import_row_match_contact_id_contact'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_row')),
    sa.UniqueConstraint('batch_id', 'number', name=op.f('uq_import_row_batch_id_number'))
    )
    with op.batch_alter_table('import_row', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_row_contact_id'), ['contact_id'], unique=False)

    op.create_table('contact_block_section',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('block_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('heading', sa.String(length=200), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['block_id'], ['contact_block.id'], name=op.f('fk_contact_block_section_block_id_contact_block'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_contact_block_section_organisation_id_organisation'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_block_section')),
    sa.UniqueConstraint('block_id', 'position', name=op.f('uq_contact_block_section_block_id_position'))
    )
    op.create_table('contact_block_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_contact_block_entry_contact_id_contact'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['section_id'], ['contact_block_section.id'], name=op.f('fk_contact_block_entry_section_id_contact_block_section'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_block_entry')),
    sa.UniqueConstraint('section_id', 'position', name=op.f('uq_contact_block_entry_section_id_position'))
    )
    with op.batch_alter_table('contact_block_entry', schema=None) as batch_op:
        batch_op.create_index('ix_contact_block_entry_contact', ['contact_id'], unique=False)

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('aliases', sa.JSON(), server_default='[]', nullable=False))



def downgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('aliases')

    with op.batch_alter_table('contact_block_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_block_entry_contact')

    op.drop_table('contact_block_entry')
    op.drop_table('contact_block_section')
    with op.batch_alter_table('import_row', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_row_contact_id'))

    op.drop_table('import_row')
    with op.batch_alter_table('duplicate_pair', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duplicate_pair_low_id'))
        batch_op.drop_index(batch_op.f('ix_duplicate_pair_high_id'))

    op.drop_table('duplicate_pair')
    with op.batch_alter_table('contact_merge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_merge_merged_id'))
        batch_op.drop_index(batch_op.f('ix_contact_merge_kept_id'))

    op.drop_table('contact_merge')
    op.drop_table('contact_block')
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_batch_organisation_id'))

    op.drop_table('import_batch')
    op.drop_table('duplicate_scan')
