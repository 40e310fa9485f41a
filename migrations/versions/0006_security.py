"""row-level security, login throttling, second factor

Revision ID: 0006
Revises: 0005
"""
import os

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


# ---------------------------------------------------------------- sign-in protection (throttling, TOTP)


def upgrade_sign_in() -> None:
    op.create_table('login_throttles',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('key', sa.String(length=254), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('first_failure_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_throttles')),
    sa.UniqueConstraint('scope', 'key', name=op.f('uq_login_throttles_scope_key'))
    )
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('totp_enabled_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))
    with op.batch_alter_table('organizations') as batch:
        batch.add_column(sa.Column('require_two_factor', sa.Boolean(), nullable=False,
                                   server_default=sa.text('false')))
    with op.batch_alter_table('sessions') as batch:
        batch.add_column(sa.Column('rotation_due', sa.Boolean(), nullable=False, server_default=sa.text('false')))


def downgrade_sign_in() -> None:
    with op.batch_alter_table('sessions') as batch:
        batch.drop_column('rotation_due')
    with op.batch_alter_table('organizations') as batch:
        batch.drop_column('require_two_factor')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('totp_last_step')
        batch.drop_column('totp_enabled_at')
        batch.drop_column('totp_secret')
    op.drop_table('login_throttles')


# ---------------------------------------------------------------- row-level security (data half: below)


def upgrade() -> None:
    upgrade_sign_in()
    upgrade_optimistic_locking()
    upgrade_settings_versions()
    upgrade_row_level_security()  # last: it covers every table with an organization_id that exists by now


def downgrade() -> None:
    downgrade_row_level_security()  # first
    downgrade_settings_versions()
    downgrade_optimistic_locking()
    downgrade_sign_in()

# ---------------------------------------------------------------- row-level security (PostgreSQL only)
#
# The application connects as a member of APP_ROLE: it owns nothing, cannot bypass row-level security and
# sees, on every table with an organization_id, only the rows of the organization its transaction names in
# the `advocase.organization_id` setting (domain.db.tenant); unset, none. The role running migrations owns
# the tables and must bypass row-level security (superuser or BYPASSRLS): the lookup functions below run
# with its rights. The audit table is append-only for the application. README: "Data protection and
# reliability".

APP_ROLE = os.environ.get("ADVOCASE_DATABASE_APP_ROLE", "advocase_app")
CURRENT_ORG = "NULLIF(current_setting('advocase.organization_id', true), '')::uuid"
AUDIT_TABLE = "audit_events"
# networks are seen by their convener and by their members; memberships by the member and the convener
NETWORKS, NETWORK_MEMBERS = "networks", "network_members"

# name(arguments) -> (returns, body): the questions asked before an organization is known; ids only
LOOKUPS = {
    "advocase_session_organization(p_token_hash text)":
        ("uuid", "SELECT organization_id FROM sessions WHERE token_hash = p_token_hash"),
    "advocase_user_token_organization(p_token_hash text)":
        ("uuid", "SELECT organization_id FROM user_tokens WHERE token_hash = p_token_hash"),
    "advocase_user_organizations(p_user uuid)":
        ("TABLE(organization_id uuid, active boolean)",
         "SELECT m.organization_id, m.active FROM memberships m WHERE m.user_id = p_user ORDER BY m.created_at, m.id"),
    "advocase_network_by_join_code(p_code text)":
        ("uuid", "SELECT id FROM networks WHERE join_code = p_code"),
    "advocase_network_convener(p_network uuid)":
        ("uuid", "SELECT organization_id FROM networks WHERE id = p_network"),
    "advocase_outbox_due_organizations(p_now timestamptz)":
        ("SETOF uuid", "SELECT DISTINCT organization_id FROM outbox_messages WHERE "
                       "(status = 'PENDING' AND next_attempt_at <= p_now) OR (status = 'SENDING' AND locked_until < p_now)"),
    "advocase_outbox_counts()":
        ("TABLE(status text, n bigint)", "SELECT o.status::text, count(*) FROM outbox_messages o GROUP BY o.status"),
}


def _tenant_tables(bind) -> list[str]:
    return list(bind.execute(sa.text(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'organization_id' AND NOT a.attisdropped "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY 1")).scalars())


def upgrade_row_level_security() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    q = bind.dialect.identifier_preparer.quote
    can_bypass = bind.execute(sa.text(
        "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")).scalar()
    if not can_bypass:
        raise RuntimeError(
            "Migrations must run as the role that owns the tables and bypasses row-level security (a superuser "
            "or a role with BYPASSRLS), e.g. ADVOCASE_MIGRATION_DATABASE_URL; see README, 'Data protection and "
            "reliability'.")
    app = q(APP_ROLE)
    schema = bind.execute(sa.text("SELECT current_schema()")).scalar()
    # bandit B608 (below, and on the other DDL of this file): statements built from constants, quoted
    # identifiers and the operator's setting, never from requests
    op.execute(f"""DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
            CREATE ROLE {app} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
        END IF; END $$""")  # nosec B608
    if bind.execute(sa.text("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = :r"),
                    {"r": APP_ROLE}).scalar():
        raise RuntimeError(f"The application role {APP_ROLE} must not be a superuser nor have BYPASSRLS.")

    for signature, (returns, body) in LOOKUPS.items():
        op.execute(f"CREATE OR REPLACE FUNCTION {signature} RETURNS {returns} LANGUAGE sql STABLE SECURITY DEFINER "
                   f"SET search_path = {q(schema)}, pg_temp AS $fn$ {body} $fn$")
        op.execute(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {signature} TO {app}")

    for table in _tenant_tables(bind):
        t = q(table)
        op.execute(f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {t} FORCE ROW LEVEL SECURITY")
        if table == AUDIT_TABLE:
            op.execute(f"CREATE POLICY audit_read ON {t} FOR SELECT USING (organization_id = {CURRENT_ORG})")
            op.execute(f"CREATE POLICY audit_append ON {t} FOR INSERT "
                       f"WITH CHECK (organization_id IS NULL OR organization_id = {CURRENT_ORG})")
        elif table == NETWORKS:
            op.execute(f"CREATE POLICY tenant_isolation ON {t} USING (organization_id = {CURRENT_ORG} OR EXISTS "  # nosec B608
                       f"(SELECT 1 FROM {q(NETWORK_MEMBERS)} m WHERE m.network_id = {t}.id "
                       f"AND m.organization_id = {CURRENT_ORG})) WITH CHECK (organization_id = {CURRENT_ORG})")
        elif table == NETWORK_MEMBERS:
            op.execute(f"CREATE POLICY tenant_isolation ON {t} USING (organization_id = {CURRENT_ORG} OR "
                       f"advocase_network_convener(network_id) = {CURRENT_ORG}) "
                       f"WITH CHECK (organization_id = {CURRENT_ORG})")
        else:
            op.execute(f"CREATE POLICY tenant_isolation ON {t} USING (organization_id = {CURRENT_ORG}) "
                       f"WITH CHECK (organization_id = {CURRENT_ORG})")

    s = q(schema)
    op.execute(f"GRANT USAGE ON SCHEMA {s} TO {app}")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {app}")
    op.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {app}")
    op.execute(f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {app}")
    op.execute(f"REVOKE UPDATE, DELETE ON {q(AUDIT_TABLE)} FROM {app}")  # append-only
    # tables of later migrations get the same grants (and must get a policy: tests/api/test_row_level_security.py)
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}")
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT USAGE, SELECT ON SEQUENCES TO {app}")


def downgrade_row_level_security() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    q = bind.dialect.identifier_preparer.quote
    app, s = q(APP_ROLE), q(bind.execute(sa.text("SELECT current_schema()")).scalar())
    for table in _tenant_tables(bind):
        t = q(table)
        for (policy,) in bind.execute(sa.text("SELECT policyname FROM pg_policies WHERE schemaname = current_schema() "
                                              "AND tablename = :t"), {"t": table}):
            op.execute(f"DROP POLICY {q(policy)} ON {t}")
        op.execute(f"ALTER TABLE {t} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {t} DISABLE ROW LEVEL SECURITY")
    for signature in LOOKUPS:
        op.execute(f"DROP FUNCTION IF EXISTS {signature}")
    if bind.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": APP_ROLE}).scalar():
        op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM {app}")
        op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} REVOKE USAGE, SELECT ON SEQUENCES FROM {app}")  # nosec B608
        op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {app}")
        op.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM {app}")
        op.execute(f"REVOKE USAGE ON SCHEMA {s} FROM {app}")
        # the role itself stays: other databases of the cluster may use it


# ---------------------------------------------------------------- optimistic locking and idempotency keys

VERSIONED = ("districts", "schools")


def upgrade_optimistic_locking() -> None:
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    # idempotency keys of mutations with an outside effect (domain/idempotency.py)
    op.create_table('idempotency_keys',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('operation', sa.String(length=60), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.Column('result_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_idempotency_keys_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_idempotency_keys_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_keys')),
    sa.UniqueConstraint('organization_id', 'operation', 'key', name=op.f('uq_idempotency_keys_organization_id_operation_key'))
    )
    with op.batch_alter_table('idempotency_keys') as batch:
        batch.create_index('ix_idempotency_keys_org_created', ['organization_id', 'created_at'], unique=False)


def downgrade_optimistic_locking() -> None:
    op.drop_table('idempotency_keys')
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")


# ---------------------------------------------------------------- optimistic locking of settings records
# organization settings (updateOrganizationSettings), chapters (renameChapter), import mappings
# (updateImportMapping): each update names the version it read; a stale one is a CONFLICT.

SETTINGS_VERSIONED = ("organizations", "chapters", "import_mappings")


def upgrade_settings_versions() -> None:
    for table in SETTINGS_VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade_settings_versions() -> None:
    for table in reversed(SETTINGS_VERSIONED):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
