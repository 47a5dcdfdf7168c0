"""Event reminders: one row per invitation and kind (accepted, not answered), claimed by its
insert so that the worker never sends the same reminder twice.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-01 21:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

import crm.database

# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('event_reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invitation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('accepted', 'no_answer', name='reminder_kind', native_enum=False, length=10, create_constraint=True), nullable=False),
    sa.Column('queued_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=True),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitation.id'], name=op.f('fk_event_reminder_invitation_id_invitation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_reminder')),
    sa.UniqueConstraint('invitation_id', 'kind', name=op.f('uq_event_reminder_invitation_id_kind'))
    )


def downgrade():
    op.drop_table('event_reminder')
