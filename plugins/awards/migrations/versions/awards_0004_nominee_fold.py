"""The nominee's name folded (no case, no diacritics), so a round's search filters in SQL

Revision ID: awards_0004
Revises: awards_0003
"""
from alembic import op
import sqlalchemy as sa

from portal.toolkit import fold

revision = 'awards_0004'
down_revision = 'awards_0003'
branch_labels = None
depends_on = None


def upgrade():
    # plain ADD COLUMN (batch mode would copy and drop the table, cascading to its files and session items)
    op.add_column('awards_nomination', sa.Column('nominee_fold', sa.String(length=200), nullable=False,
                                                 server_default=''))
    conn = op.get_bind()
    table = sa.table('awards_nomination', sa.column('id', sa.Integer), sa.column('nominee', sa.String),
                     sa.column('nominee_fold', sa.String))
    rows = [{'key': i, 'folded': fold(name)} for i, name in conn.execute(sa.select(table.c.id, table.c.nominee))]
    if rows:
        conn.execute(table.update().where(table.c.id == sa.bindparam('key'))
                     .values(nominee_fold=sa.bindparam('folded')), rows)


def downgrade():
    op.drop_column('awards_nomination', 'nominee_fold')
