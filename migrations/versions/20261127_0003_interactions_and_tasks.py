"""Interactions (several contacts each) and follow-up tasks with comments; the contact's
"last meaningful interaction" date and the user's task e-mail preference.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 07:55:30.494938

"""
import sqlalchemy as sa
from alembic import op

import crm.database

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('interaction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('call', 'email', 'meeting', 'interview', 'press_point', 'coverage', 'other', name='interaction_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('happened_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('outlet_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('visibility', sa.Enum('org', 'shared', name='interaction_visibility', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('coverage_url', sa.String(length=500), nullable=True),
    sa.Column('coverage_title', sa.String(length=300), nullable=True),
    sa.Column('coverage_medium', sa.Enum('print', 'web', 'radio', 'tv', name='medium', native_enum=False, create_constraint=True, length=10), nullable=True),
    sa.Column('covered_item', sa.String(length=300), nullable=True),
    sa.Column('created_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', crm.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deleted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['app_user.id'], name=op.f('fk_interaction_author_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['deleted_by_id'], ['app_user.id'], name=op.f('fk_interaction_deleted_by_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_interaction_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['outlet_id'], ['outlet.id'], name=op.f('fk_interaction_outlet_id_outlet'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interaction'))
    )
    with op.batch_alter_table('interaction', schema=None) as batch_op:
        batch_op.create_index('ix_interaction_at', ['happened_at'], unique=False)
        batch_op.create_index('ix_interaction_org_at', ['organisation_id', 'happened_at', 'kind', 'deleted_at'], unique=False)
        batch_op.create_index('ix_interaction_org_kind_at', ['organisation_id', 'kind', 'happened_at', 'deleted_at'], unique=False)
        batch_op.create_index('ix_interaction_outlet', ['outlet_id'], unique=False)

    op.create_table('interaction_contact',
    sa.Column('interaction_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_interaction_contact_contact_id_contact'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['interaction_id'], ['interaction.id'], name=op.f('fk_interaction_contact_interaction_id_interaction'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('interaction_id', 'contact_id', name=op.f('pk_interaction_contact'))
    )
    with op.batch_alter_table('interaction_contact', schema=None) as batch_op:
        batch_op.create_index('ix_interaction_contact_contact', ['contact_id', 'interaction_id'], unique=False)

    op.create_table('task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('priority', sa.Enum('low', 'normal', 'high', name='priority', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('status', sa.Enum('open', 'done', 'cancelled', name='task_status', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('outlet_id', sa.Integer(), nullable=True),
    sa.Column('interaction_id', sa.Integer(), nullable=True),
    sa.Column('created_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', crm.database.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['assignee_id'], ['app_user.id'], name=op.f('fk_task_assignee_id_app_user')),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_task_contact_id_contact'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_task_created_by_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['interaction_id'], ['interaction.id'], name=op.f('fk_task_interaction_id_interaction'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_task_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['outlet_id'], ['outlet.id'], name=op.f('fk_task_outlet_id_outlet'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task'))
    )
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.create_index('ix_task_assignee_status_due', ['assignee_id', 'status', 'due_on'], unique=False)
        batch_op.create_index('ix_task_contact', ['contact_id'], unique=False)
        batch_op.create_index('ix_task_organisation_status', ['organisation_id', 'status'], unique=False)
        batch_op.create_index('ix_task_status_due', ['status', 'due_on'], unique=False)

    op.create_table('task_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['app_user.id'], name=op.f('fk_task_comment_author_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_task_comment_task_id_task'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_comment'))
    )
    with op.batch_alter_table('task_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_comment_task_id'), ['task_id'], unique=False)

    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notify_tasks', sa.Boolean(), server_default=sa.true(), nullable=False))

    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_interaction_at', crm.database.UTCDateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_column('last_interaction_at')

    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_column('notify_tasks')

    with op.batch_alter_table('task_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_comment_task_id'))

    op.drop_table('task_comment')
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_index('ix_task_status_due')
        batch_op.drop_index('ix_task_organisation_status')
        batch_op.drop_index('ix_task_contact')
        batch_op.drop_index('ix_task_assignee_status_due')

    op.drop_table('task')
    with op.batch_alter_table('interaction_contact', schema=None) as batch_op:
        batch_op.drop_index('ix_interaction_contact_contact')

    op.drop_table('interaction_contact')
    with op.batch_alter_table('interaction', schema=None) as batch_op:
        batch_op.drop_index('ix_interaction_outlet')
        batch_op.drop_index('ix_interaction_org_kind_at')
        batch_op.drop_index('ix_interaction_org_at')
        batch_op.drop_index('ix_interaction_at')

    op.drop_table('interaction')
