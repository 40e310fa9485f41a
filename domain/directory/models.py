"""Districts and schools, kept per organization."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base
from domain.types import created_at, org_fk, pk, updated_at


class District(Base):
    __tablename__ = "districts"
    __table_args__ = (Index("ix_districts_org_name", "organization_id", "name"),)

    id: Mapped[uuid.UUID] = pk()
    organization_id: Mapped[uuid.UUID] = org_fk()
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    state: Mapped[str] = mapped_column(String(2), nullable=False)
    nces_id: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = created_at()
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class School(Base):
    __tablename__ = "schools"
    __table_args__ = (Index("ix_schools_org_district", "organization_id", "district_id", "name"),)

    id: Mapped[uuid.UUID] = pk()
    organization_id: Mapped[uuid.UUID] = org_fk()
    district_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("districts.id", ondelete="CASCADE"), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    level: Mapped[str] = mapped_column(String(20), nullable=False, default="K-12")
    created_at: Mapped[datetime] = created_at()
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class DistrictContact(Base):
    """Someone at a school, district office, state or federal agency whom advocates escalate to."""

    __tablename__ = "district_contacts"
    __table_args__ = (Index("ix_district_contacts_org_district", "organization_id", "district_id", "ladder_level"),)

    id: Mapped[uuid.UUID] = pk()
    organization_id: Mapped[uuid.UUID] = org_fk()
    district_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("districts.id", ondelete="CASCADE"), nullable=False)
    school_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("schools.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    title: Mapped[str | None] = mapped_column(String(200))
    office: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    # categories of the taxonomy this contact handles, e.g. ["SPECIAL_EDUCATION"]; empty = all
    issue_areas: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    ladder_level: Mapped[int] = mapped_column(Integer, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    updated_at: Mapped[datetime] = updated_at()

    __mapper_args__ = {"version_id_col": version}
