"""adverse_event_reports: possible adverse events reps report from their calls, the
safety queue behind `fieldrep-server ae-reports` (issue 13)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'adverse_event_reports',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('author', sa.String(length=100), nullable=False),
        sa.Column('hcp_id', sa.String(length=64), nullable=False),
        sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
        sa.Column('aware_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('deadline_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['author'], ['users.username']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_adverse_event_reports_author'), 'adverse_event_reports', ['author'])
    op.create_index(
        op.f('ix_adverse_event_reports_deadline_at'), 'adverse_event_reports', ['deadline_at']
    )


def downgrade() -> None:
    op.drop_index(op.f('ix_adverse_event_reports_deadline_at'), table_name='adverse_event_reports')
    op.drop_index(op.f('ix_adverse_event_reports_author'), table_name='adverse_event_reports')
    op.drop_table('adverse_event_reports')
