"""search: trigram indexes for the caseload's text search (PostgreSQL only)

Revision ID: 0008
Revises: 0007

The caseload search is `lower(title) LIKE '%term%'` (and the narrative, for those who may read it) inside the
organization. Without an index PostgreSQL misjudged how many cases match a word (it assumed a handful), read
the organization's every case and sorted them: ~90 ms for an organization of 50,000 cases, growing with its size.
With GIN trigram indexes that lead with the organization (pg_trgm, and btree_gin for the uuid column), rare words
are a bitmap lookup (<1 ms) and the expression statistics let the planner walk the newest-first index for
common ones. Both extensions are "trusted": a role with CREATE on the database may add them. SQLite has no
equivalent and keeps scanning (embedded databases are small).
"""
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

INDEXES = {"ix_cases_org_title_trgm": "title", "ix_cases_org_narrative_trgm": "narrative"}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    for name, column in INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON cases USING gin (organization_id, lower({column}) gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
