"""Awards plugin tables (moved out of the core's former revision 0002)

Revision ID: awards_0001
Revises: (base of the 'awards' branch; depends on the core's 0002)
Create Date: 2026-11-27 03:43:22.475686

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'awards_0001'
down_revision = None
branch_labels = ('awards',)
depends_on = '0002'
# Databases made before plugins owned their migrations got these tables from the core's 0002:
# `flask portal init` stamps this revision there instead of running it (portal/schema.py).
adopted_from = '0002'


def upgrade():
    op.create_table('awards_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('open', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_awards_round'))
    )
    op.create_table('awards_type',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('giver', sa.String(length=200), nullable=False),
    sa.Column('nominee_kinds', sa.String(length=60), nullable=False),
    sa.Column('quorum_num', sa.Integer(), nullable=False),
    sa.Column('quorum_den', sa.Integer(), nullable=False),
    sa.Column('threshold_num', sa.Integer(), nullable=False),
    sa.Column('threshold_den', sa.Integer(), nullable=False),
    sa.Column('strictly_more', sa.Boolean(), nullable=False),
    sa.Column('denominator', sa.String(length=12), nullable=False),
    sa.Column('written_ballots', sa.Boolean(), nullable=False),
    sa.Column('allow_abstain', sa.Boolean(), nullable=False),
    sa.Column('cap_percent', sa.Integer(), nullable=True),
    sa.Column('cap_of_id', sa.Integer(), nullable=True),
    sa.Column('legal_basis', sa.Text(), nullable=False),
    sa.Column('is_example', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['cap_of_id'], ['awards_type.id'], name=op.f('fk_awards_type_cap_of_id_awards_type')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_awards_type'))
    )
    op.create_table('awards_nomination',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('award_type_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('nominee', sa.String(length=200), nullable=False),
    sa.Column('position', sa.String(length=200), nullable=False),
    sa.Column('achievements', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=14), nullable=False),
    sa.Column('review_note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['award_type_id'], ['awards_type.id'], name=op.f('fk_awards_nomination_award_type_id_awards_type')),
    sa.ForeignKeyConstraint(['round_id'], ['awards_round.id'], name=op.f('fk_awards_nomination_round_id_awards_round')),
    sa.ForeignKeyConstraint(['unit_id'], ['directory_unit.id'], name=op.f('fk_awards_nomination_unit_id_directory_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_awards_nomination'))
    )
    with op.batch_alter_table('awards_nomination', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_awards_nomination_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_awards_nomination_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_awards_nomination_unit_id'), ['unit_id'], unique=False)
    op.create_table('awards_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('meeting_date', sa.Date(), nullable=False),
    sa.Column('counting_head', sa.String(length=120), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('result_sha256', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['round_id'], ['awards_round.id'], name=op.f('fk_awards_session_round_id_awards_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_awards_session'))
    )
    with op.batch_alter_table('awards_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_awards_session_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_awards_session_state'), ['state'], unique=False)
    op.create_table('awards_ballot',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('receipt_no', sa.String(length=12), nullable=False),
    sa.Column('receipt_hash', sa.String(length=64), nullable=False),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['awards_session.id'], name=op.f('fk_awards_ballot_session_id_awards_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_awards_ballot')),
    sa.UniqueConstraint('session_id', 'receipt_hash', name='uq_awards_ballot_receipt_hash'),
    sa.UniqueConstraint('session_id', 'receipt_no', name='uq_awards_ballot_receipt_no')
    )
    with op.batch_alter_table('awards_ballot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_awards_ballot_session_id'), ['session_id'], unique=False)
    op.create_table('awards_council_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('function', sa.String(length=12), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['portal_user.id'], name=op.f('fk_awards_council_member_user_id_portal_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_awards_council_member')),
    sa.UniqueConstraint('user_id', name=op.f('uq_awards_council_member_user_id'))
    )
    op.create_table('awards_participation',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('written', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['awards_session.id'], name=op.f('fk_awards_participation_session_id_awards_session')),
    sa.ForeignKeyConstraint(['user_id'], ['portal_user.id'], name=op.f('fk_awards_participation_user_id_portal_user')),
    sa.PrimaryKeyConstraint('session_id', 'user_id', name=op.f('pk_awards_participation'))
    )
    op.create_table('awards_roll_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('function', sa.String(length=12), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['awards_session.id'], name=op.f('fk_awards_roll_entry_session_id_awards_session')),
    sa.ForeignKeyConstraint(['user_id'], ['portal_user.id'], name=op.f('fk_awards_roll_entry_user_id_portal_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_awards_roll_entry')),
    sa.UniqueConstraint('session_id', 'user_id', name=op.f('uq_awards_roll_entry_session_id'))
    )
    with op.batch_alter_table('awards_roll_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_awards_roll_entry_session_id'), ['session_id'], unique=False)
    op.create_table('awards_session_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('nomination_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['nomination_id'], ['awards_nomination.id'], name=op.f('fk_awards_session_item_nomination_id_awards_nomination')),
    sa.ForeignKeyConstraint(['session_id'], ['awards_session.id'], name=op.f('fk_awards_session_item_session_id_awards_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_awards_session_item')),
    sa.UniqueConstraint('session_id', 'nomination_id', name=op.f('uq_awards_session_item_session_id'))
    )
    with op.batch_alter_table('awards_session_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_awards_session_item_session_id'), ['session_id'], unique=False)
    op.create_table('awards_nomination_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('nomination_id', sa.Integer(), nullable=False),
    sa.Column('upload_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['nomination_id'], ['awards_nomination.id'], name=op.f('fk_awards_nomination_file_nomination_id_awards_nomination')),
    sa.ForeignKeyConstraint(['upload_id'], ['portal_upload.id'], name=op.f('fk_awards_nomination_file_upload_id_portal_upload')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_awards_nomination_file'))
    )
    with op.batch_alter_table('awards_nomination_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_awards_nomination_file_nomination_id'), ['nomination_id'], unique=False)


def downgrade():
    with op.batch_alter_table('awards_nomination_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_awards_nomination_file_nomination_id'))
    op.drop_table('awards_nomination_file')
    with op.batch_alter_table('awards_session_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_awards_session_item_session_id'))
    op.drop_table('awards_session_item')
    with op.batch_alter_table('awards_roll_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_awards_roll_entry_session_id'))
    op.drop_table('awards_roll_entry')
    op.drop_table('awards_participation')
    op.drop_table('awards_council_member')
    with op.batch_alter_table('awards_ballot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_awards_ballot_session_id'))
    op.drop_table('awards_ballot')
    with op.batch_alter_table('awards_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_awards_session_state'))
        batch_op.drop_index(batch_op.f('ix_awards_session_round_id'))
    op.drop_table('awards_session')
    with op.batch_alter_table('awards_nomination', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_awards_nomination_unit_id'))
        batch_op.drop_index(batch_op.f('ix_awards_nomination_state'))
        batch_op.drop_index(batch_op.f('ix_awards_nomination_round_id'))
    op.drop_table('awards_nomination')
    op.drop_table('awards_type')
    op.drop_table('awards_round')
