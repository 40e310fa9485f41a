"""campaigns, stories, networks

Revision ID: 0003
Revises: 0002
"""
import uuid

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def _status(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, length=40)


def upgrade() -> None:
    op.create_table('campaigns',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('goal', sa.Text(), nullable=False),
    sa.Column('target', sa.String(length=200), nullable=True),
    sa.Column('target_district_id', sa.Uuid(), nullable=True),
    sa.Column('status', _status('campaignstatus', 'PLANNING', 'ACTIVE', 'WON', 'CLOSED'), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_campaigns_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_campaigns_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_district_id'], ['districts.id'], name=op.f('fk_campaigns_target_district_id_districts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns'))
    )
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.create_index('ix_campaigns_org_created', ['organization_id', 'created_at', 'id'], unique=False)

    op.create_table('campaign_leads',
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('campaign_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_leads_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_campaign_leads_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_campaign_leads_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('campaign_id', 'user_id', name=op.f('pk_campaign_leads'))
    )
    with op.batch_alter_table('campaign_leads', schema=None) as batch_op:
        batch_op.create_index('ix_campaign_leads_org_user', ['organization_id', 'user_id'], unique=False)

    op.create_table('campaign_cases',
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('campaign_id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('linked_by_id', sa.Uuid(), nullable=True),
    sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_cases_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_campaign_cases_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['linked_by_id'], ['users.id'], name=op.f('fk_campaign_cases_linked_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_campaign_cases_organization_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('campaign_id', 'case_id', name=op.f('pk_campaign_cases'))
    )
    with op.batch_alter_table('campaign_cases', schema=None) as batch_op:
        batch_op.create_index('ix_campaign_cases_org_campaign', ['organization_id', 'campaign_id', 'linked_at'], unique=False)
        batch_op.create_index('ix_campaign_cases_org_case', ['organization_id', 'case_id'], unique=False)

    op.create_table('stories',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', _status('storystatus', 'DRAFT', 'APPROVED', 'REJECTED'), nullable=False),
    sa.Column('drafted_by_id', sa.Uuid(), nullable=True),
    sa.Column('updated_by_id', sa.Uuid(), nullable=True),
    sa.Column('reviewed_by_id', sa.Uuid(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('review_note', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_stories_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['drafted_by_id'], ['users.id'], name=op.f('fk_stories_drafted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_stories_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_stories_reviewed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_stories_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stories'))
    )
    with op.batch_alter_table('stories', schema=None) as batch_op:
        batch_op.create_index('ix_stories_org_case', ['organization_id', 'case_id'], unique=False)
        batch_op.create_index('ix_stories_org_created', ['organization_id', 'created_at', 'id'], unique=False)

    op.create_table('networks',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', _status('networkkind', 'COALITION', 'NATIONAL_NETWORK'), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('join_code', sa.String(length=40), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_networks_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_networks_organization_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_networks')),
    sa.UniqueConstraint('join_code', name=op.f('uq_networks_join_code'))
    )
    with op.batch_alter_table('networks', schema=None) as batch_op:
        batch_op.create_index('ix_networks_org', ['organization_id', 'created_at'], unique=False)

    op.create_table('network_members',
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('network_id', sa.Uuid(), nullable=False),
    sa.Column('joined_by_id', sa.Uuid(), nullable=True),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['joined_by_id'], ['users.id'], name=op.f('fk_network_members_joined_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_network_members_network_id_networks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_network_members_organization_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organization_id', 'network_id', name=op.f('pk_network_members'))
    )
    with op.batch_alter_table('network_members', schema=None) as batch_op:
        batch_op.create_index('ix_network_members_network', ['network_id'], unique=False)

    op.create_table('network_leads',
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('network_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_network_leads_network_id_networks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_network_leads_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_network_leads_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('network_id', 'user_id', name=op.f('pk_network_leads'))
    )
    with op.batch_alter_table('network_leads', schema=None) as batch_op:
        batch_op.create_index('ix_network_leads_org_user', ['organization_id', 'user_id'], unique=False)

    # Existing organizations get the grants for the new permissions (new ones copy default_policy.csv).
    orgs = sa.table("organizations", sa.column("id", sa.Uuid()), sa.column("policy_version", sa.Integer()))
    ids = [row[0] for row in op.get_bind().execute(sa.select(orgs.c.id))]
    op.bulk_insert(_rules(), [
        {"id": uuid.uuid4(), "organization_id": org_id, "ptype": "p", "v0": role, "v1": str(org_id),
         "v2": resource, "v3": action}
        for org_id in ids for role, resource, action in NEW_GRANTS
    ])
    op.execute(orgs.update().values(policy_version=orgs.c.policy_version + 1))


def _rules():
    return sa.table("policy_rules", sa.column("id", sa.Uuid()), sa.column("organization_id", sa.Uuid()),
                    sa.column("ptype", sa.String()), sa.column("v0", sa.String()), sa.column("v1", sa.String()),
                    sa.column("v2", sa.String()), sa.column("v3", sa.String()))


NEW_PERMISSIONS = (
    ("campaign", "read"), ("campaign", "manage"), ("case", "link"), ("story", "read"), ("story", "draft"),
    ("story", "approve"),
    ("stats", "read"), ("evidence", "export"), ("network", "lead"), ("network", "join"), ("network", "manage"),
)

NEW_GRANTS = (
    *(("admin", resource, action) for resource, action in NEW_PERMISSIONS),
    ("advocate", "campaign", "read"), ("advocate", "case", "link"), ("advocate", "story", "read"),
    ("advocate", "story", "draft"),
    ("advocate", "stats", "read"),
    ("campaign_lead", "campaign", "read"), ("campaign_lead", "campaign", "manage"),
    ("campaign_lead", "story", "read"), ("campaign_lead", "story", "approve"), ("campaign_lead", "stats", "read"),
    ("campaign_lead", "evidence", "export"), ("campaign_lead", "network", "lead"),
    ("viewer", "campaign", "read"), ("viewer", "stats", "read"),
)


def downgrade() -> None:
    rules = _rules()
    for resource, action in NEW_PERMISSIONS:
        op.execute(rules.delete().where(rules.c.ptype == "p", rules.c.v2 == resource, rules.c.v3 == action))
    orgs = sa.table("organizations", sa.column("policy_version", sa.Integer()))
    op.execute(orgs.update().values(policy_version=orgs.c.policy_version + 1))

    with op.batch_alter_table('network_leads', schema=None) as batch_op:
        batch_op.drop_index('ix_network_leads_org_user')
    op.drop_table('network_leads')
    with op.batch_alter_table('network_members', schema=None) as batch_op:
        batch_op.drop_index('ix_network_members_network')
    op.drop_table('network_members')
    with op.batch_alter_table('networks', schema=None) as batch_op:
        batch_op.drop_index('ix_networks_org')
    op.drop_table('networks')
    with op.batch_alter_table('stories', schema=None) as batch_op:
        batch_op.drop_index('ix_stories_org_created')
        batch_op.drop_index('ix_stories_org_case')
    op.drop_table('stories')
    with op.batch_alter_table('campaign_cases', schema=None) as batch_op:
        batch_op.drop_index('ix_campaign_cases_org_case')
        batch_op.drop_index('ix_campaign_cases_org_campaign')
    op.drop_table('campaign_cases')
    with op.batch_alter_table('campaign_leads', schema=None) as batch_op:
        batch_op.drop_index('ix_campaign_leads_org_user')
    op.drop_table('campaign_leads')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_index('ix_campaigns_org_created')
    op.drop_table('campaigns')
