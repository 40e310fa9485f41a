"""user invitations, custom roles, audit hardening

Revision ID: 0004
Revises: 0003
"""
import uuid

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# New permissions (policies/permissions.py), granted to the admin role of every existing organization.
NEW_GRANTS = (("admin", "user", "manage"), ("admin", "role", "manage"), ("admin", "audit", "read"))

# PostgreSQL: the audit log is append-only whoever connects (the application's role included).
AUDIT_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'audit_events is append-only; ' || TG_OP || ' refused',
        ERRCODE = 'insufficient_privilege';
END
$$
"""
AUDIT_TRIGGERS = (
    "CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
    "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()",
)
# SQLite (the zero-setup default): the same guarantee against any UPDATE or DELETE the application (or a tool using
# its database file through SQLite) attempts; SQLite has no TRUNCATE (an unqualified DELETE fires the trigger too).
# A later batch_alter_table('audit_events') would recreate the table without them: re-create them there
# (tests/api/test_admin_migration.py checks they exist at head).
SQLITE_AUDIT_TRIGGERS = (
    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only; UPDATE refused'); END",
    "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only; DELETE refused'); END",
)


def upgrade() -> None:
    op.create_table('custom_roles',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_custom_roles_organization_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_custom_roles')),
    sa.UniqueConstraint('organization_id', 'name', name=op.f('uq_custom_roles_organization_id_name'))
    )
    op.create_table('user_tokens',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('purpose', sa.Enum('INVITATION', 'PASSWORD_RESET', name='tokenpurpose', native_enum=False, length=40), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_user_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_user_id'], ['users.id'], name=op.f('fk_user_tokens_created_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_user_tokens_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_user_tokens_token_hash'))
    )
    with op.batch_alter_table('user_tokens', schema=None) as batch_op:
        batch_op.create_index('ix_user_tokens_org_user', ['organization_id', 'user_id', 'purpose'], unique=False)
        batch_op.create_index('ix_user_tokens_user', ['user_id', 'purpose', 'created_at'], unique=False)

    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.add_column(sa.Column('joined_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('deactivated_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('languages', sa.JSON(), nullable=False,
                                      server_default=sa.text("'[\"en\", \"es\"]'")))

    # Existing members joined when they were added; inactive ones count as deactivated.
    memberships = sa.table("memberships", sa.column("active", sa.Boolean()),
                           sa.column("created_at", sa.DateTime(timezone=True)),
                           sa.column("joined_at", sa.DateTime(timezone=True)),
                           sa.column("deactivated_at", sa.DateTime(timezone=True)))
    op.execute(memberships.update().values(joined_at=memberships.c.created_at))
    op.execute(memberships.update().where(memberships.c.active == sa.false())
               .values(deactivated_at=memberships.c.created_at))

    # Existing organizations: their admins get the new permissions; every process reloads the policy.
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

    if op.get_bind().dialect.name == "postgresql":
        op.execute(AUDIT_FUNCTION)
        for statement in AUDIT_TRIGGERS:
            op.execute(statement)
    elif op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_AUDIT_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update_delete ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
    elif op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")

    rules = sa.table("policy_rules", sa.column("ptype", sa.String()), sa.column("v0", sa.String()),
                     sa.column("v2", sa.String()), sa.column("v3", sa.String()))
    for role, resource, action in NEW_GRANTS:
        op.execute(rules.delete().where(rules.c.ptype == "p", rules.c.v2 == resource, rules.c.v3 == action))
    orgs = sa.table("organizations", sa.column("policy_version", sa.Integer()))
    op.execute(orgs.update().values(policy_version=orgs.c.policy_version + 1))

    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_column('languages')

    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_column('deactivated_at')
        batch_op.drop_column('joined_at')

    with op.batch_alter_table('user_tokens', schema=None) as batch_op:
        batch_op.drop_index('ix_user_tokens_user')
        batch_op.drop_index('ix_user_tokens_org_user')

    op.drop_table('user_tokens')
    op.drop_table('custom_roles')
