"""imports, saved column mappings, notifications

Revision ID: 0005
Revises: 0004
"""
import uuid

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# New permissions (policies/permissions.py), granted as policies/default_policy.csv grants them.
NEW_GRANTS = (("admin", "case", "import"), ("admin", "case", "export"), ("advocate", "case", "export"))


def upgrade() -> None:
    op.create_table('import_mappings',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('columns', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_import_mappings_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_import_mappings_organization_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_mappings')),
    sa.UniqueConstraint('organization_id', 'name', name=op.f('uq_import_mappings_organization_id_name'))
    )
    op.create_table('notifications',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.Enum('CASE_ASSIGNED', 'ESCALATION_ANSWERED', 'ESCALATION_OVERDUE', 'DEADLINE_UPCOMING', 'DEADLINE_MISSED', name='notificationkind', native_enum=False, length=40), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=True),
    sa.Column('escalation_id', sa.Uuid(), nullable=True),
    sa.Column('deadline_id', sa.Uuid(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=120), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('emailed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_notifications_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['deadline_id'], ['case_deadlines.id'], name=op.f('fk_notifications_deadline_id_case_deadlines'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['escalation_id'], ['escalations.id'], name=op.f('fk_notifications_escalation_id_escalations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_notifications_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('organization_id', 'user_id', 'dedupe_key', name=op.f('uq_notifications_organization_id_user_id_dedupe_key'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_org_user_created', ['organization_id', 'user_id', 'created_at'], unique=False)
        batch_op.create_index('ix_notifications_org_user_digest', ['organization_id', 'user_id', 'emailed_at'], unique=False)

    op.create_table('notification_settings',
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('email_digest', sa.Boolean(), nullable=False),
    sa.Column('last_digest_on', sa.Date(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_notification_settings_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_settings_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organization_id', 'user_id', name=op.f('pk_notification_settings'))
    )

    for table in ('families', 'students', 'cases'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('external_id', sa.String(length=100), nullable=True))
            batch_op.create_unique_constraint(op.f(f'uq_{table}_organization_id_external_id'),
                                              ['organization_id', 'external_id'])

    # Existing organizations get the new permissions; every process reloads the policy.
    orgs = sa.table("organizations", sa.column("id", sa.Uuid()), sa.column("policy_version", sa.Integer()))
    ids = [row[0] for row in op.get_bind().execute(sa.select(orgs.c.id))]
    rules = sa.table("policy_rules", sa.column("id", sa.Uuid()), sa.column("organization_id", sa.Uuid()),
                     sa.column("ptype", sa.String()), sa.column("v0", sa.String()), sa.column("v1", sa.String()),
                     sa.column("v2", sa.String()), sa.column("v3", sa.String()))
    if ids:
        op.bulk_insert(rules, [
            {"id": uuid.uuid4(), "organization_id": org_id, "ptype": "p", "v0": role, "v1": str(org_id),
             "v2": resource, "v3": action}
            for org_id in ids for role, resource, action in NEW_GRANTS
        ])
        op.execute(orgs.update().values(policy_version=orgs.c.policy_version + 1))


def downgrade() -> None:
    rules = sa.table("policy_rules", sa.column("ptype", sa.String()), sa.column("v2", sa.String()),
                     sa.column("v3", sa.String()))
    for resource, action in {(res, act) for _, res, act in NEW_GRANTS}:
        op.execute(rules.delete().where(rules.c.ptype == "p", rules.c.v2 == resource, rules.c.v3 == action))
    orgs = sa.table("organizations", sa.column("policy_version", sa.Integer()))
    op.execute(orgs.update().values(policy_version=orgs.c.policy_version + 1))

    for table in ('cases', 'students', 'families'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'uq_{table}_organization_id_external_id'), type_='unique')
            batch_op.drop_column('external_id')
    op.drop_table('notification_settings')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_org_user_digest')
        batch_op.drop_index('ix_notifications_org_user_created')
    op.drop_table('notifications')
    op.drop_table('import_mappings')
