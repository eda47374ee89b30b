"""goal_cycles and goal_documents: cycle-plan goals the admin loads, and the goals
document each user's devices last received (issue 12)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.create_table(
        'goal_cycles',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('start_date', sa.Date(), nullable=False),
        sa.Column('end_date', sa.Date(), nullable=False),
        sa.Column('content', JSON, nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by', sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'goal_documents',
        sa.Column('username', sa.String(length=100), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('content', JSON, nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['username'], ['users.username']),
        sa.PrimaryKeyConstraint('username'),
    )


    _owners_in_the_feed()


# Plans and suggestion feedback now carry their owner in the change log (a manager's device
# holds the whole team's); the rows logged before get it too, so a manager's first sync
# attributes every record. Devices ignore the field where they have no column for it.
OWNED = (('visit_plan', 'visit_plans'), ('suggestion_feedback', 'suggestion_feedback'))


def _owners_in_the_feed() -> None:
    postgres = op.get_bind().dialect.name == 'postgresql'
    for entity, table in OWNED:
        if postgres:
            op.execute(
                f"UPDATE change_log AS c SET data = c.data || jsonb_build_object('owner', t.owner) "
                f"FROM {table} AS t WHERE c.entity = '{entity}' AND c.entity_id = t.id "
                "AND c.data IS NOT NULL"
            )
        else:
            op.execute(
                f"UPDATE change_log SET data = json_set(data, '$.owner', "
                f"(SELECT owner FROM {table} WHERE id = change_log.entity_id)) "
                f"WHERE entity = '{entity}' AND data IS NOT NULL "
                f"AND entity_id IN (SELECT id FROM {table})"
            )


def downgrade() -> None:
    op.drop_table('goal_documents')
    op.drop_table('goal_cycles')
