"""Column helpers shared by the models."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import UTCDateTime, new_id, utcnow


def enum_column(py_enum: type[enum.Enum], **kw):
    """Enums are stored as their string values (VARCHAR), identical on PostgreSQL and SQLite."""
    return mapped_column(
        Enum(py_enum, native_enum=False, create_constraint=False, length=40,
             values_callable=lambda e: [m.value for m in e]),
        **kw,
    )


def pk() -> Mapped[uuid.UUID]:
    return mapped_column(Uuid, primary_key=True, default=new_id)


def org_fk() -> Mapped[uuid.UUID]:
    return mapped_column(Uuid, ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False)


def created_at() -> Mapped[datetime]:
    return mapped_column(UTCDateTime, nullable=False, default=utcnow)


def updated_at() -> Mapped[datetime]:
    return mapped_column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
