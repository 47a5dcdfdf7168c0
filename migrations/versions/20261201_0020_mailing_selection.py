"""Mailings to a selection: the contacts chosen one by one on the contact list.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 20:50:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'mailing_contact',
        sa.Column('mailing_id', sa.Integer(), nullable=False),
        sa.Column('contact_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['contact_id'], ['contact.id'],
                                name=op.f('fk_mailing_contact_contact_id_contact'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['mailing_id'], ['mailing.id'],
                                name=op.f('fk_mailing_contact_mailing_id_mailing'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('mailing_id', 'contact_id', name=op.f('pk_mailing_contact')),
    )
    with op.batch_alter_table('mailing_contact', schema=None) as batch_op:
        batch_op.create_index('ix_mailing_contact_contact', ['contact_id'], unique=False)


def downgrade():
    with op.batch_alter_table('mailing_contact', schema=None) as batch_op:
        batch_op.drop_index('ix_mailing_contact_contact')
    op.drop_table('mailing_contact')
