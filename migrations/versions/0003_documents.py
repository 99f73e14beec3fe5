"""Documents and time: per-issuer document numbers, the on-time rule of report periods, donors' addresses

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 21:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('portal_document_number',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issuer_id', sa.Integer(), nullable=True),
    sa.Column('issuer_key', sa.String(length=60), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['issuer_id'], ['directory_unit.id'], name=op.f('fk_portal_document_number_issuer_id_directory_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_document_number')),
    sa.UniqueConstraint('issuer_key', 'year', name='uq_portal_document_number_issuer_year')
    )
    op.create_table('directory_unit_area_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('to_unit_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['to_unit_id'], ['directory_unit.id'], name=op.f('fk_directory_unit_area_link_to_unit_id_directory_unit'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['directory_unit.id'], name=op.f('fk_directory_unit_area_link_unit_id_directory_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_unit_area_link')),
    sa.UniqueConstraint('unit_id', 'to_unit_id', name='uq_directory_unit_area_link')
    )
    with op.batch_alter_table('directory_unit_area_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_directory_unit_area_link_to_unit_id'), ['to_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_directory_unit_area_link_unit_id'), ['unit_id'], unique=False)

    op.create_table('portal_issued_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('object_type', sa.String(length=60), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('issuer_key', sa.String(length=60), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_issued_document')),
    sa.UniqueConstraint('issuer_key', 'year', 'number', name='uq_portal_issued_document_number'),
    sa.UniqueConstraint('object_type', 'object_id', name='uq_portal_issued_document_object')
    )
    with op.batch_alter_table('fund_contribution', schema=None) as batch_op:
        batch_op.add_column(sa.Column('donor_address', sa.String(length=300), nullable=True))
    with op.batch_alter_table('awards_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('counting_members', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('place', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('council_unit_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_awards_session_council_unit_id_directory_unit'), 'directory_unit', ['council_unit_id'], ['id'])
    with op.batch_alter_table('reports_period', schema=None) as batch_op:
        batch_op.add_column(sa.Column('on_time_rule', sa.String(length=10), server_default='before', nullable=False))


def downgrade():
    with op.batch_alter_table('awards_session', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_awards_session_council_unit_id_directory_unit'), type_='foreignkey')
        batch_op.drop_column('council_unit_id')
        batch_op.drop_column('place')
        batch_op.drop_column('counting_members')
    with op.batch_alter_table('reports_period', schema=None) as batch_op:
        batch_op.drop_column('on_time_rule')
    with op.batch_alter_table('fund_contribution', schema=None) as batch_op:
        batch_op.drop_column('donor_address')
    op.drop_table('portal_issued_document')
    op.drop_table('directory_unit_area_link')
    op.drop_table('portal_document_number')
