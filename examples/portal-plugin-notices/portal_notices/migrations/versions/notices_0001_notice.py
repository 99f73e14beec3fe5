"""notices: the notice table

Revision ID: notices_0001
Revises: (base of the 'notices' branch; depends on the core's 0002)

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'notices_0001'
down_revision = None
branch_labels = ('notices',)
depends_on = '0002'  # the core revision this plugin needs (portal_user)


def upgrade():
    op.create_table('notices_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('pinned', sa.Boolean(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['portal_user.id'], name=op.f('fk_notices_notice_author_id_portal_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notices_notice'))
    )
    with op.batch_alter_table('notices_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notices_notice_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('notices_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notices_notice_created_at'))
    op.drop_table('notices_notice')
