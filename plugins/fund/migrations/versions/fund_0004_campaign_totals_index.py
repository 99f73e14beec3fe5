"""Day totals of campaigns indexed apart from the many rows of no campaign (campaign_id 0)

The plain index on campaign_id is one value (0) for most rows, so SQLite's planner scans the whole table for a
campaign's total; a partial index holds only the campaigns' rows.

Revision ID: fund_0004
Revises: fund_0003
"""
from alembic import op
import sqlalchemy as sa

revision = 'fund_0004'
down_revision = 'fund_0003'
branch_labels = None
depends_on = None


def upgrade():
    where = sa.text('campaign_id != 0')
    op.create_index('ix_fund_day_total_campaign', 'fund_day_total', ['campaign_id', 'side', 'amount'], unique=False,
                    sqlite_where=where, postgresql_where=where)


def downgrade():
    op.drop_index('ix_fund_day_total_campaign', table_name='fund_day_total')
