"""Districts and schools, kept per organization."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base
from domain.types import created_at, org_fk, pk


class District(Base):
    __tablename__ = "districts"
    __table_args__ = (Index("ix_districts_org_name", "organization_id", "name"),)

    id: Mapped[uuid.UUID] = pk()
    organization_id: Mapped[uuid.UUID] = org_fk()
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    state: Mapped[str] = mapped_column(String(2), nullable=False)
    nces_id: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = created_at()


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
