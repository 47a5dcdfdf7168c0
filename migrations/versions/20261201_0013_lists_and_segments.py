"""Mailing lists: static lists of contacts and saved segments (a stored contact-list filter).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 16:42:13.450601

"""
import sqlalchemy as sa
from alembic import op

import crm.database

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('contact_list',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('static', 'segment', name='list_kind', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('visibility', sa.Enum('shared', 'private', name='list_visibility', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind = 'segment' OR criteria IS NULL", name=op.f('ck_contact_list_static_has_no_criteria')),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_contact_list_created_by_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_contact_list_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_list'))
    )
    with op.batch_alter_table('contact_list', schema=None) as batch_op:
        batch_op.create_index('ix_contact_list_organisation', ['organisation_id'], unique=False)

    op.create_table('list_member',
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_list_member_contact_id_contact'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['list_id'], ['contact_list.id'], name=op.f('fk_list_member_list_id_contact_list'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('list_id', 'contact_id', name=op.f('pk_list_member'))
    )
    with op.batch_alter_table('list_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_list_member_contact_id'), ['contact_id'], unique=False)



def downgrade():
    with op.batch_alter_table('list_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_list_member_contact_id'))

    op.drop_table('list_member')
    with op.batch_alter_table('contact_list', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_list_organisation')

    op.drop_table('contact_list')
