"""Vote-count minutes: the counting board's members, the meeting place and the council's committee

Revision ID: awards_0003
Revises: awards_0002
"""
from alembic import op
import sqlalchemy as sa

revision = 'awards_0003'
down_revision = 'awards_0002'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('awards_session', sa.Column('counting_members', sa.Text(), nullable=False, server_default=''))
    op.add_column('awards_session', sa.Column('place', sa.String(length=200), nullable=False, server_default=''))
    # the committee whose council meets; on SQLite a plain ADD COLUMN with a named REFERENCES clause, since batch mode
    # would copy and drop the table and cascade to its items, roll and ballots
    name = 'fk_awards_session_council_unit_id_directory_unit'
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f'ALTER TABLE awards_session ADD COLUMN council_unit_id INTEGER CONSTRAINT {name} '
                   'REFERENCES directory_unit (id)')
    else:
        op.add_column('awards_session', sa.Column('council_unit_id', sa.Integer(), nullable=True))
        op.create_foreign_key(name, 'awards_session', 'directory_unit', ['council_unit_id'], ['id'])


def downgrade():
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint('fk_awards_session_council_unit_id_directory_unit', 'awards_session', type_='foreignkey')
    with op.batch_alter_table('awards_session') as batch_op:
        batch_op.drop_column('council_unit_id')
        batch_op.drop_column('place')
        batch_op.drop_column('counting_members')
