"""Integrity: forms that take effect once (idempotency keys)

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'portal_idempotency_key',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('endpoint', sa.String(length=120), nullable=False),
        sa.Column('status', sa.Integer(), nullable=True),
        sa.Column('location', sa.String(length=1000), nullable=True),
        sa.Column('body', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_portal_idempotency_key')),
    )
    op.create_index(op.f('ix_portal_idempotency_key_created_at'), 'portal_idempotency_key', ['created_at'])


def downgrade():
    op.drop_index(op.f('ix_portal_idempotency_key_created_at'), table_name='portal_idempotency_key')
    op.drop_table('portal_idempotency_key')
