"""The donor's address, printed on the receipt

Revision ID: fund_0002
Revises: fund_0001
"""
from alembic import op
import sqlalchemy as sa

revision = 'fund_0002'
down_revision = 'fund_0001'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('fund_contribution', sa.Column('donor_address', sa.String(length=300), nullable=True))


def downgrade():
    with op.batch_alter_table('fund_contribution') as batch_op:
        batch_op.drop_column('donor_address')
