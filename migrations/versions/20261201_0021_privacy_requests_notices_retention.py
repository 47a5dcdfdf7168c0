"""Privacy: the log of the persons' requests, each body's information notice, and the
decisions to keep a contact past the retention period.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 20:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

import crm.database

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('privacy_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('legal_basis', sa.Enum('legitimate_interest', 'consent', 'public_task', name='notice_legal_basis', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('controller', sa.Text(), nullable=False),
    sa.Column('dpo_contact', sa.Text(), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('retention', sa.Text(), nullable=False),
    sa.Column('rights', sa.Text(), nullable=False),
    sa.Column('complaint', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_privacy_notice_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['app_user.id'], name=op.f('fk_privacy_notice_updated_by_id_app_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_notice')),
    sa.UniqueConstraint('organisation_id', name=op.f('uq_privacy_notice_organisation_id'))
    )
    op.create_table('privacy_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('access', 'rectify', 'erase', 'object', name='privacy_request_kind', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('status', sa.Enum('open', 'answered', name='privacy_request_status', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('requester', sa.String(length=300), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['answered_by_id'], ['app_user.id'], name=op.f('fk_privacy_request_answered_by_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_privacy_request_contact_id_contact'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_privacy_request_created_by_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_privacy_request_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_request'))
    )
    with op.batch_alter_table('privacy_request', schema=None) as batch_op:
        batch_op.create_index('ix_privacy_request_contact', ['contact_id'], unique=False)
        batch_op.create_index('ix_privacy_request_org_status', ['organisation_id', 'status'], unique=False)

    op.create_table('retention_keep',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('until', sa.Date(), nullable=False),
    sa.Column('kept_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_retention_keep_contact_id_contact'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['kept_by_id'], ['app_user.id'], name=op.f('fk_retention_keep_kept_by_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_retention_keep_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_keep'))
    )
    with op.batch_alter_table('retention_keep', schema=None) as batch_op:
        batch_op.create_index('ix_retention_keep_contact_until', ['contact_id', 'until'], unique=False)



def downgrade():
    with op.batch_alter_table('retention_keep', schema=None) as batch_op:
        batch_op.drop_index('ix_retention_keep_contact_until')

    op.drop_table('retention_keep')
    with op.batch_alter_table('privacy_request', schema=None) as batch_op:
        batch_op.drop_index('ix_privacy_request_org_status')
        batch_op.drop_index('ix_privacy_request_contact')

    op.drop_table('privacy_request')
    op.drop_table('privacy_notice')
