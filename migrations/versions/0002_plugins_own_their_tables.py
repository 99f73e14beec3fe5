"""Plugins own their tables: a no-op kept as the point the plugin branches depend on

Until this release, revision 0002 created the tables of the four shipped plugins. They now live in each plugin's
own Alembic branch (plugins/<name>/migrations/versions/<name>_0001_tables.py, depends_on = '0002'). A database
that is already at 0002 has those tables: `flask portal init` stamps each plugin's first revision there instead
of running it (portal/schema.py, adopt_legacy_tables), so no row is touched.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 03:43:22.475686

"""

# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
