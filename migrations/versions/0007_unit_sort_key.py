"""units: a stored Vietnamese sort key, so unit lists sort and page in SQL

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

from portal.i18n import vi_sort_text


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

SORT_KEY = sa.String(length=1300).with_variant(sa.String(length=1300, collation="C"), "postgresql")


def upgrade():
    # Plain add_column, never batch mode: SQLite's batch copy would drop directory_unit and break the foreign keys
    # (and ON DELETE CASCADE) of every table that references it.
    op.add_column('directory_unit', sa.Column('sort_key', SORT_KEY, server_default='', nullable=False))
    bind = op.get_bind()
    units = sa.table('directory_unit', sa.column('id', sa.Integer), sa.column('name', sa.String),
                     sa.column('sort_key', sa.String))
    rows = bind.execute(sa.select(units.c.id, units.c.name)).all()
    if rows:
        bind.execute(units.update().where(units.c.id == sa.bindparam('uid')).values(sort_key=sa.bindparam('key')),
                     [{'uid': uid, 'key': vi_sort_text(name)} for uid, name in rows])
    op.create_index('ix_directory_unit_sort_key', 'directory_unit', ['sort_key'], unique=False)


def downgrade():
    op.drop_index('ix_directory_unit_sort_key', table_name='directory_unit')
    op.drop_column('directory_unit', 'sort_key')
