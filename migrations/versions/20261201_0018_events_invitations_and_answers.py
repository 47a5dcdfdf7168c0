"""Events: organiser bodies, sessions with their capacity (seats taken never above it), the
invitation mailings, one invitation per contact and event with its hashed RSVP link and press
details, the crew, and one answer per invitation and session (waitlist, offers, check-in).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 20:22:54.165180

"""
import sqlalchemy as sa
from alembic import op

import crm.database

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('venue', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('status', sa.Enum('draft', 'open', 'closed', 'past', name='event_status', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('visibility', sa.Enum('shared', 'private', name='event_visibility', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_event_created_by_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_event_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event'))
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index('ix_event_organisation', ['organisation_id'], unique=False)

    op.create_table('event_organiser',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_organiser_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_event_organiser_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'organisation_id', name=op.f('pk_event_organiser'))
    )
    with op.batch_alter_table('event_organiser', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_organiser_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('event_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('starts_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('room', sa.String(length=200), nullable=False),
    sa.Column('audience', sa.Enum('press', 'public', name='session_audience', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('seats_taken', sa.Integer(), nullable=False),
    sa.Column('ics_sequence', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=100), nullable=False),
    sa.CheckConstraint('capacity IS NULL OR capacity >= 0', name=op.f('ck_event_session_capacity_positive')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_event_session_ends_after_start')),
    sa.CheckConstraint('seats_taken >= 0 AND (capacity IS NULL OR seats_taken <= capacity)', name=op.f('ck_event_session_within_capacity')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_session_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_session')),
    sa.UniqueConstraint('uid', name=op.f('uq_event_session_uid'))
    )
    with op.batch_alter_table('event_session', schema=None) as batch_op:
        batch_op.create_index('ix_event_session_event', ['event_id', 'starts_at'], unique=False)

    op.create_table('event_mailing',
    sa.Column('mailing_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('created_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_mailing_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mailing_id'], ['mailing.id'], name=op.f('fk_event_mailing_mailing_id_mailing'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('mailing_id', name=op.f('pk_event_mailing'))
    )
    with op.batch_alter_table('event_mailing', schema=None) as batch_op:
        batch_op.create_index('ix_event_mailing_event', ['event_id'], unique=False)

    op.create_table('invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('mailing_id', sa.Integer(), nullable=True),
    sa.Column('delivery_id', sa.Integer(), nullable=True),
    sa.Column('token_salt', sa.String(length=32), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('expires_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('answered_at', crm.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('outlet_name', sa.String(length=200), nullable=False),
    sa.Column('press_card', sa.String(length=50), nullable=False),
    sa.Column('equipment_needs', sa.Text(), nullable=False),
    sa.Column('accessibility_needs', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_invitation_contact_id_contact'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['delivery_id'], ['delivery.id'], name=op.f('fk_invitation_delivery_id_delivery'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_invitation_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['app_user.id'], name=op.f('fk_invitation_invited_by_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['mailing_id'], ['mailing.id'], name=op.f('fk_invitation_mailing_id_mailing'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_invitation_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation')),
    sa.UniqueConstraint('event_id', 'contact_id', name=op.f('uq_invitation_event_id_contact_id')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invitation_token_hash')),
    sa.UniqueConstraint('token_salt', name=op.f('uq_invitation_token_salt'))
    )
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.create_index('ix_invitation_contact', ['contact_id'], unique=False)

    op.create_table('event_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invitation_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'accepted', 'declined', 'waitlisted', 'offered', 'cancelled', name='response_status', native_enum=False, create_constraint=True, length=12), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('answered_at', crm.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('waitlisted_at', crm.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('promoted_at', crm.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('offer_expires_at', crm.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('checked_in_at', crm.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('checked_in_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('seats >= 1', name=op.f('ck_event_response_seats_positive')),
    sa.ForeignKeyConstraint(['checked_in_by_id'], ['app_user.id'], name=op.f('fk_event_response_checked_in_by_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitation.id'], name=op.f('fk_event_response_invitation_id_invitation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['event_session.id'], name=op.f('fk_event_response_session_id_event_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_response')),
    sa.UniqueConstraint('invitation_id', 'session_id', name=op.f('uq_event_response_invitation_id_session_id'))
    )
    with op.batch_alter_table('event_response', schema=None) as batch_op:
        batch_op.create_index('ix_event_response_session_status', ['session_id', 'status', 'waitlisted_at'], unique=False)

    op.create_table('invitation_crew',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invitation_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('writer', 'photographer', 'camera', 'technician', name='crew_role', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitation.id'], name=op.f('fk_invitation_crew_invitation_id_invitation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation_crew'))
    )
    with op.batch_alter_table('invitation_crew', schema=None) as batch_op:
        batch_op.create_index('ix_invitation_crew_invitation', ['invitation_id', 'position'], unique=False)



def downgrade():
    with op.batch_alter_table('invitation_crew', schema=None) as batch_op:
        batch_op.drop_index('ix_invitation_crew_invitation')

    op.drop_table('invitation_crew')
    with op.batch_alter_table('event_response', schema=None) as batch_op:
        batch_op.drop_index('ix_event_response_session_status')

    op.drop_table('event_response')
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index('ix_invitation_contact')

    op.drop_table('invitation')
    with op.batch_alter_table('event_mailing', schema=None) as batch_op:
        batch_op.drop_index('ix_event_mailing_event')

    op.drop_table('event_mailing')
    with op.batch_alter_table('event_session', schema=None) as batch_op:
        batch_op.drop_index('ix_event_session_event')

    op.drop_table('event_session')
    with op.batch_alter_table('event_organiser', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_organiser_organisation_id'))

    op.drop_table('event_organiser')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index('ix_event_organisation')

    op.drop_table('event')
