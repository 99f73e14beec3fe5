"""Reports plugin tables (moved out of the core's former revision 0002)

Revision ID: reports_0001
Revises: (base of the 'reports' branch; depends on the core's 0002)
Create Date: 2026-11-27 03:43:22.475686

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'reports_0001'
down_revision = None
branch_labels = ('reports',)
depends_on = '0002'
# Databases made before plugins owned their migrations got these tables from the core's 0002:
# `flask portal init` stamps this revision there instead of running it (portal/schema.py).
adopted_from = '0002'


def upgrade():
    op.create_table('reports_form',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports_form'))
    )
    op.create_table('reports_form_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['form_id'], ['reports_form.id'], name=op.f('fk_reports_form_version_form_id_reports_form'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports_form_version')),
    sa.UniqueConstraint('form_id', 'number', name=op.f('uq_reports_form_version_form_id'))
    )
    op.create_table('reports_form_field',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=255), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('help', sa.String(length=500), nullable=True),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('min_value', sa.String(length=30), nullable=True),
    sa.Column('max_value', sa.String(length=30), nullable=True),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['reports_form_version.id'], name=op.f('fk_reports_form_field_version_id_reports_form_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports_form_field')),
    sa.UniqueConstraint('version_id', 'key', name=op.f('uq_reports_form_field_version_id'))
    )
    op.create_table('reports_form_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('left', sa.String(length=40), nullable=False),
    sa.Column('operator', sa.String(length=2), nullable=False),
    sa.Column('right', sa.String(length=255), nullable=False),
    sa.Column('message', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['reports_form_version.id'], name=op.f('fk_reports_form_rule_version_id_reports_form_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports_form_rule'))
    )
    op.create_table('reports_period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('late_policy', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['reports_form_version.id'], name=op.f('fk_reports_period_version_id_reports_form_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports_period'))
    )
    with op.batch_alter_table('reports_period', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reports_period_year'), ['year'], unique=False)
    op.create_table('reports_period_unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('extended_until', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['period_id'], ['reports_period.id'], name=op.f('fk_reports_period_unit_period_id_reports_period'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['directory_unit.id'], name=op.f('fk_reports_period_unit_unit_id_directory_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports_period_unit')),
    sa.UniqueConstraint('period_id', 'unit_id', name=op.f('uq_reports_period_unit_period_id'))
    )
    with op.batch_alter_table('reports_period_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reports_period_unit_period_id'), ['period_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_period_unit_unit_id'), ['unit_id'], unique=False)
    op.create_table('reports_submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('values', sa.JSON(), nullable=False),
    sa.Column('first_submitted_at', sa.DateTime(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('review_comment', sa.Text(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('reviewed_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['reports_period.id'], name=op.f('fk_reports_submission_period_id_reports_period'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by'], ['portal_user.id'], name=op.f('fk_reports_submission_reviewed_by_portal_user')),
    sa.ForeignKeyConstraint(['unit_id'], ['directory_unit.id'], name=op.f('fk_reports_submission_unit_id_directory_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports_submission')),
    sa.UniqueConstraint('period_id', 'unit_id', name=op.f('uq_reports_submission_period_id'))
    )
    with op.batch_alter_table('reports_submission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reports_submission_period_id'), ['period_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_submission_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_submission_unit_id'), ['unit_id'], unique=False)
    op.create_table('reports_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('field_key', sa.String(length=40), nullable=False),
    sa.Column('upload_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['reports_submission.id'], name=op.f('fk_reports_attachment_submission_id_reports_submission'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['upload_id'], ['portal_upload.id'], name=op.f('fk_reports_attachment_upload_id_portal_upload')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports_attachment'))
    )
    with op.batch_alter_table('reports_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reports_attachment_submission_id'), ['submission_id'], unique=False)
    op.create_table('reports_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=True),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['reports_period.id'], name=op.f('fk_reports_event_period_id_reports_period'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submission_id'], ['reports_submission.id'], name=op.f('fk_reports_event_submission_id_reports_submission'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['directory_unit.id'], name=op.f('fk_reports_event_unit_id_directory_unit')),
    sa.ForeignKeyConstraint(['user_id'], ['portal_user.id'], name=op.f('fk_reports_event_user_id_portal_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports_event'))
    )
    with op.batch_alter_table('reports_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reports_event_submission_id'), ['submission_id'], unique=False)
    op.create_table('reports_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('values', sa.JSON(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['by'], ['portal_user.id'], name=op.f('fk_reports_revision_by_portal_user')),
    sa.ForeignKeyConstraint(['submission_id'], ['reports_submission.id'], name=op.f('fk_reports_revision_submission_id_reports_submission'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports_revision')),
    sa.UniqueConstraint('submission_id', 'number', name=op.f('uq_reports_revision_submission_id'))
    )


def downgrade():
    op.drop_table('reports_revision')
    with op.batch_alter_table('reports_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reports_event_submission_id'))
    op.drop_table('reports_event')
    with op.batch_alter_table('reports_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reports_attachment_submission_id'))
    op.drop_table('reports_attachment')
    with op.batch_alter_table('reports_submission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reports_submission_unit_id'))
        batch_op.drop_index(batch_op.f('ix_reports_submission_state'))
        batch_op.drop_index(batch_op.f('ix_reports_submission_period_id'))
    op.drop_table('reports_submission')
    with op.batch_alter_table('reports_period_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reports_period_unit_unit_id'))
        batch_op.drop_index(batch_op.f('ix_reports_period_unit_period_id'))
    op.drop_table('reports_period_unit')
    with op.batch_alter_table('reports_period', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reports_period_year'))
    op.drop_table('reports_period')
    op.drop_table('reports_form_rule')
    op.drop_table('reports_form_field')
    op.drop_table('reports_form_version')
    op.drop_table('reports_form')
