"""Awards: registrations (đăng ký thi đua), decisions (Quyết định khen thưởng) with their lines and yearly
counter, achievement records; award-type rules for registration, look-back and bonus.

Only awards_* tables: self-contained, so it can move into the awards plugin's own Alembic branch.

Revision ID: awards_0002
Revises: awards_0001
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'awards_0002'
down_revision = 'awards_0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('awards_decision_counter',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_awards_decision_counter'))
    )
    op.create_table('awards_registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('commitment', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('review_note', sa.Text(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['round_id'], ['awards_round.id'], name=op.f('fk_awards_registration_round_id_awards_round')),
    sa.ForeignKeyConstraint(['unit_id'], ['directory_unit.id'], name=op.f('fk_awards_registration_unit_id_directory_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_awards_registration')),
    sa.UniqueConstraint('round_id', 'unit_id', name=op.f('uq_awards_registration_round_id'))
    )
    with op.batch_alter_table('awards_registration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_awards_registration_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_awards_registration_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_awards_registration_unit_id'), ['unit_id'], unique=False)

    op.create_table('awards_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('seq', sa.Integer(), nullable=True),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('decision_date', sa.Date(), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('signer_title', sa.String(length=120), nullable=False),
    sa.Column('signer_name', sa.String(length=120), nullable=False),
    sa.Column('basis', sa.Text(), nullable=False),
    sa.Column('proposal', sa.Text(), nullable=False),
    sa.Column('article2', sa.Text(), nullable=False),
    sa.Column('article3', sa.Text(), nullable=False),
    sa.Column('recipients', sa.Text(), nullable=False),
    sa.Column('submission_number', sa.String(length=40), nullable=False),
    sa.Column('submission_date', sa.Date(), nullable=True),
    sa.Column('submission_text', sa.Text(), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('amends_id', sa.Integer(), nullable=True),
    sa.Column('issued_at', sa.DateTime(), nullable=True),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['amends_id'], ['awards_decision.id'], name=op.f('fk_awards_decision_amends_id_awards_decision')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['portal_user.id'], name=op.f('fk_awards_decision_issued_by_id_portal_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_awards_decision')),
    sa.UniqueConstraint('year', 'seq', name='uq_awards_decision_year_seq')
    )
    with op.batch_alter_table('awards_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_awards_decision_amends_id'), ['amends_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_awards_decision_state'), ['state'], unique=False)

    op.create_table('awards_registration_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('award_type_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_fold', sa.String(length=200), nullable=False),
    sa.Column('position_text', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['award_type_id'], ['awards_type.id'], name=op.f('fk_awards_registration_entry_award_type_id_awards_type')),
    sa.ForeignKeyConstraint(['registration_id'], ['awards_registration.id'], name=op.f('fk_awards_registration_entry_registration_id_awards_registration')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_awards_registration_entry'))
    )
    with op.batch_alter_table('awards_registration_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_awards_registration_entry_registration_id'), ['registration_id'], unique=False)

    op.create_table('awards_achievement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('holder', sa.String(length=200), nullable=False),
    sa.Column('holder_fold', sa.String(length=200), nullable=False),
    sa.Column('position_text', sa.String(length=200), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('award_type_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('title_fold', sa.String(length=200), nullable=False),
    sa.Column('decision_number', sa.String(length=60), nullable=False),
    sa.Column('decision_date', sa.Date(), nullable=True),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['award_type_id'], ['awards_type.id'], name=op.f('fk_awards_achievement_award_type_id_awards_type')),
    sa.ForeignKeyConstraint(['decision_id'], ['awards_decision.id'], name=op.f('fk_awards_achievement_decision_id_awards_decision')),
    sa.ForeignKeyConstraint(['unit_id'], ['directory_unit.id'], name=op.f('fk_awards_achievement_unit_id_directory_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_awards_achievement'))
    )
    with op.batch_alter_table('awards_achievement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_awards_achievement_award_type_id'), ['award_type_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_awards_achievement_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_awards_achievement_holder_fold'), ['holder_fold'], unique=False)
        batch_op.create_index(batch_op.f('ix_awards_achievement_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_awards_achievement_year'), ['year'], unique=False)

    op.create_table('awards_decision_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('nomination_id', sa.Integer(), nullable=True),
    sa.Column('award_type_id', sa.Integer(), nullable=True),
    sa.Column('award_name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('nominee', sa.String(length=200), nullable=False),
    sa.Column('position_text', sa.String(length=200), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('unit_name', sa.String(length=200), nullable=False),
    sa.Column('bonus', sa.Integer(), nullable=False),
    sa.Column('achievement', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['award_type_id'], ['awards_type.id'], name=op.f('fk_awards_decision_line_award_type_id_awards_type')),
    sa.ForeignKeyConstraint(['decision_id'], ['awards_decision.id'], name=op.f('fk_awards_decision_line_decision_id_awards_decision')),
    sa.ForeignKeyConstraint(['nomination_id'], ['awards_nomination.id'], name=op.f('fk_awards_decision_line_nomination_id_awards_nomination')),
    sa.ForeignKeyConstraint(['unit_id'], ['directory_unit.id'], name=op.f('fk_awards_decision_line_unit_id_directory_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_awards_decision_line'))
    )
    with op.batch_alter_table('awards_decision_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_awards_decision_line_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_awards_decision_line_nomination_id'), ['nomination_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_awards_decision_line_unit_id'), ['unit_id'], unique=False)

    op.create_table('awards_decision_session',
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['awards_decision.id'], name=op.f('fk_awards_decision_session_decision_id_awards_decision')),
    sa.ForeignKeyConstraint(['session_id'], ['awards_session.id'], name=op.f('fk_awards_decision_session_session_id_awards_session')),
    sa.PrimaryKeyConstraint('decision_id', 'session_id', name=op.f('pk_awards_decision_session'))
    )
    # Plain ADD COLUMN, not batch mode: on SQLite batch mode copies and drops awards_type, which nominations
    # reference (with foreign keys on, the drop fails, or would cascade). Existing types: no rule, no bonus.
    op.add_column('awards_type', sa.Column('requires_registration', sa.Boolean(), nullable=False, server_default=sa.false()))
    fk_name = op.f('fk_awards_type_lookback_type_id_awards_type')
    if op.get_bind().dialect.name == 'sqlite':  # SQLite takes the reference in the ADD COLUMN itself
        op.execute(f"ALTER TABLE awards_type ADD COLUMN lookback_type_id INTEGER CONSTRAINT {fk_name} "
                   "REFERENCES awards_type (id)")
    else:
        op.add_column('awards_type', sa.Column('lookback_type_id', sa.Integer(), nullable=True))
        op.create_foreign_key(fk_name, 'awards_type', 'awards_type', ['lookback_type_id'], ['id'])
    op.add_column('awards_type', sa.Column('lookback_years', sa.Integer(), nullable=True))
    op.add_column('awards_type', sa.Column('lookback_through_round_year', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('awards_type', sa.Column('bonus', sa.Integer(), nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('awards_type', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_awards_type_lookback_type_id_awards_type'), type_='foreignkey')
        batch_op.drop_column('bonus')
        batch_op.drop_column('lookback_through_round_year')
        batch_op.drop_column('lookback_years')
        batch_op.drop_column('lookback_type_id')
        batch_op.drop_column('requires_registration')

    op.drop_table('awards_decision_session')
    with op.batch_alter_table('awards_decision_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_awards_decision_line_unit_id'))
        batch_op.drop_index(batch_op.f('ix_awards_decision_line_nomination_id'))
        batch_op.drop_index(batch_op.f('ix_awards_decision_line_decision_id'))

    op.drop_table('awards_decision_line')
    with op.batch_alter_table('awards_achievement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_awards_achievement_year'))
        batch_op.drop_index(batch_op.f('ix_awards_achievement_unit_id'))
        batch_op.drop_index(batch_op.f('ix_awards_achievement_holder_fold'))
        batch_op.drop_index(batch_op.f('ix_awards_achievement_decision_id'))
        batch_op.drop_index(batch_op.f('ix_awards_achievement_award_type_id'))

    op.drop_table('awards_achievement')
    with op.batch_alter_table('awards_registration_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_awards_registration_entry_registration_id'))

    op.drop_table('awards_registration_entry')
    with op.batch_alter_table('awards_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_awards_decision_state'))
        batch_op.drop_index(batch_op.f('ix_awards_decision_amends_id'))

    op.drop_table('awards_decision')
    with op.batch_alter_table('awards_registration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_awards_registration_unit_id'))
        batch_op.drop_index(batch_op.f('ix_awards_registration_state'))
        batch_op.drop_index(batch_op.f('ix_awards_registration_round_id'))

    op.drop_table('awards_registration')
    op.drop_table('awards_decision_counter')
