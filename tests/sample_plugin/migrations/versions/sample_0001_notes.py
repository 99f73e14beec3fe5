"""sample: notes

Revision ID: sample_0001
Revises: (base of the 'sample' branch)

"""
from alembic import op
import sqlalchemy as sa

revision = 'sample_0001'
down_revision = None
branch_labels = ('sample',)
depends_on = '0002'


def upgrade():
    op.create_table('sample_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sample_note'))
    )


def downgrade():
    op.drop_table('sample_note')
