"""advocase_live_session(): a request's session lookup in one statement (PostgreSQL)

Revision ID: 0015
Revises: 0014

Every request with a token resolves its session first (domain.identity.service.resolve_actor). Before, that was
a transaction of its own: BEGIN, the token's organization found and set for row-level security, the session with
its member and chapters, COMMIT (four round trips, ~0.4 ms of the app's CPU per request). This function answers
the session, member and chapters of a live session token in one statement, run outside a transaction: a lookup
before the organization is known, like advocase_session_organization() of migration 0006 (SECURITY DEFINER,
owned by the migrating role, executable by the application role only). Who holds the token's digest learns what
the token itself grants, nothing more. PL/pgSQL so that each connection plans it once. SQLite needs nothing.
"""
import os

from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

APP_ROLE = os.environ.get("ADVOCASE_DATABASE_APP_ROLE", "advocase_app")  # as migration 0006
SIGNATURE = "advocase_live_session(p_token_hash text, p_now timestamptz, p_idle_since timestamptz)"
RETURNS = ("TABLE(session_id uuid, user_id uuid, organization_id uuid, last_seen_at timestamptz, "
           "policy_version integer, require_two_factor boolean, totp_enabled_at timestamptz, rotation_due boolean, "
           "time_zone text, chapter_id uuid)")
BODY = """
BEGIN
    RETURN QUERY
    SELECT s.id, s.user_id, s.organization_id, s.last_seen_at, o.policy_version, o.require_two_factor,
           u.totp_enabled_at, s.rotation_due, o.time_zone::text, mc.chapter_id
    FROM sessions s
    JOIN users u ON u.id = s.user_id
    JOIN memberships m ON m.user_id = s.user_id AND m.organization_id = s.organization_id
    JOIN organizations o ON o.id = s.organization_id
    LEFT JOIN membership_chapters mc ON mc.organization_id = s.organization_id AND mc.user_id = s.user_id
    WHERE s.token_hash = p_token_hash AND s.revoked_at IS NULL AND s.expires_at > p_now
      AND s.last_seen_at > p_idle_since AND u.active AND m.active;
END
"""


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    q = bind.dialect.identifier_preparer.quote
    schema = q(bind.execute(sa.text("SELECT current_schema()")).scalar())
    op.execute(f"CREATE OR REPLACE FUNCTION {SIGNATURE} RETURNS {RETURNS} LANGUAGE plpgsql STABLE SECURITY DEFINER "
               f"SET search_path = {schema}, pg_temp AS $fn$ {BODY} $fn$")
    op.execute(f"REVOKE ALL ON FUNCTION {SIGNATURE} FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION {SIGNATURE} TO {q(APP_ROLE)}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP FUNCTION IF EXISTS {SIGNATURE}")
