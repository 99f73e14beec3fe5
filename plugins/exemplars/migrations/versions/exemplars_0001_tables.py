"""Exemplars plugin tables: the register, the cycle's steps, replications, photos and citations

Revision ID: exemplars_0001
Revises: (base of the 'exemplars' branch; depends on the core's 0007)
Create Date: 2026-12-02 00:22:42.989172

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'exemplars_0001'
down_revision = None
branch_labels = ('exemplars',)
depends_on = '0007'


def upgrade():
    op.create_table('exemplars_exemplar',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('holder_kind', sa.String(length=12), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('holder', sa.String(length=200), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('village', sa.String(length=120), nullable=False),
    sa.Column('sector', sa.String(length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('story', sa.Text(), nullable=False),
    sa.Column('start_year', sa.Integer(), nullable=True),
    sa.Column('households', sa.Integer(), nullable=False),
    sa.Column('households_out', sa.Integer(), nullable=False),
    sa.Column('income', sa.Integer(), nullable=True),
    sa.Column('contact', sa.String(length=200), nullable=False),
    sa.Column('consent_public', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('source_ref', sa.String(length=80), nullable=True),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('proposed_by', sa.Integer(), nullable=True),
    sa.Column('proposed_at', sa.DateTime(), nullable=False),
    sa.Column('verified_at', sa.DateTime(), nullable=True),
    sa.Column('sample', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['proposed_by'], ['portal_user.id'], name=op.f('fk_exemplars_exemplar_proposed_by_portal_user')),
    sa.ForeignKeyConstraint(['unit_id'], ['directory_unit.id'], name=op.f('fk_exemplars_exemplar_unit_id_directory_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exemplars_exemplar'))
    )
    op.create_index(op.f('ix_exemplars_exemplar_proposed_at'), 'exemplars_exemplar', ['proposed_at'], unique=False)
    op.create_index(op.f('ix_exemplars_exemplar_sector'), 'exemplars_exemplar', ['sector'], unique=False)
    op.create_index(op.f('ix_exemplars_exemplar_source_ref'), 'exemplars_exemplar', ['source_ref'], unique=False)
    op.create_index(op.f('ix_exemplars_exemplar_state'), 'exemplars_exemplar', ['state'], unique=False)
    op.create_index(op.f('ix_exemplars_exemplar_unit_id'), 'exemplars_exemplar', ['unit_id'], unique=False)

    op.create_table('exemplars_citation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exemplar_id', sa.Integer(), nullable=False),
    sa.Column('subject_ref', sa.String(length=80), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['portal_user.id'], name=op.f('fk_exemplars_citation_created_by_portal_user')),
    sa.ForeignKeyConstraint(['exemplar_id'], ['exemplars_exemplar.id'], name=op.f('fk_exemplars_citation_exemplar_id_exemplars_exemplar'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exemplars_citation')),
    sa.UniqueConstraint('exemplar_id', 'subject_ref', name=op.f('uq_exemplars_citation_exemplar_id'))
    )
    op.create_index(op.f('ix_exemplars_citation_exemplar_id'), 'exemplars_citation', ['exemplar_id'], unique=False)
    op.create_index(op.f('ix_exemplars_citation_subject_ref'), 'exemplars_citation', ['subject_ref'], unique=False)

    op.create_table('exemplars_photo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exemplar_id', sa.Integer(), nullable=False),
    sa.Column('upload_id', sa.Integer(), nullable=False),
    sa.Column('caption', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['exemplar_id'], ['exemplars_exemplar.id'], name=op.f('fk_exemplars_photo_exemplar_id_exemplars_exemplar'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['upload_id'], ['portal_upload.id'], name=op.f('fk_exemplars_photo_upload_id_portal_upload')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exemplars_photo'))
    )
    op.create_index(op.f('ix_exemplars_photo_exemplar_id'), 'exemplars_photo', ['exemplar_id'], unique=False)

    op.create_table('exemplars_replication',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exemplar_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('households', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['exemplar_id'], ['exemplars_exemplar.id'], name=op.f('fk_exemplars_replication_exemplar_id_exemplars_exemplar'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['directory_unit.id'], name=op.f('fk_exemplars_replication_unit_id_directory_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exemplars_replication'))
    )
    op.create_index(op.f('ix_exemplars_replication_exemplar_id'), 'exemplars_replication', ['exemplar_id'], unique=False)
    op.create_index(op.f('ix_exemplars_replication_unit_id'), 'exemplars_replication', ['unit_id'], unique=False)

    op.create_table('exemplars_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exemplar_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=12), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('visit_date', sa.Date(), nullable=True),
    sa.Column('amount', sa.Integer(), nullable=True),
    sa.Column('disbursement_ref', sa.String(length=80), nullable=True),
    sa.ForeignKeyConstraint(['exemplar_id'], ['exemplars_exemplar.id'], name=op.f('fk_exemplars_step_exemplar_id_exemplars_exemplar'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['portal_user.id'], name=op.f('fk_exemplars_step_user_id_portal_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exemplars_step'))
    )
    op.create_index(op.f('ix_exemplars_step_exemplar_id'), 'exemplars_step', ['exemplar_id'], unique=False)



def downgrade():
    op.drop_index(op.f('ix_exemplars_step_exemplar_id'), table_name='exemplars_step')

    op.drop_table('exemplars_step')
    op.drop_index(op.f('ix_exemplars_replication_unit_id'), table_name='exemplars_replication')
    op.drop_index(op.f('ix_exemplars_replication_exemplar_id'), table_name='exemplars_replication')

    op.drop_table('exemplars_replication')
    op.drop_index(op.f('ix_exemplars_photo_exemplar_id'), table_name='exemplars_photo')

    op.drop_table('exemplars_photo')
    op.drop_index(op.f('ix_exemplars_citation_subject_ref'), table_name='exemplars_citation')
    op.drop_index(op.f('ix_exemplars_citation_exemplar_id'), table_name='exemplars_citation')

    op.drop_table('exemplars_citation')
    op.drop_index(op.f('ix_exemplars_exemplar_unit_id'), table_name='exemplars_exemplar')
    op.drop_index(op.f('ix_exemplars_exemplar_state'), table_name='exemplars_exemplar')
    op.drop_index(op.f('ix_exemplars_exemplar_source_ref'), table_name='exemplars_exemplar')
    op.drop_index(op.f('ix_exemplars_exemplar_sector'), table_name='exemplars_exemplar')
    op.drop_index(op.f('ix_exemplars_exemplar_proposed_at'), table_name='exemplars_exemplar')

    op.drop_table('exemplars_exemplar')
