"""family:erase, granted to the admin role of every existing organization

Revision ID: 0014
Revises: 0013

A family that asks to be forgotten is erased for good (domain/people/erasure.py). New organizations get the grant
from policies/default_policy.csv; existing ones get it here, and every process reloads their policy.
"""
import uuid

from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

GRANT = ("admin", "family", "erase")


def _tables():
    orgs = sa.table("organizations", sa.column("id", sa.Uuid()), sa.column("policy_version", sa.Integer()))
    rules = sa.table("policy_rules", sa.column("id", sa.Uuid()), sa.column("organization_id", sa.Uuid()),
                     sa.column("ptype", sa.String()), sa.column("v0", sa.String()), sa.column("v1", sa.String()),
                     sa.column("v2", sa.String()), sa.column("v3", sa.String()))
    return orgs, rules


def upgrade() -> None:
    orgs, rules = _tables()
    ids = [row[0] for row in op.get_bind().execute(sa.select(orgs.c.id))]
    if ids:
        role, resource, action = GRANT
        op.bulk_insert(rules, [{"id": uuid.uuid4(), "organization_id": org_id, "ptype": "p", "v0": role,
                                "v1": str(org_id), "v2": resource, "v3": action} for org_id in ids])
        op.execute(orgs.update().values(policy_version=orgs.c.policy_version + 1))


def downgrade() -> None:
    orgs, rules = _tables()
    _, resource, action = GRANT
    op.execute(rules.delete().where(rules.c.ptype == "p", rules.c.v2 == resource, rules.c.v3 == action))
    op.execute(orgs.update().values(policy_version=orgs.c.policy_version + 1))
