"""Mailing footer: the contact block a mailing ends with, and its text as it was chosen.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 18:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mailing', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_block_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('footer', sa.Text(), nullable=False, server_default=''))
        batch_op.create_foreign_key(batch_op.f('fk_mailing_contact_block_id_contact_block'),
                                    'contact_block', ['contact_block_id'], ['id'],
                                    ondelete='SET NULL')
    with op.batch_alter_table('mailing', schema=None) as batch_op:
        batch_op.alter_column('footer', server_default=None)


def downgrade():
    with op.batch_alter_table('mailing', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_mailing_contact_block_id_contact_block'),
                                 type_='foreignkey')
        batch_op.drop_column('footer')
        batch_op.drop_column('contact_block_id')
