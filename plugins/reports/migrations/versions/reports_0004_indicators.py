"""Reports: aggregation per field (and which unit kinds it counts), indicators as data

Revision ID: reports_0004
Revises: reports_0003
"""
from alembic import op
import sqlalchemy as sa

revision = 'reports_0004'
down_revision = 'reports_0003'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN with defaults, not batch mode (SQLite would copy and drop the table).
    op.add_column('reports_form_field', sa.Column('aggregation', sa.String(length=12), server_default='sum', nullable=False))
    op.add_column('reports_form_field', sa.Column('unit_kinds', sa.JSON(), server_default=sa.text("'[]'"), nullable=False))
    # Existing fields: numbers keep their sum, text and choices are counted, the rest is not aggregated;
    # every unit kind stays counted (as before) until the office narrows it in the form builder.
    op.execute("UPDATE reports_form_field SET aggregation = 'count' WHERE kind IN ('text', 'choice', 'multichoice')")
    op.execute("UPDATE reports_form_field SET aggregation = 'none' WHERE kind IN ('longtext', 'date', 'file')")
    op.create_table('reports_indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('numerator', sa.String(length=255), nullable=False),
    sa.Column('denominator', sa.String(length=255), nullable=True),
    sa.Column('multiplier', sa.String(length=20), nullable=False),
    sa.Column('unit_label', sa.String(length=40), nullable=False),
    sa.Column('decimals', sa.Integer(), nullable=False),
    sa.Column('lower_is_better', sa.Boolean(), nullable=False),
    sa.Column('unit_kinds', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports_indicator')),
    sa.UniqueConstraint('code', name=op.f('uq_reports_indicator_code'))
    )




def downgrade():
    op.drop_table('reports_indicator')
    op.drop_column('reports_form_field', 'unit_kinds')
    op.drop_column('reports_form_field', 'aggregation')
