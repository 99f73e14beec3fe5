"""Review documents of the movement (báo cáo sơ kết / tổng kết), drafted from every plugin's sections

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
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



def downgrade():
    op.drop_index(op.f('ix_portal_review_section_review_id'), table_name='portal_review_section')
    op.drop_table('portal_review_section')
    op.drop_table('portal_review')
