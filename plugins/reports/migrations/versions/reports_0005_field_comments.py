"""Reports: the reviewer's comment per field when a report is returned

Revision ID: reports_0005
Revises: reports_0004
"""
from alembic import op
import sqlalchemy as sa

revision = 'reports_0005'
down_revision = 'reports_0004'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN with a default, not batch mode (reports_submission is referenced with ON DELETE CASCADE).
    op.add_column('reports_submission', sa.Column('field_comments', sa.JSON(), server_default=sa.text("'{}'"),
                                                  nullable=False))


def downgrade():
    op.drop_column('reports_submission', 'field_comments')
