"""performance: tenant-leading indexes for the caseload scope and the priority order

Revision ID: 0007
Revises: 0006

- case_assignees (organization_id, user_id, case_id): "cases assigned to me" (record scope of every advocate's
  caseload) is an index-only lookup inside the tenant instead of a scan of every organization's assignments.
- cases (organization_id, priority_rank, opened_on, id): the PRIORITY order of the caseload reads one page
  from the index instead of sorting all of the organization's cases.
"""
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('case_assignees') as batch:
        batch.drop_index('ix_case_assignees_org_user')
        batch.create_index('ix_case_assignees_org_user_case', ['organization_id', 'user_id', 'case_id'])
    with op.batch_alter_table('cases') as batch:
        batch.create_index('ix_cases_org_priority', ['organization_id', 'priority_rank', 'opened_on', 'id'])


def downgrade() -> None:
    with op.batch_alter_table('cases') as batch:
        batch.drop_index('ix_cases_org_priority')
    with op.batch_alter_table('case_assignees') as batch:
        batch.drop_index('ix_case_assignees_org_user_case')
        batch.create_index('ix_case_assignees_org_user', ['organization_id', 'user_id'])
