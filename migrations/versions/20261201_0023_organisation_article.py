"""Organisations: the article their name takes in a French sentence ("de l'Agence…").

The three founding bodies take "la" (l'Agence…, la Région…, la Préfecture…); any other keeps
none until an admin chooses it.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-01 21:25:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

FOUNDING = ('AER BFC', 'Région BFC', 'Préfecture BFC')


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('article', sa.String(length=3), server_default='',
                                      nullable=False))
    organisation = sa.table('organisation', sa.column('short_name', sa.String),
                            sa.column('article', sa.String))
    op.execute(organisation.update().where(organisation.c.short_name.in_(FOUNDING))
               .values(article='la'))


def downgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('article')
