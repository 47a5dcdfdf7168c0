"""Import batches of press releases keep the release text, read from its contact blocks.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 15:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_text', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.drop_column('source_text')
