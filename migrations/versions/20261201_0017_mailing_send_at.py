"""Mailings sent later: the time a scheduled draft is to be queued by the worker.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 18:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

import crm.database

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mailing', schema=None) as batch_op:
        batch_op.add_column(sa.Column('send_at', crm.database.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('mailing', schema=None) as batch_op:
        batch_op.drop_column('send_at')
