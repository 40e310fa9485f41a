"""Every model, so that Base.metadata is complete (Alembic, tests)."""

from domain.audit.models import AuditEvent
from domain.campaigns.models import (
    Campaign, CampaignCase, CampaignLead, Network, NetworkLead, NetworkMember, Story,
)
from domain.cases.models import Case, CaseAssignee, CaseEvent
from domain.db import Base
from domain.directory.models import District, DistrictContact, School
from domain.escalations.models import CaseDeadline, DistrictClosure, Escalation, EscalationLevel
from domain.idempotency import IdempotencyKey
from domain.identity.models import (
    Chapter, CustomRole, Membership, MembershipChapter, Organization, PolicyRule, Session, User, UserToken,
)
from domain.imports.models import ImportMapping
from domain.notifications.models import Notification, NotificationSetting
from domain.outbox.models import OutboxMessage
from domain.people.models import Consent, Family, Student
from domain.security.models import LoginThrottle

__all__ = [
    "AuditEvent", "Base", "Case", "CaseAssignee", "CaseDeadline", "CaseEvent", "Chapter", "Consent", "CustomRole",
    "District", "DistrictClosure", "DistrictContact", "Escalation", "EscalationLevel", "Family", "Membership",
    "MembershipChapter", "Organization", "OutboxMessage", "PolicyRule", "School", "Session", "Student", "User",
    "UserToken",
    "Campaign", "CampaignCase", "CampaignLead", "Network", "NetworkLead", "NetworkMember", "Story",
    "ImportMapping", "Notification", "NotificationSetting",
    "LoginThrottle",
    "IdempotencyKey",
]
