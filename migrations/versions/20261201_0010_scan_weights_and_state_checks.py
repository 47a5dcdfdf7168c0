"""Duplicate scans get the "weights" column where a database built by the first release of
0004 lacks it; scan states and suppression kinds become enum columns with CHECK constraints.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 15:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

SCAN_STATES = "'queued', 'running', 'done', 'failed'"
SUPPRESSION_KINDS = "'email', 'phone'"


def upgrade():
    # 0004 was edited after it had landed to add this column: only databases built since have it.
    columns = {c['name'] for c in sa.inspect(op.get_bind()).get_columns('duplicate_scan')}
    with op.batch_alter_table('duplicate_scan', schema=None) as batch_op:
        if 'weights' not in columns:
            batch_op.add_column(sa.Column('weights', sa.JSON(), nullable=True))
        batch_op.create_check_constraint(op.f('ck_duplicate_scan_scan_state'),
                                         f"state IN ({SCAN_STATES})")

    with op.batch_alter_table('suppression', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_suppression_suppression_kind'),
                                         f"kind IN ({SUPPRESSION_KINDS})")


def downgrade():
    # "weights" stays: the current 0004 creates it, and its downgrade drops the table.
    with op.batch_alter_table('suppression', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_suppression_suppression_kind'), type_='check')

    with op.batch_alter_table('duplicate_scan', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_duplicate_scan_scan_state'), type_='check')
