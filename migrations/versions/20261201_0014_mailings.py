"""Mailings: sender bodies, lists, one delivery row per recipient (the outbox and the send
log) and the contacts each sent mailing left out, with the reason.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 17:05:08.699414

"""
import sqlalchemy as sa
from alembic import op

import crm.database

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mailing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'queued', 'sending', 'done', name='mailing_status', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('queued_at', crm.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('started_at', crm.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', crm.database.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_mailing_created_by_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_mailing_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['sent_by_id'], ['app_user.id'], name=op.f('fk_mailing_sent_by_id_app_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mailing'))
    )
    with op.batch_alter_table('mailing', schema=None) as batch_op:
        batch_op.create_index('ix_mailing_organisation_status', ['organisation_id', 'status'], unique=False)
        batch_op.create_index('ix_mailing_status', ['status'], unique=False)

    op.create_table('delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mailing_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('civility', sa.String(length=10), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('outlet', sa.String(length=200), nullable=False),
    sa.Column('with_notice', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'sending', 'sent', 'failed', 'bounced', 'uncertain', name='delivery_status', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('message_id', sa.String(length=255), nullable=False),
    sa.Column('unsubscribe_hash', sa.String(length=64), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', crm.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_at', crm.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('smtp_code', sa.Integer(), nullable=True),
    sa.Column('error', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_delivery_contact_id_contact'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['mailing_id'], ['mailing.id'], name=op.f('fk_delivery_mailing_id_mailing'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery')),
    sa.UniqueConstraint('mailing_id', 'email', name=op.f('uq_delivery_mailing_id_email')),
    sa.UniqueConstraint('message_id', name=op.f('uq_delivery_message_id')),
    sa.UniqueConstraint('unsubscribe_hash', name=op.f('uq_delivery_unsubscribe_hash'))
    )
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.create_index('ix_delivery_contact', ['contact_id'], unique=False)
        batch_op.create_index('ix_delivery_mailing_status', ['mailing_id', 'status', 'next_attempt_at'], unique=False)

    op.create_table('mailing_exclusion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mailing_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.Enum('suppressed', 'opted_out', 'sender_opt_out', 'bounced', 'no_email', 'deleted', 'duplicate', name='exclusion_reason', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_mailing_exclusion_contact_id_contact'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['mailing_id'], ['mailing.id'], name=op.f('fk_mailing_exclusion_mailing_id_mailing'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mailing_exclusion'))
    )
    with op.batch_alter_table('mailing_exclusion', schema=None) as batch_op:
        batch_op.create_index('ix_mailing_exclusion_mailing', ['mailing_id'], unique=False)

    op.create_table('mailing_list',
    sa.Column('mailing_id', sa.Integer(), nullable=False),
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['list_id'], ['contact_list.id'], name=op.f('fk_mailing_list_list_id_contact_list'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mailing_id'], ['mailing.id'], name=op.f('fk_mailing_list_mailing_id_mailing'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('mailing_id', 'list_id', name=op.f('pk_mailing_list'))
    )
    op.create_table('mailing_sender',
    sa.Column('mailing_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['mailing_id'], ['mailing.id'], name=op.f('fk_mailing_sender_mailing_id_mailing'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_mailing_sender_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('mailing_id', 'organisation_id', name=op.f('pk_mailing_sender'))
    )


def downgrade():
    op.drop_table('mailing_sender')
    op.drop_table('mailing_list')
    with op.batch_alter_table('mailing_exclusion', schema=None) as batch_op:
        batch_op.drop_index('ix_mailing_exclusion_mailing')

    op.drop_table('mailing_exclusion')
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_index('ix_delivery_mailing_status')
        batch_op.drop_index('ix_delivery_contact')

    op.drop_table('delivery')
    with op.batch_alter_table('mailing', schema=None) as batch_op:
        batch_op.drop_index('ix_mailing_status')
        batch_op.drop_index('ix_mailing_organisation_status')

    op.drop_table('mailing')
