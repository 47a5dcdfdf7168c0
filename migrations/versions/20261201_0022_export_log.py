"""Exports: the log of each export (who, when, source, format, columns, rows, left out).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01 20:50:00.000000

"""
import sqlalchemy as sa
from alembic import op

import crm.database

# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('export_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('created_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('source', sa.Enum('list', 'segment', 'search', 'selection', name='export_source', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('list_id', sa.Integer(), nullable=True),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('format', sa.Enum('csv', 'xlsx', 'vcard', name='export_format', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('columns', sa.JSON(), nullable=False),
    sa.Column('is_mailing_list', sa.Boolean(), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('left_out_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['list_id'], ['contact_list.id'], name=op.f('fk_export_record_list_id_contact_list'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_export_record_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_export_record_user_id_app_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_record'))
    )
    with op.batch_alter_table('export_record', schema=None) as batch_op:
        batch_op.create_index('ix_export_record_created_at', ['created_at'], unique=False)
        batch_op.create_index('ix_export_record_user_created', ['user_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_export_record_organisation_id'), ['organisation_id'], unique=False)


def downgrade():
    with op.batch_alter_table('export_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_export_record_organisation_id'))
        batch_op.drop_index('ix_export_record_user_created')
        batch_op.drop_index('ix_export_record_created_at')

    op.drop_table('export_record')
