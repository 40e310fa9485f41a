"""Cases, their assignees and their append-only timeline."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from domain.cases.workflow import CaseOutcome, CaseStatus
from domain.db import Base
from domain.types import created_at, enum_column, org_fk, pk, updated_at


class CasePriority(enum.Enum):
    LOW = "LOW"
    NORMAL = "NORMAL"
    HIGH = "HIGH"
    URGENT = "URGENT"


def case_reference(case_id: uuid.UUID) -> str:
    """The reference staff, letters and notifications use for a case: AC-1A2B3C4D."""
    return f"AC-{case_id.hex[:8].upper()}"


PRIORITY_RANK = {CasePriority.LOW: 1, CasePriority.NORMAL: 2, CasePriority.HIGH: 3, CasePriority.URGENT: 4}


class CaseEventKind(enum.Enum):
    NOTE = "NOTE"
    CALL = "CALL"
    MEETING = "MEETING"
    DOCUMENT = "DOCUMENT"
    STATUS_CHANGE = "STATUS_CHANGE"
    ASSIGNMENT = "ASSIGNMENT"
    ESCALATION = "ESCALATION"
    RESPONSE = "RESPONSE"
    MILESTONE = "MILESTONE"


# The text search's GIN trigram indexes (migration 0008): PostgreSQL only (pg_trgm, btree_gin), so not in the
# metadata, which both backends share.
POSTGRESQL_ONLY_INDEXES = frozenset({"ix_cases_org_title_trgm", "ix_cases_org_narrative_trgm"})


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_org_opened", "organization_id", "opened_on", "id"),
        Index("ix_cases_org_updated", "organization_id", "updated_at", "id"),
        Index("ix_cases_org_chapter_opened", "organization_id", "chapter_id", "opened_on"),
        Index("ix_cases_org_status", "organization_id", "status"),
        Index("ix_cases_org_category", "organization_id", "category", "subcategory"),
        Index("ix_cases_org_school", "organization_id", "school_id"),
        Index("ix_cases_org_district", "organization_id", "district_id"),
        Index("ix_cases_org_family", "organization_id", "family_id"),
        Index("ix_cases_org_priority", "organization_id", "priority_rank", "opened_on", "id"),
        UniqueConstraint("organization_id", "external_id"),
    )

    id: Mapped[uuid.UUID] = pk()
    organization_id: Mapped[uuid.UUID] = org_fk()
    chapter_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("chapters.id", ondelete="SET NULL"))
    family_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("families.id", ondelete="RESTRICT"), nullable=False)
    student_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("students.id", ondelete="SET NULL"))
    school_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("schools.id", ondelete="SET NULL"))
    district_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("districts.id", ondelete="SET NULL"))
    category: Mapped[str] = mapped_column(String(40), nullable=False)
    subcategory: Mapped[str] = mapped_column(String(60), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    narrative: Mapped[str] = mapped_column(Text, nullable=False, default="")
    priority: Mapped[CasePriority] = enum_column(CasePriority, nullable=False, default=CasePriority.NORMAL)
    priority_rank: Mapped[int] = mapped_column(Integer, nullable=False, default=2)
    status: Mapped[CaseStatus] = enum_column(CaseStatus, nullable=False, default=CaseStatus.INTAKE)
    opened_on: Mapped[date] = mapped_column(Date, nullable=False)
    incident_on: Mapped[date | None] = mapped_column(Date)
    next_action_due_on: Mapped[date | None] = mapped_column(Date)
    resolved_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[CaseOutcome | None] = enum_column(CaseOutcome)
    outcome_notes: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    external_id: Mapped[str | None] = mapped_column(String(100))  # id in the spreadsheet it was imported from
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()

    __mapper_args__ = {"version_id_col": version}


class CaseAssignee(Base):
    __tablename__ = "case_assignees"
    __table_args__ = (Index("ix_case_assignees_org_user_case", "organization_id", "user_id", "case_id"),)

    organization_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False)
    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    assigned_at: Mapped[datetime] = created_at()


class CaseEvent(Base):
    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_org_case", "organization_id", "case_id", "occurred_at"),)

    id: Mapped[uuid.UUID] = pk()
    organization_id: Mapped[uuid.UUID] = org_fk()
    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[CaseEventKind] = enum_column(CaseEventKind, nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False, default="")
    occurred_at: Mapped[datetime] = created_at()
    # e.g. {"from": "OPEN", "to": "RESOLVED", "outcome": ...} for a status change
    data: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    author_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_at()
