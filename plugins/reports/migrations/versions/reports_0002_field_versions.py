"""Per-field versions of report values (a save names the version it was based on)

Revision ID: reports_0002
Revises: reports_0001
"""
from alembic import op
import sqlalchemy as sa

revision = 'reports_0002'
down_revision = 'reports_0001'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN, not batch mode: on SQLite batch mode copies and drops the table, and with foreign keys on
    # that drop would cascade to the report's revisions and events.
    op.add_column('reports_submission',
                  sa.Column('versions', sa.JSON(), nullable=False, server_default=sa.text("'{}'")))


def downgrade():
    op.drop_column('reports_submission', 'versions')
