"""The escalation ladder, district calendars, escalations and statutory case deadlines."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, UTCDateTime
from domain.types import created_at, enum_column, org_fk, pk, updated_at


class EscalationChannel(enum.Enum):
    EMAIL = "EMAIL"
    LETTER = "LETTER"
    PHONE = "PHONE"
    MEETING = "MEETING"


class EscalationStatus(enum.Enum):
    SENT = "SENT"
    ACKNOWLEDGED = "ACKNOWLEDGED"
    RESPONDED = "RESPONDED"
    CLOSED = "CLOSED"


# The ladder every new organization starts with: (level, name, response window in school days).
DEFAULT_LADDER = ((1, "School", 5), (2, "District office", 10), (3, "State agency", 30), (4, "Federal office", 30))


class EscalationLevel(Base):
    """A rung of an organization's ladder: 1 School, 2 District office, 3 State agency, 4 Federal office."""

    __tablename__ = "escalation_levels"

    organization_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True)
    level: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(80), nullable=False)
    response_window_school_days: Mapped[int] = mapped_column(Integer, nullable=False)


class DistrictClosure(Base):
    """Days a district's schools are closed (holidays, vacation weeks); weekends are always closed."""

    __tablename__ = "district_closures"
    __table_args__ = (Index("ix_district_closures_org_district", "organization_id", "district_id", "starts_on"),)

    id: Mapped[uuid.UUID] = pk()
    organization_id: Mapped[uuid.UUID] = org_fk()
    district_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("districts.id", ondelete="CASCADE"),
                                                   nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(Date, nullable=False)


class Escalation(Base):
    __tablename__ = "escalations"
    __table_args__ = (
        UniqueConstraint("organization_id", "idempotency_key"),
        Index("ix_escalations_org_case", "organization_id", "case_id", "sent_at"),
        Index("ix_escalations_org_status_due", "organization_id", "status", "response_due_on"),
        Index("ix_escalations_org_due", "organization_id", "response_due_on", "id"),  # the escalations page's order
        Index("ix_escalations_org_district", "organization_id", "district_id", "sent_on"),
    )

    id: Mapped[uuid.UUID] = pk()
    organization_id: Mapped[uuid.UUID] = org_fk()
    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False)
    district_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("districts.id", ondelete="SET NULL"))
    contact_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("district_contacts.id", ondelete="RESTRICT"),
                                                  nullable=False)
    previous_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("escalations.id", ondelete="SET NULL"))
    level: Mapped[int] = mapped_column(Integer, nullable=False)
    level_name: Mapped[str] = mapped_column(String(80), nullable=False)
    office: Mapped[str | None] = mapped_column(String(120))
    channel: Mapped[EscalationChannel] = enum_column(EscalationChannel, nullable=False)
    summary: Mapped[str] = mapped_column(Text, nullable=False)
    remedy_requested: Mapped[str] = mapped_column(Text, nullable=False)
    sent_at: Mapped[datetime] = created_at()
    sent_on: Mapped[date] = mapped_column(Date, nullable=False)
    response_window_school_days: Mapped[int] = mapped_column(Integer, nullable=False)
    response_due_on: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[EscalationStatus] = enum_column(EscalationStatus, nullable=False, default=EscalationStatus.SENT)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_on: Mapped[date | None] = mapped_column(Date)
    response_notes: Mapped[str | None] = mapped_column(Text)
    response_school_days: Mapped[int | None] = mapped_column(Integer)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    updated_at: Mapped[datetime] = updated_at()

    __mapper_args__ = {"version_id_col": version}


class CaseDeadline(Base):
    """A statutory deadline created when its triggering milestone is recorded on a case."""

    __tablename__ = "case_deadlines"
    __table_args__ = (Index("ix_case_deadlines_org_due", "organization_id", "met_on", "due_on"),
                      Index("ix_case_deadlines_org_case", "organization_id", "case_id"))

    id: Mapped[uuid.UUID] = pk()
    organization_id: Mapped[uuid.UUID] = org_fk()
    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False)
    rule_code: Mapped[str] = mapped_column(String(60), nullable=False)
    label: Mapped[str] = mapped_column(String(200), nullable=False)
    citation: Mapped[str] = mapped_column(String(120), nullable=False)
    milestone: Mapped[str] = mapped_column(String(60), nullable=False)
    trigger_on: Mapped[date] = mapped_column(Date, nullable=False)
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    met_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_at()
