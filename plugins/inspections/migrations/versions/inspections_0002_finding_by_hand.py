"""A finding may be written by hand, without a checklist item

Revision ID: inspections_0002
Revises: inspections_0001
"""
from alembic import op
import sqlalchemy as sa

revision = 'inspections_0002'
down_revision = 'inspections_0001'
branch_labels = None
depends_on = None


def _keep_updates(change):
    """SQLite changes a column by copying and dropping the table, and dropping it deletes the follow-up rows
    (ON DELETE CASCADE): keep them aside and put them back."""
    op.execute("CREATE TEMP TABLE _insp_fu_keep AS SELECT * FROM inspections_finding_update")
    change()
    op.execute("DELETE FROM inspections_finding_update")
    op.execute("INSERT INTO inspections_finding_update SELECT * FROM _insp_fu_keep")
    op.execute("DROP TABLE _insp_fu_keep")


def _set_nullable(nullable):
    if op.get_bind().dialect.name != 'sqlite':
        op.alter_column('inspections_finding', 'item_id', existing_type=sa.Integer(), nullable=nullable)
        return

    def change():
        with op.batch_alter_table('inspections_finding') as batch_op:
            batch_op.alter_column('item_id', existing_type=sa.Integer(), nullable=nullable)
    _keep_updates(change)


def upgrade():
    _set_nullable(True)


def downgrade():
    op.execute("DELETE FROM inspections_finding WHERE item_id IS NULL")
    _set_nullable(False)
