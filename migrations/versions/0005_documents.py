"""Documents and mergers: numbers per issuer and year, the register of issued documents, area links of merged units

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'directory_unit_area_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('to_unit_id', sa.Integer(), nullable=False),
        sa.Column('note', sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(['to_unit_id'], ['directory_unit.id'],
                                name=op.f('fk_directory_unit_area_link_to_unit_id_directory_unit'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['unit_id'], ['directory_unit.id'],
                                name=op.f('fk_directory_unit_area_link_unit_id_directory_unit'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_unit_area_link')),
        sa.UniqueConstraint('unit_id', 'to_unit_id', name='uq_directory_unit_area_link'),
    )
    op.create_index(op.f('ix_directory_unit_area_link_to_unit_id'), 'directory_unit_area_link', ['to_unit_id'])
    op.create_index(op.f('ix_directory_unit_area_link_unit_id'), 'directory_unit_area_link', ['unit_id'])
    op.create_table(
        'portal_issued_document',
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
        sa.UniqueConstraint('object_type', 'object_id', name='uq_portal_issued_document_object'),
    )
    op.create_table(
        'portal_document_number',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('issuer_id', sa.Integer(), nullable=True),
        sa.Column('issuer_key', sa.String(length=60), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('last', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['issuer_id'], ['directory_unit.id'],
                                name=op.f('fk_portal_document_number_issuer_id_directory_unit')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_document_number')),
        sa.UniqueConstraint('issuer_key', 'year', name='uq_portal_document_number_issuer_year'),
    )


def downgrade():
    op.drop_table('portal_document_number')
    op.drop_table('portal_issued_document')
    op.drop_index(op.f('ix_directory_unit_area_link_unit_id'), table_name='directory_unit_area_link')
    op.drop_index(op.f('ix_directory_unit_area_link_to_unit_id'), table_name='directory_unit_area_link')
    op.drop_table('directory_unit_area_link')
