"""Outgoing messages, written in the same transaction as the change that caused them."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, UTCDateTime
from domain.types import created_at, enum_column, org_fk, pk


class OutboxStatus(enum.Enum):
    PENDING = "PENDING"    # waiting to be sent (or for its next retry)
    SENDING = "SENDING"    # claimed by a worker until locked_until
    SENT = "SENT"
    FAILED = "FAILED"      # gave up after the last retry


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_status_next", "status", "next_attempt_at"),
        Index("ix_outbox_messages_org_related", "organization_id", "related_type", "related_id"),
    )

    id: Mapped[uuid.UUID] = pk()
    organization_id: Mapped[uuid.UUID] = org_fk()
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    related_type: Mapped[str | None] = mapped_column(String(40))
    related_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    language: Mapped[str] = mapped_column(String(12), nullable=False, default="en")
    to_addrs: Mapped[list] = mapped_column(JSON, nullable=False)
    cc_addrs: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    reply_to: Mapped[str | None] = mapped_column(String(320))  # "Name <addr>": replies go to the advocate
    subject: Mapped[str] = mapped_column(String(300), nullable=False)
    body_text: Mapped[str] = mapped_column(Text, nullable=False)
    body_html: Mapped[str | None] = mapped_column(Text)
    status: Mapped[OutboxStatus] = enum_column(OutboxStatus, nullable=False, default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = created_at()
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = created_at()
