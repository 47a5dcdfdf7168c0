"""Duplicate labels: each reviewer's verdict on a proposed pair ("same person" by a merge, or
"not the same"), with the agreement level of each field and no personal value, for the scans
to re-estimate their weights from.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 17:15:00.000000

"""
import sqlalchemy as sa
from alembic import op

import crm.database

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('duplicate_label',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('low_id', sa.Integer(), nullable=True),
    sa.Column('high_id', sa.Integer(), nullable=True),
    sa.Column('levels', sa.JSON(), nullable=False),
    sa.Column('verdict', sa.Enum('same', 'not_same', name='label_verdict', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('scan_id', sa.Integer(), nullable=True),
    sa.Column('merge_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['high_id'], ['contact.id'], name=op.f('fk_duplicate_label_high_id_contact'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['low_id'], ['contact.id'], name=op.f('fk_duplicate_label_low_id_contact'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['merge_id'], ['contact_merge.id'], name=op.f('fk_duplicate_label_merge_id_contact_merge'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_duplicate_label_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['app_user.id'], name=op.f('fk_duplicate_label_reviewer_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['scan_id'], ['duplicate_scan.id'], name=op.f('fk_duplicate_label_scan_id_duplicate_scan'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duplicate_label'))
    )
    with op.batch_alter_table('duplicate_label', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duplicate_label_high_id'), ['high_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_duplicate_label_low_id'), ['low_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_duplicate_label_merge_id'), ['merge_id'], unique=False)


def downgrade():
    with op.batch_alter_table('duplicate_label', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duplicate_label_merge_id'))
        batch_op.drop_index(batch_op.f('ix_duplicate_label_low_id'))
        batch_op.drop_index(batch_op.f('ix_duplicate_label_high_id'))

    op.drop_table('duplicate_label')
