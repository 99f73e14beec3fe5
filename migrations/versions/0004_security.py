"""security: server-side sessions (revocable), atomic login throttle, tracked default grants

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('portal_user_session',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['portal_user.id'], name=op.f('fk_portal_user_session_user_id_portal_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_portal_user_session'))
    )
    with op.batch_alter_table('portal_user_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portal_user_session_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('portal_known_permission', schema=None) as batch_op:
        batch_op.add_column(sa.Column('defaults', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('edited', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table('portal_login_throttle',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('window_start', sa.DateTime(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_portal_login_throttle'))
    )
    with op.batch_alter_table('portal_login_throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portal_login_throttle_window_start'), ['window_start'], unique=False)
    # A permission whose grants an administrator already changed (a role-grant audit entry written by a user,
    # not by `portal init`) keeps them: mark it edited, so changed defaults reach only grants nobody chose.
    bind = op.get_bind()
    grant_permission = dict(bind.execute(sa.text("SELECT id, permission FROM portal_role_grant")).all())
    touched = set()
    rows = bind.execute(sa.text(
        "SELECT object_id, changes FROM portal_audit WHERE object_type = 'portal_role_grant' AND user_id IS NOT NULL"
    ))
    for object_id, changes in rows:
        if isinstance(changes, str):
            import json

            changes = json.loads(changes)
        perm = [v for v in (changes or {}).get("permission", []) if v]
        if perm:
            touched.add(perm[0])
        elif str(object_id).isdigit() and int(object_id) in grant_permission:
            touched.add(grant_permission[int(object_id)])
    for code in touched:
        bind.execute(sa.text("UPDATE portal_known_permission SET edited = :yes WHERE code = :code"),
                     {"yes": True, "code": code})


def downgrade():
    with op.batch_alter_table('portal_login_throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portal_login_throttle_window_start'))
    op.drop_table('portal_login_throttle')
    with op.batch_alter_table('portal_known_permission', schema=None) as batch_op:
        batch_op.drop_column('edited')
        batch_op.drop_column('defaults')
    with op.batch_alter_table('portal_user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portal_user_session_user_id'))
    op.drop_table('portal_user_session')
