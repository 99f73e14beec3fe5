"""The on-time rule of a report period ("before": before the deadline day begins; "through": until its end)

Revision ID: reports_0003
Revises: reports_0002
"""
from alembic import op
import sqlalchemy as sa

revision = 'reports_0003'
down_revision = 'reports_0002'
branch_labels = None
depends_on = None


def upgrade():
    # plain ADD COLUMN (no batch copy on SQLite: the table's children must not be cascaded away)
    op.add_column('reports_period', sa.Column('on_time_rule', sa.String(length=10), nullable=False,
                                              server_default='before'))


def downgrade():
    with op.batch_alter_table('reports_period') as batch_op:
        batch_op.drop_column('on_time_rule')
