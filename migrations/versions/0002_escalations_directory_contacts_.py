"""escalations, directory contacts, calendars, deadlines, outbox

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 07:32:08.349390
"""
import uuid

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    levels = op.create_table('escalation_levels',
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('level', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('response_window_school_days', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_escalation_levels_organization_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organization_id', 'level', name=op.f('pk_escalation_levels'))
    )
    op.create_table('outbox_messages',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('related_type', sa.String(length=40), nullable=True),
    sa.Column('related_id', sa.Uuid(), nullable=True),
    sa.Column('language', sa.String(length=12), nullable=False),
    sa.Column('to_addrs', sa.JSON(), nullable=False),
    sa.Column('cc_addrs', sa.JSON(), nullable=False),
    sa.Column('reply_to', sa.String(length=320), nullable=True),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=True),
    sa.Column('status', sa.Enum('PENDING', 'SENDING', 'SENT', 'FAILED', name='outboxstatus', native_enum=False, length=40), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_outbox_messages_organization_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_messages_org_related', ['organization_id', 'related_type', 'related_id'], unique=False)
        batch_op.create_index('ix_outbox_messages_status_next', ['status', 'next_attempt_at'], unique=False)

    op.create_table('district_closures',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('district_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_district_closures_district_id_districts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_district_closures_organization_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_district_closures'))
    )
    with op.batch_alter_table('district_closures', schema=None) as batch_op:
        batch_op.create_index('ix_district_closures_org_district', ['organization_id', 'district_id', 'starts_on'], unique=False)

    op.create_table('district_contacts',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('district_id', sa.Uuid(), nullable=False),
    sa.Column('school_id', sa.Uuid(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.Column('office', sa.String(length=200), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('issue_areas', sa.JSON(), nullable=False),
    sa.Column('ladder_level', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_district_contacts_district_id_districts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_district_contacts_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_district_contacts_school_id_schools'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_district_contacts'))
    )
    with op.batch_alter_table('district_contacts', schema=None) as batch_op:
        batch_op.create_index('ix_district_contacts_org_district', ['organization_id', 'district_id', 'ladder_level'], unique=False)

    op.create_table('case_deadlines',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('rule_code', sa.String(length=60), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('citation', sa.String(length=120), nullable=False),
    sa.Column('milestone', sa.String(length=60), nullable=False),
    sa.Column('trigger_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('met_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_deadlines_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_case_deadlines_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_case_deadlines_organization_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_deadlines'))
    )
    with op.batch_alter_table('case_deadlines', schema=None) as batch_op:
        batch_op.create_index('ix_case_deadlines_org_case', ['organization_id', 'case_id'], unique=False)
        batch_op.create_index('ix_case_deadlines_org_due', ['organization_id', 'met_on', 'due_on'], unique=False)

    op.create_table('escalations',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('district_id', sa.Uuid(), nullable=True),
    sa.Column('contact_id', sa.Uuid(), nullable=False),
    sa.Column('previous_id', sa.Uuid(), nullable=True),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('level_name', sa.String(length=80), nullable=False),
    sa.Column('office', sa.String(length=120), nullable=True),
    sa.Column('channel', sa.Enum('EMAIL', 'LETTER', 'PHONE', 'MEETING', name='escalationchannel', native_enum=False, length=40), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('remedy_requested', sa.Text(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('response_window_school_days', sa.Integer(), nullable=False),
    sa.Column('response_due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('SENT', 'ACKNOWLEDGED', 'RESPONDED', 'CLOSED', name='escalationstatus', native_enum=False, length=40), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('responded_on', sa.Date(), nullable=True),
    sa.Column('response_notes', sa.Text(), nullable=True),
    sa.Column('response_school_days', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('idempotency_key', sa.String(length=100), nullable=True),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_escalations_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contact_id'], ['district_contacts.id'], name=op.f('fk_escalations_contact_id_district_contacts'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_escalations_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_escalations_district_id_districts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_escalations_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['previous_id'], ['escalations.id'], name=op.f('fk_escalations_previous_id_escalations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escalations')),
    sa.UniqueConstraint('organization_id', 'idempotency_key', name=op.f('uq_escalations_organization_id_idempotency_key'))
    )
    with op.batch_alter_table('escalations', schema=None) as batch_op:
        batch_op.create_index('ix_escalations_org_case', ['organization_id', 'case_id', 'sent_at'], unique=False)
        batch_op.create_index('ix_escalations_org_district', ['organization_id', 'district_id', 'sent_on'], unique=False)
        batch_op.create_index('ix_escalations_org_status_due', ['organization_id', 'status', 'response_due_on'], unique=False)

    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deadline_profile', sa.String(length=40), nullable=False,
                                      server_default='FEDERAL_IDEA'))



    # Existing organizations get the default ladder and the grants for the new permissions.
    orgs = sa.table("organizations", sa.column("id", sa.Uuid()), sa.column("policy_version", sa.Integer()))
    ids = [row[0] for row in op.get_bind().execute(sa.select(orgs.c.id))]
    op.bulk_insert(levels, [
        {"organization_id": org_id, "level": level, "name": name, "response_window_school_days": days}
        for org_id in ids
        for level, name, days in ((1, "School", 5), (2, "District office", 10), (3, "State agency", 30),
                                  (4, "Federal office", 30))
    ])
    rules = sa.table("policy_rules", sa.column("id", sa.Uuid()), sa.column("organization_id", sa.Uuid()),
                     sa.column("ptype", sa.String()), sa.column("v0", sa.String()), sa.column("v1", sa.String()),
                     sa.column("v2", sa.String()), sa.column("v3", sa.String()))
    op.bulk_insert(rules, [
        {"id": uuid.uuid4(), "organization_id": org_id, "ptype": "p", "v0": role, "v1": str(org_id),
         "v2": resource, "v3": action}
        for org_id in ids for role, resource, action in NEW_GRANTS
    ])
    op.execute(orgs.update().values(policy_version=orgs.c.policy_version + 1))


NEW_GRANTS = (
    ("admin", "directory", "manage"), ("admin", "escalation", "read"), ("admin", "escalation", "send"),
    ("admin", "escalation", "update"), ("admin", "escalation", "report"), ("admin", "organization", "configure"),
    ("advocate", "directory", "manage"), ("advocate", "escalation", "read"), ("advocate", "escalation", "send"),
    ("advocate", "escalation", "update"), ("advocate", "escalation", "report"),
    ("campaign_lead", "escalation", "report"),
    ("viewer", "escalation", "read"), ("viewer", "escalation", "report"),
)


def downgrade() -> None:
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_column('deadline_profile')

    with op.batch_alter_table('escalations', schema=None) as batch_op:
        batch_op.drop_index('ix_escalations_org_status_due')
        batch_op.drop_index('ix_escalations_org_district')
        batch_op.drop_index('ix_escalations_org_case')

    op.drop_table('escalations')
    with op.batch_alter_table('case_deadlines', schema=None) as batch_op:
        batch_op.drop_index('ix_case_deadlines_org_due')
        batch_op.drop_index('ix_case_deadlines_org_case')

    op.drop_table('case_deadlines')
    with op.batch_alter_table('district_contacts', schema=None) as batch_op:
        batch_op.drop_index('ix_district_contacts_org_district')

    op.drop_table('district_contacts')
    with op.batch_alter_table('district_closures', schema=None) as batch_op:
        batch_op.drop_index('ix_district_closures_org_district')

    op.drop_table('district_closures')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_status_next')
        batch_op.drop_index('ix_outbox_messages_org_related')

    op.drop_table('outbox_messages')
    op.drop_table('escalation_levels')
