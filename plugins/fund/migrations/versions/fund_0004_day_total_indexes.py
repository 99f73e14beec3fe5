"""Day totals indexed for the reports: a covering index for a period's sums and a partial one for campaigns

A period's receipts by donor type and method and its spending by category read the index alone (no table row per
day total). The plain index on campaign_id is one value (0) for most rows, so SQLite's planner scanned the whole
table for a campaign's total; the partial index holds only the campaigns' rows.

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
    op.create_index('ix_fund_day_total_period', 'fund_day_total',
                    ['side', 'day', 'donor_type', 'method', 'category_id', 'entries', 'amount'], unique=False)


def downgrade():
    op.drop_index('ix_fund_day_total_period', table_name='fund_day_total')
    op.drop_index('ix_fund_day_total_campaign', table_name='fund_day_total')
