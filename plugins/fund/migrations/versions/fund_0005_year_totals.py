"""Per fund year totals (side, donor type, method, category) kept with every entry, filled from the day totals

Revision ID: fund_0005
Revises: fund_0004
"""
from alembic import op
import sqlalchemy as sa

revision = 'fund_0005'
down_revision = 'fund_0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'fund_year_total',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('fund_year_id', sa.Integer(), nullable=False),
        sa.Column('side', sa.String(length=1), nullable=False),
        sa.Column('donor_type', sa.String(length=20), nullable=False),
        sa.Column('method', sa.String(length=10), nullable=False),
        sa.Column('category_id', sa.Integer(), nullable=False),
        sa.Column('entries', sa.Integer(), nullable=False),
        sa.Column('amount', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['fund_year_id'], ['fund_year.id'], name=op.f('fk_fund_year_total_fund_year_id_fund_year')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_year_total')),
        sa.UniqueConstraint('fund_year_id', 'side', 'donor_type', 'method', 'category_id', name='uq_fund_year_total_key'),
    )
    # existing data: the day totals already hold every entry
    op.execute(
        "INSERT INTO fund_year_total (fund_year_id, side, donor_type, method, category_id, entries, amount) "
        "SELECT fund_year_id, side, donor_type, method, category_id, SUM(entries), SUM(amount) "
        "FROM fund_day_total GROUP BY fund_year_id, side, donor_type, method, category_id"
    )


def downgrade():
    op.drop_table('fund_year_total')
