"""Review documents (core), indicators and per-field aggregation (reports)

Revision ID: 0005
Revises: 0003  (0004 is the awards helper's; the lead chains them at merge)
"""
from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    # --- core: the movement review document -------------------------------------------------------------------
    op.create_table('portal_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('year_from', sa.Integer(), nullable=False),
    sa.Column('year_to', sa.Integer(), nullable=False),
    sa.Column('unit_kinds', sa.JSON(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('doc_date', sa.Date(), nullable=True),
    sa.Column('signer_title', sa.String(length=120), nullable=False),
    sa.Column('signer_name', sa.String(length=120), nullable=False),
    sa.Column('results', sa.Text(), nullable=False),
    sa.Column('limits', sa.Text(), nullable=False),
    sa.Column('lessons', sa.Text(), nullable=False),
    sa.Column('proposals', sa.Text(), nullable=False),
    sa.Column('drafted_at', sa.DateTime(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['portal_user.id'], name=op.f('fk_portal_review_created_by_portal_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_review'))
    )
    op.create_table('portal_review_section',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('narrative', sa.Text(), nullable=False),
    sa.Column('default_narrative', sa.Text(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('taken_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['portal_review.id'], name=op.f('fk_portal_review_section_review_id_portal_review'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_review_section')),
    sa.UniqueConstraint('review_id', 'source', 'key', name=op.f('uq_portal_review_section_review_id'))
    )
    op.create_index(op.f('ix_portal_review_section_review_id'), 'portal_review_section', ['review_id'], unique=False)

    # --- plugin reports: aggregation per field, indicators ------------------------------------------------------
    with op.batch_alter_table('reports_form_field') as batch:
        batch.add_column(sa.Column('aggregation', sa.String(length=12), server_default='sum', nullable=False))
        batch.add_column(sa.Column('unit_kinds', sa.JSON(), nullable=True))
    # Existing fields: numbers keep their sum, text and choices are counted, the rest is not aggregated;
    # every unit kind stays counted (as before) until the office narrows it in the form builder.
    op.execute("UPDATE reports_form_field SET aggregation = 'count' WHERE kind IN ('text', 'choice', 'multichoice')")
    op.execute("UPDATE reports_form_field SET aggregation = 'none' WHERE kind IN ('longtext', 'date', 'file')")
    op.execute("UPDATE reports_form_field SET unit_kinds = '[]'")
    with op.batch_alter_table('reports_form_field') as batch:
        batch.alter_column('unit_kinds', existing_type=sa.JSON(), nullable=False)
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
    with op.batch_alter_table('reports_form_field') as batch:
        batch.drop_column('unit_kinds')
        batch.drop_column('aggregation')
    op.drop_index(op.f('ix_portal_review_section_review_id'), table_name='portal_review_section')
    op.drop_table('portal_review_section')
    op.drop_table('portal_review')
