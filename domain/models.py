"""Every model, so that Base.metadata is complete (Alembic, tests)."""

from domain.audit.models import AuditEvent
from domain.cases.models import Case, CaseAssignee, CaseEvent
from domain.db import Base
from domain.directory.models import District, School
from domain.identity.models import Chapter, Membership, MembershipChapter, Organization, PolicyRule, Session, User
from domain.people.models import Consent, Family, Student

__all__ = [
    "AuditEvent", "Base", "Case", "CaseAssignee", "CaseEvent", "Chapter", "Consent", "District", "Family",
    "Membership", "MembershipChapter", "Organization", "PolicyRule", "School", "Session", "Student", "User",
]
