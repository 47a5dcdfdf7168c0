"""Duplicate pairs name the scan that proposed them (hidden until it is done, as a scan now
stores its pairs in short transactions), and the review queue gets an index in its order.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 17:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('duplicate_pair', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scan_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_duplicate_pair_scan_id_duplicate_scan'),
                                    'duplicate_scan', ['scan_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index('ix_duplicate_pair_queue', ['status', 'certain', 'score'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('duplicate_pair', schema=None) as batch_op:
        batch_op.drop_index('ix_duplicate_pair_queue')
        batch_op.drop_constraint(batch_op.f('fk_duplicate_pair_scan_id_duplicate_scan'),
                                 type_='foreignkey')
        batch_op.drop_column('scan_id')
