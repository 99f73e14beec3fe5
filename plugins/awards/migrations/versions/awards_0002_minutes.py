"""Vote-count minutes: the counting board's members, the meeting place and the council's committee

Revision ID: awards_0002
Revises: awards_0001
"""
from alembic import op
import sqlalchemy as sa

revision = 'awards_0002'
down_revision = 'awards_0001'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('awards_session', sa.Column('counting_members', sa.Text(), nullable=False, server_default=''))
    op.add_column('awards_session', sa.Column('place', sa.String(length=200), nullable=False, server_default=''))
    # a plain ADD COLUMN with its REFERENCES clause (batch mode would copy the table on SQLite)
    op.add_column('awards_session', sa.Column(
        'council_unit_id', sa.Integer(),
        sa.ForeignKey('directory_unit.id', name=op.f('fk_awards_session_council_unit_id_directory_unit')), nullable=True))


def downgrade():
    with op.batch_alter_table('awards_session') as batch_op:
        if op.get_bind().dialect.name != 'sqlite':
            batch_op.drop_constraint(op.f('fk_awards_session_council_unit_id_directory_unit'), type_='foreignkey')
        batch_op.drop_column('council_unit_id')
        batch_op.drop_column('place')
        batch_op.drop_column('counting_members')
