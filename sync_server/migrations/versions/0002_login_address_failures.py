"""login_address_failures: the per-client-address failed-login limit

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('login_address_failures',
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_start', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('address')
    )
    with op.batch_alter_table('login_address_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_address_failures_window_start'), ['window_start'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('login_address_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_address_failures_window_start'))
    op.drop_table('login_address_failures')
