"""Mailing attachments: the files (PDF, PNG, JPEG) sent with every message of a mailing.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 20:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

import crm.database

# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'mailing_attachment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('mailing_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=120), nullable=False),
        sa.Column('content_type', sa.String(length=50), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', crm.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['mailing_id'], ['mailing.id'],
                                name=op.f('fk_mailing_attachment_mailing_id_mailing'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mailing_attachment')),
    )
    with op.batch_alter_table('mailing_attachment', schema=None) as batch_op:
        batch_op.create_index('ix_mailing_attachment_mailing', ['mailing_id'], unique=False)


def downgrade():
    with op.batch_alter_table('mailing_attachment', schema=None) as batch_op:
        batch_op.drop_index('ix_mailing_attachment_mailing')
    op.drop_table('mailing_attachment')
