"""devices.resume_cursor / resume_since / resume_pruned_through: the cursor a device was
last handed mid-pull (and the one it asked with), so a first sync after `prune` can page
on (issue 10)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resume_cursor', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('resume_since', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('resume_pruned_through', sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.drop_column('resume_pruned_through')
        batch_op.drop_column('resume_since')
        batch_op.drop_column('resume_cursor')
