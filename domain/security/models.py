"""Failed sign-in counters, kept in the database so that every API worker sees the same ones."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, UTCDateTime
from domain.types import pk


class LoginThrottle(Base):
    """Failed sign-ins of one account (by the email typed, known or not) or one client address.

    Not a tenant table: a sign-in happens before any organization is known.
    """

    __tablename__ = "login_throttles"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: Mapped[uuid.UUID] = pk()
    scope: Mapped[str] = mapped_column(String(10), nullable=False)  # "account" or "address"
    key: Mapped[str] = mapped_column(String(254), nullable=False)
    failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    first_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
