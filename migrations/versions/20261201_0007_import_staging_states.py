"""Import batches read by the worker: the states "staging" and "failed".

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 14:05:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

BEFORE = "'staged', 'queued', 'committed', 'undone'"
AFTER = "'staging', 'failed', 'staged', 'queued', 'committed', 'undone'"


def upgrade():
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_import_batch_batch_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_import_batch_batch_status'),
                                         f"status IN ({AFTER})")


def downgrade():
    op.execute("DELETE FROM import_batch WHERE status IN ('staging', 'failed')")
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_import_batch_batch_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_import_batch_batch_status'),
                                         f"status IN ({BEFORE})")
