"""Inspections plugin tables (moved out of the core's former revision 0002)

Revision ID: inspections_0001
Revises: (base of the 'inspections' branch; depends on the core's 0002)
Create Date: 2026-11-27 03:43:22.475686

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'inspections_0001'
down_revision = None
branch_labels = ('inspections',)
depends_on = '0002'
# Databases made before plugins owned their migrations got these tables from the core's 0002:
# `flask portal init` stamps this revision there instead of running it (portal/schema.py).
adopted_from = '0002'


def upgrade():
    op.create_table('inspections_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('frozen', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspections_template')),
    sa.UniqueConstraint('code', 'version', name=op.f('uq_inspections_template_code'))
    )
    op.create_table('inspections_section',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['template_id'], ['inspections_template.id'], name=op.f('fk_inspections_section_template_id_inspections_template'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspections_section'))
    )
    with op.batch_alter_table('inspections_section', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspections_section_template_id'), ['template_id'], unique=False)
    op.create_table('inspections_inspection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('planned_date', sa.Date(), nullable=False),
    sa.Column('scope', sa.Text(), nullable=True),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('leader_id', sa.Integer(), nullable=False),
    sa.Column('previous_id', sa.Integer(), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.Column('signed_at', sa.DateTime(), nullable=True),
    sa.Column('number', sa.String(length=40), nullable=True),
    sa.Column('unit_representative', sa.String(length=120), nullable=True),
    sa.Column('conclusion', sa.Text(), nullable=True),
    sa.Column('achieved', sa.Numeric(precision=14, scale=4), nullable=True),
    sa.Column('applicable', sa.Numeric(precision=14, scale=4), nullable=True),
    sa.ForeignKeyConstraint(['leader_id'], ['portal_user.id'], name=op.f('fk_inspections_inspection_leader_id_portal_user')),
    sa.ForeignKeyConstraint(['previous_id'], ['inspections_inspection.id'], name=op.f('fk_inspections_inspection_previous_id_inspections_inspection')),
    sa.ForeignKeyConstraint(['template_id'], ['inspections_template.id'], name=op.f('fk_inspections_inspection_template_id_inspections_template')),
    sa.ForeignKeyConstraint(['unit_id'], ['directory_unit.id'], name=op.f('fk_inspections_inspection_unit_id_directory_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspections_inspection'))
    )
    with op.batch_alter_table('inspections_inspection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspections_inspection_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_inspection_template_id'), ['template_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_inspection_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_inspection_year'), ['year'], unique=False)
    op.create_table('inspections_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('guidance', sa.Text(), nullable=True),
    sa.Column('answer_type', sa.String(length=12), nullable=False),
    sa.Column('max_score', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('weight', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('note_required_on_fail', sa.Boolean(), nullable=False),
    sa.Column('photo_required', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['section_id'], ['inspections_section.id'], name=op.f('fk_inspections_item_section_id_inspections_section'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['template_id'], ['inspections_template.id'], name=op.f('fk_inspections_item_template_id_inspections_template'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspections_item'))
    )
    with op.batch_alter_table('inspections_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspections_item_section_id'), ['section_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_item_template_id'), ['template_id'], unique=False)
    op.create_table('inspections_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('result', sa.String(length=8), nullable=True),
    sa.Column('number', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('answered_by', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['answered_by'], ['portal_user.id'], name=op.f('fk_inspections_answer_answered_by_portal_user')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections_inspection.id'], name=op.f('fk_inspections_answer_inspection_id_inspections_inspection'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['inspections_item.id'], name=op.f('fk_inspections_answer_item_id_inspections_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspections_answer')),
    sa.UniqueConstraint('inspection_id', 'item_id', name=op.f('uq_inspections_answer_inspection_id'))
    )
    op.create_table('inspections_finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('recommendation', sa.Text(), nullable=False),
    sa.Column('responsible_unit_id', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections_inspection.id'], name=op.f('fk_inspections_finding_inspection_id_inspections_inspection'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['inspections_item.id'], name=op.f('fk_inspections_finding_item_id_inspections_item')),
    sa.ForeignKeyConstraint(['responsible_unit_id'], ['directory_unit.id'], name=op.f('fk_inspections_finding_responsible_unit_id_directory_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspections_finding'))
    )
    with op.batch_alter_table('inspections_finding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspections_finding_inspection_id'), ['inspection_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_finding_responsible_unit_id'), ['responsible_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_finding_state'), ['state'], unique=False)
    op.create_table('inspections_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections_inspection.id'], name=op.f('fk_inspections_member_inspection_id_inspections_inspection'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['portal_user.id'], name=op.f('fk_inspections_member_user_id_portal_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspections_member')),
    sa.UniqueConstraint('inspection_id', 'user_id', name=op.f('uq_inspections_member_inspection_id'))
    )
    with op.batch_alter_table('inspections_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspections_member_user_id'), ['user_id'], unique=False)
    op.create_table('inspections_photo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('upload_id', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['portal_user.id'], name=op.f('fk_inspections_photo_created_by_portal_user')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections_inspection.id'], name=op.f('fk_inspections_photo_inspection_id_inspections_inspection'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['inspections_item.id'], name=op.f('fk_inspections_photo_item_id_inspections_item')),
    sa.ForeignKeyConstraint(['upload_id'], ['portal_upload.id'], name=op.f('fk_inspections_photo_upload_id_portal_upload')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspections_photo'))
    )
    with op.batch_alter_table('inspections_photo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspections_photo_inspection_id'), ['inspection_id'], unique=False)
    op.create_table('inspections_finding_update',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['finding_id'], ['inspections_finding.id'], name=op.f('fk_inspections_finding_update_finding_id_inspections_finding'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['portal_user.id'], name=op.f('fk_inspections_finding_update_user_id_portal_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspections_finding_update'))
    )
    with op.batch_alter_table('inspections_finding_update', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspections_finding_update_finding_id'), ['finding_id'], unique=False)


def downgrade():
    with op.batch_alter_table('inspections_finding_update', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspections_finding_update_finding_id'))
    op.drop_table('inspections_finding_update')
    with op.batch_alter_table('inspections_photo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspections_photo_inspection_id'))
    op.drop_table('inspections_photo')
    with op.batch_alter_table('inspections_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspections_member_user_id'))
    op.drop_table('inspections_member')
    with op.batch_alter_table('inspections_finding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspections_finding_state'))
        batch_op.drop_index(batch_op.f('ix_inspections_finding_responsible_unit_id'))
        batch_op.drop_index(batch_op.f('ix_inspections_finding_inspection_id'))
    op.drop_table('inspections_finding')
    op.drop_table('inspections_answer')
    with op.batch_alter_table('inspections_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspections_item_template_id'))
        batch_op.drop_index(batch_op.f('ix_inspections_item_section_id'))
    op.drop_table('inspections_item')
    with op.batch_alter_table('inspections_inspection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspections_inspection_year'))
        batch_op.drop_index(batch_op.f('ix_inspections_inspection_unit_id'))
        batch_op.drop_index(batch_op.f('ix_inspections_inspection_template_id'))
        batch_op.drop_index(batch_op.f('ix_inspections_inspection_state'))
    op.drop_table('inspections_inspection')
    with op.batch_alter_table('inspections_section', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspections_section_template_id'))
    op.drop_table('inspections_section')
    op.drop_table('inspections_template')
