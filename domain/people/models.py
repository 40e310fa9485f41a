"""Families (households), students and the consents a family gives."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, UTCDateTime
from domain.types import created_at, enum_column, org_fk, pk, updated_at


class SpecialEducationStatus(enum.Enum):
    NONE = "NONE"
    EVALUATION_REQUESTED = "EVALUATION_REQUESTED"
    IEP = "IEP"
    PLAN_504 = "PLAN_504"
    UNKNOWN = "UNKNOWN"


class EnglishLearnerStatus(enum.Enum):
    NOT_EL = "NOT_EL"
    EL = "EL"
    FORMER_EL = "FORMER_EL"
    UNKNOWN = "UNKNOWN"


class ConsentKind(enum.Enum):
    SHARE_WITH_DISTRICT = "SHARE_WITH_DISTRICT"
    SHARE_STORY = "SHARE_STORY"
    AGGREGATE_OPT_OUT = "AGGREGATE_OPT_OUT"


class ConsentMethod(enum.Enum):
    WRITTEN = "WRITTEN"
    ELECTRONIC = "ELECTRONIC"
    VERBAL = "VERBAL"


class Family(Base):
    __tablename__ = "families"
    __table_args__ = (
        Index("ix_families_org_chapter", "organization_id", "chapter_id"),
        Index("ix_families_org_name", "organization_id", "display_name"),
        Index("ix_families_org_created", "organization_id", "created_at", "id"),  # the families page's order
        # the id a family has in the spreadsheet it was imported from (re-imports update it)
        UniqueConstraint("organization_id", "external_id"),
    )

    id: Mapped[uuid.UUID] = pk()
    organization_id: Mapped[uuid.UUID] = org_fk()
    chapter_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("chapters.id", ondelete="SET NULL"))
    display_name: Mapped[str] = mapped_column(String(200), nullable=False)
    # [{"name": ..., "relationship": ..., "phone": ..., "email": ...}]
    guardians: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    address_area: Mapped[str | None] = mapped_column(String(120))
    preferred_language: Mapped[str] = mapped_column(String(12), nullable=False, default="en")
    interpreter_needed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # ["SMS", "PHONE", ...] in order of preference
    contact_channels: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    contact_notes: Mapped[str | None] = mapped_column(Text)
    external_id: Mapped[str | None] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()

    __mapper_args__ = {"version_id_col": version}


class Student(Base):
    __tablename__ = "students"
    __table_args__ = (Index("ix_students_org_family", "organization_id", "family_id"),
                      UniqueConstraint("organization_id", "external_id"))

    id: Mapped[uuid.UUID] = pk()
    organization_id: Mapped[uuid.UUID] = org_fk()
    family_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("families.id", ondelete="CASCADE"), nullable=False)
    first_name: Mapped[str] = mapped_column(String(100), nullable=False)
    last_name: Mapped[str] = mapped_column(String(100), nullable=False)
    school_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("schools.id", ondelete="SET NULL"))
    grade: Mapped[str | None] = mapped_column(String(4))
    special_education: Mapped[SpecialEducationStatus] = enum_column(
        SpecialEducationStatus, nullable=False, default=SpecialEducationStatus.UNKNOWN)
    english_learner: Mapped[EnglishLearnerStatus] = enum_column(
        EnglishLearnerStatus, nullable=False, default=EnglishLearnerStatus.UNKNOWN)
    race_ethnicity: Mapped[list | None] = mapped_column(JSON)
    gender: Mapped[str | None] = mapped_column(String(40))
    external_id: Mapped[str | None] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()

    __mapper_args__ = {"version_id_col": version}


class Consent(Base):
    __tablename__ = "consents"
    __table_args__ = (Index("ix_consents_org_family", "organization_id", "family_id", "kind"),)

    id: Mapped[uuid.UUID] = pk()
    organization_id: Mapped[uuid.UUID] = org_fk()
    family_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("families.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[ConsentKind] = enum_column(ConsentKind, nullable=False)
    method: Mapped[ConsentMethod] = enum_column(ConsentMethod, nullable=False)
    signed_on: Mapped[date] = mapped_column(Date, nullable=False)
    expires_on: Mapped[date | None] = mapped_column(Date)
    recipient: Mapped[str | None] = mapped_column(String(200))
    purpose: Mapped[str | None] = mapped_column(Text)
    records: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = created_at()
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    revocation_method: Mapped[ConsentMethod | None] = enum_column(ConsentMethod)
    revocation_reason: Mapped[str | None] = mapped_column(Text)

    def is_active(self, today: date) -> bool:
        from domain.people.rules import consent_active
        return consent_active(signed_on=self.signed_on, expires_on=self.expires_on,
                              revoked=self.revoked_at is not None, today=today)
