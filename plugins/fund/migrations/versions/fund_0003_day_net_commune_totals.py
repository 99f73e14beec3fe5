"""Per-day net amounts and per-commune totals kept with every entry (filled from existing data); day totals indexed by campaign

Revision ID: fund_0003
Revises: fund_0002
"""
from alembic import op
import sqlalchemy as sa

revision = 'fund_0003'
down_revision = 'fund_0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'fund_day_net',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('fund_year_id', sa.Integer(), nullable=False),
        sa.Column('received', sa.BigInteger(), nullable=False),
        sa.Column('spent', sa.BigInteger(), nullable=False),
        sa.Column('receipt_lines', sa.Integer(), nullable=False),
        sa.Column('payment_lines', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['fund_year_id'], ['fund_year.id'], name=op.f('fk_fund_day_net_fund_year_id_fund_year')),
        sa.PrimaryKeyConstraint('day', name=op.f('pk_fund_day_net')),
    )
    op.create_index(op.f('ix_fund_day_net_fund_year_id'), 'fund_day_net', ['fund_year_id'], unique=False)
    op.create_table(
        'fund_commune_total',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('fund_year_id', sa.Integer(), nullable=False),
        sa.Column('commune_id', sa.Integer(), nullable=False),
        sa.Column('category_id', sa.Integer(), nullable=False),
        sa.Column('entries', sa.Integer(), nullable=False),
        sa.Column('amount', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['fund_year_id'], ['fund_year.id'],
                                name=op.f('fk_fund_commune_total_fund_year_id_fund_year')),
        sa.ForeignKeyConstraint(['commune_id'], ['directory_unit.id'],
                                name=op.f('fk_fund_commune_total_commune_id_directory_unit')),
        sa.ForeignKeyConstraint(['category_id'], ['fund_category.id'],
                                name=op.f('fk_fund_commune_total_category_id_fund_category')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_commune_total')),
        sa.UniqueConstraint('fund_year_id', 'commune_id', 'category_id', name='uq_fund_commune_total_key'),
    )
    op.create_index(op.f('ix_fund_day_total_campaign_id'), 'fund_day_total', ['campaign_id'], unique=False)  # campaign sums
    # existing data: the day totals are already kept per day; the commune totals come from the paid entries
    op.execute(
        "INSERT INTO fund_day_net (day, fund_year_id, received, spent, receipt_lines, payment_lines) "
        "SELECT day, MIN(fund_year_id), "
        "SUM(CASE WHEN side = 'R' THEN amount ELSE 0 END), SUM(CASE WHEN side = 'C' THEN amount ELSE 0 END), "
        "SUM(CASE WHEN side = 'R' THEN lines ELSE 0 END), SUM(CASE WHEN side = 'C' THEN lines ELSE 0 END) "
        "FROM fund_day_total GROUP BY day"
    )
    op.execute(
        "INSERT INTO fund_commune_total (fund_year_id, commune_id, category_id, entries, amount) "
        "SELECT fund_year_id, commune_id, category_id, SUM(CASE WHEN amount > 0 THEN 1 ELSE -1 END), SUM(amount) "
        "FROM fund_disbursement WHERE state = 'paid' GROUP BY fund_year_id, commune_id, category_id"
    )


def downgrade():
    op.drop_index(op.f('ix_fund_day_total_campaign_id'), table_name='fund_day_total')
    op.drop_table('fund_commune_total')
    op.drop_index(op.f('ix_fund_day_net_fund_year_id'), table_name='fund_day_net')
    op.drop_table('fund_day_net')
