"""Interactions keep the one-time token of the form that logged them: a second submission
of the same form finds it and stores nothing.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 14:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('interaction', schema=None) as batch_op:
        batch_op.add_column(sa.Column('form_token', sa.String(length=36), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_interaction_form_token'),
                                          ['form_token'])


def downgrade():
    with op.batch_alter_table('interaction', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_interaction_form_token'), type_='unique')
        batch_op.drop_column('form_token')
