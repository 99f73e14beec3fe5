"""Fund plugin tables (moved out of the core's former revision 0002)

Revision ID: fund_0001
Revises: (base of the 'fund' branch; depends on the core's 0002)
Create Date: 2026-11-27 03:43:22.475686

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fund_0001'
down_revision = None
branch_labels = ('fund',)
depends_on = '0002'
# Databases made before plugins owned their migrations got these tables from the core's 0002:
# `flask portal init` stamps this revision there instead of running it (portal/schema.py).
adopted_from = '0002'


def upgrade():
    op.create_table('fund_category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_category')),
    sa.UniqueConstraint('name', name=op.f('uq_fund_category_name'))
    )
    op.create_table('fund_year',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('label', sa.Integer(), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.Column('carried_in', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_year')),
    sa.UniqueConstraint('label', name=op.f('uq_fund_year_label'))
    )
    op.create_table('fund_campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fund_year_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.Column('goal', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['fund_year_id'], ['fund_year.id'], name=op.f('fk_fund_campaign_fund_year_id_fund_year')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_campaign'))
    )
    with op.batch_alter_table('fund_campaign', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fund_campaign_fund_year_id'), ['fund_year_id'], unique=False)
    op.create_table('fund_counter',
    sa.Column('fund_year_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['fund_year_id'], ['fund_year.id'], name=op.f('fk_fund_counter_fund_year_id_fund_year'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('fund_year_id', 'kind', name=op.f('pk_fund_counter'))
    )
    op.create_table('fund_day_total',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('side', sa.String(length=1), nullable=False),
    sa.Column('fund_year_id', sa.Integer(), nullable=False),
    sa.Column('donor_type', sa.String(length=20), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.Column('lines', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['fund_year_id'], ['fund_year.id'], name=op.f('fk_fund_day_total_fund_year_id_fund_year')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_day_total')),
    sa.UniqueConstraint('day', 'side', 'donor_type', 'method', 'campaign_id', 'category_id', name='uq_fund_day_total_key')
    )
    with op.batch_alter_table('fund_day_total', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fund_day_total_fund_year_id'), ['fund_year_id'], unique=False)
    op.create_table('fund_unit_total',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=6), nullable=False),
    sa.Column('fund_year_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['fund_year_id'], ['fund_year.id'], name=op.f('fk_fund_unit_total_fund_year_id_fund_year')),
    sa.ForeignKeyConstraint(['unit_id'], ['directory_unit.id'], name=op.f('fk_fund_unit_total_unit_id_directory_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_unit_total')),
    sa.UniqueConstraint('unit_id', 'role', 'fund_year_id', 'campaign_id', name='uq_fund_unit_total_key')
    )
    op.create_table('fund_contribution',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fund_year_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('donor_unit_id', sa.Integer(), nullable=True),
    sa.Column('donor_name', sa.String(length=200), nullable=True),
    sa.Column('donor_type', sa.String(length=20), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('in_kind_description', sa.String(length=300), nullable=True),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('mobilised_by_id', sa.Integer(), nullable=True),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('reverses_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.CheckConstraint('(reverses_id IS NULL AND amount > 0) OR (reverses_id IS NOT NULL AND amount < 0)', name=op.f('ck_fund_contribution_ck_fund_contribution_sign')),
    sa.ForeignKeyConstraint(['campaign_id'], ['fund_campaign.id'], name=op.f('fk_fund_contribution_campaign_id_fund_campaign')),
    sa.ForeignKeyConstraint(['donor_unit_id'], ['directory_unit.id'], name=op.f('fk_fund_contribution_donor_unit_id_directory_unit')),
    sa.ForeignKeyConstraint(['fund_year_id'], ['fund_year.id'], name=op.f('fk_fund_contribution_fund_year_id_fund_year')),
    sa.ForeignKeyConstraint(['mobilised_by_id'], ['directory_unit.id'], name=op.f('fk_fund_contribution_mobilised_by_id_directory_unit')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['portal_user.id'], name=op.f('fk_fund_contribution_recorded_by_id_portal_user')),
    sa.ForeignKeyConstraint(['reverses_id'], ['fund_contribution.id'], name=op.f('fk_fund_contribution_reverses_id_fund_contribution')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_contribution')),
    sa.UniqueConstraint('fund_year_id', 'number', name='uq_fund_contribution_number'),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_fund_contribution_reverses_id'))
    )
    with op.batch_alter_table('fund_contribution', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fund_contribution_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index('ix_fund_contribution_date', ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_fund_contribution_donor_unit_id'), ['donor_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fund_contribution_mobilised_by_id'), ['mobilised_by_id'], unique=False)
        batch_op.create_index('ix_fund_contribution_year_date', ['fund_year_id', 'date', 'id'], unique=False)
    op.create_table('fund_disbursement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('beneficiary', sa.String(length=200), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=False),
    sa.Column('village', sa.String(length=120), nullable=False),
    sa.Column('household_status', sa.String(length=10), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('purpose', sa.String(length=500), nullable=False),
    sa.Column('decision_no', sa.String(length=80), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('proposed_at', sa.DateTime(), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('paid_by_id', sa.Integer(), nullable=True),
    sa.Column('paid_at', sa.DateTime(), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('fund_year_id', sa.Integer(), nullable=True),
    sa.Column('voucher_number', sa.Integer(), nullable=True),
    sa.Column('reverses_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.CheckConstraint('(reverses_id IS NULL AND amount > 0) OR (reverses_id IS NOT NULL AND amount < 0)', name=op.f('ck_fund_disbursement_ck_fund_disbursement_sign')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['portal_user.id'], name=op.f('fk_fund_disbursement_approved_by_id_portal_user')),
    sa.ForeignKeyConstraint(['category_id'], ['fund_category.id'], name=op.f('fk_fund_disbursement_category_id_fund_category')),
    sa.ForeignKeyConstraint(['commune_id'], ['directory_unit.id'], name=op.f('fk_fund_disbursement_commune_id_directory_unit')),
    sa.ForeignKeyConstraint(['fund_year_id'], ['fund_year.id'], name=op.f('fk_fund_disbursement_fund_year_id_fund_year')),
    sa.ForeignKeyConstraint(['paid_by_id'], ['portal_user.id'], name=op.f('fk_fund_disbursement_paid_by_id_portal_user')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['portal_user.id'], name=op.f('fk_fund_disbursement_proposed_by_id_portal_user')),
    sa.ForeignKeyConstraint(['reverses_id'], ['fund_disbursement.id'], name=op.f('fk_fund_disbursement_reverses_id_fund_disbursement')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_disbursement')),
    sa.UniqueConstraint('fund_year_id', 'voucher_number', name='uq_fund_disbursement_voucher'),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_fund_disbursement_reverses_id'))
    )
    with op.batch_alter_table('fund_disbursement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fund_disbursement_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fund_disbursement_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index('ix_fund_disbursement_paid', ['state', 'paid_on'], unique=False)
    op.create_table('fund_pledge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['fund_campaign.id'], name=op.f('fk_fund_pledge_campaign_id_fund_campaign')),
    sa.ForeignKeyConstraint(['unit_id'], ['directory_unit.id'], name=op.f('fk_fund_pledge_unit_id_directory_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_pledge')),
    sa.UniqueConstraint('campaign_id', 'unit_id', name=op.f('uq_fund_pledge_campaign_id'))
    )
    with op.batch_alter_table('fund_pledge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fund_pledge_unit_id'), ['unit_id'], unique=False)
    op.create_table('fund_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('disbursement_id', sa.Integer(), nullable=False),
    sa.Column('upload_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['disbursement_id'], ['fund_disbursement.id'], name=op.f('fk_fund_attachment_disbursement_id_fund_disbursement')),
    sa.ForeignKeyConstraint(['upload_id'], ['portal_upload.id'], name=op.f('fk_fund_attachment_upload_id_portal_upload')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_attachment'))
    )
    with op.batch_alter_table('fund_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fund_attachment_disbursement_id'), ['disbursement_id'], unique=False)


def downgrade():
    with op.batch_alter_table('fund_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fund_attachment_disbursement_id'))
    op.drop_table('fund_attachment')
    with op.batch_alter_table('fund_pledge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fund_pledge_unit_id'))
    op.drop_table('fund_pledge')
    with op.batch_alter_table('fund_disbursement', schema=None) as batch_op:
        batch_op.drop_index('ix_fund_disbursement_paid')
        batch_op.drop_index(batch_op.f('ix_fund_disbursement_commune_id'))
        batch_op.drop_index(batch_op.f('ix_fund_disbursement_category_id'))
    op.drop_table('fund_disbursement')
    with op.batch_alter_table('fund_contribution', schema=None) as batch_op:
        batch_op.drop_index('ix_fund_contribution_year_date')
        batch_op.drop_index(batch_op.f('ix_fund_contribution_mobilised_by_id'))
        batch_op.drop_index(batch_op.f('ix_fund_contribution_donor_unit_id'))
        batch_op.drop_index('ix_fund_contribution_date')
        batch_op.drop_index(batch_op.f('ix_fund_contribution_campaign_id'))
    op.drop_table('fund_contribution')
    op.drop_table('fund_unit_total')
    with op.batch_alter_table('fund_day_total', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fund_day_total_fund_year_id'))
    op.drop_table('fund_day_total')
    op.drop_table('fund_counter')
    with op.batch_alter_table('fund_campaign', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fund_campaign_fund_year_id'))
    op.drop_table('fund_campaign')
    op.drop_table('fund_year')
    op.drop_table('fund_category')
