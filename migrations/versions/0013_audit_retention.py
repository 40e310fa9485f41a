"""audit_events: the operator's retention purge (PostgreSQL)

Revision ID: 0013
Revises: 0012

The audit log stays append-only for everyone, the application's role included (it has no DELETE privilege). The
trigger now lets one delete through: of a row older than the cutoff that `advocase purge-audit` (run with the
owner's connection) names in the transaction-local setting advocase.audit_purge_before
(domain/audit/retention.py). SQLite needs no change: the purge drops and re-creates its trigger in its own
transaction.
"""
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

RETENTION_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND COALESCE(current_setting('advocase.audit_purge_before', true), '') <> '' THEN
        IF OLD.at < current_setting('advocase.audit_purge_before', true)::timestamptz THEN
            RETURN OLD;  -- the retention purge (domain/audit/retention.py)
        END IF;
    END IF;
    RAISE EXCEPTION USING
        MESSAGE = 'audit_events is append-only; ' || TG_OP || ' refused',
        ERRCODE = 'insufficient_privilege';
END
$$
"""
APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'audit_events is append-only; ' || TG_OP || ' refused',
        ERRCODE = 'insufficient_privilege';
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(RETENTION_FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY_FUNCTION)
