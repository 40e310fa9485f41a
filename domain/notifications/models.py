"""In-app notifications for staff, and each member's notification settings."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, UTCDateTime
from domain.types import created_at, enum_column, org_fk, pk, updated_at


class NotificationKind(enum.Enum):
    CASE_ASSIGNED = "CASE_ASSIGNED"
    ESCALATION_ANSWERED = "ESCALATION_ANSWERED"
    ESCALATION_OVERDUE = "ESCALATION_OVERDUE"
    DEADLINE_UPCOMING = "DEADLINE_UPCOMING"
    DEADLINE_MISSED = "DEADLINE_MISSED"


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        # one notification per recipient and event, however often the detection job runs
        UniqueConstraint("organization_id", "user_id", "dedupe_key"),
        Index("ix_notifications_org_user_created", "organization_id", "user_id", "created_at"),
        Index("ix_notifications_org_user_digest", "organization_id", "user_id", "emailed_at"),
    )

    id: Mapped[uuid.UUID] = pk()
    organization_id: Mapped[uuid.UUID] = org_fk()
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[NotificationKind] = enum_column(NotificationKind, nullable=False)
    case_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("cases.id", ondelete="CASCADE"))
    escalation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("escalations.id", ondelete="CASCADE"))
    deadline_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("case_deadlines.id", ondelete="CASCADE"))
    # what the message says, without family identity: case reference, case title, level, dates
    data: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    dedupe_key: Mapped[str] = mapped_column(String(120), nullable=False)
    due_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = created_at()
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # put in a daily digest


class NotificationSetting(Base):
    """A member's choices (per organization): the daily email digest, and the last day one was sent."""

    __tablename__ = "notification_settings"

    organization_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    email_digest: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    last_digest_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = updated_at()
