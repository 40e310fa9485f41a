"""Tenants, staff accounts, memberships, sessions and the casbin policy rows."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, UTCDateTime
from domain.types import created_at, enum_column, org_fk, pk

DEFAULT_LANGUAGES = ["en", "es"]


class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[uuid.UUID] = pk()
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    slug: Mapped[str] = mapped_column(String(80), nullable=False, unique=True)
    # Bumped whenever a policy row changes: every worker reloads the org's enforcer when it moves.
    policy_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    suppression_threshold: Mapped[int] = mapped_column(Integer, nullable=False, default=10)
    # statutory timelines: FEDERAL_IDEA or a state profile (domain/escalations/deadlines.py)
    deadline_profile: Mapped[str] = mapped_column(String(40), nullable=False, default="FEDERAL_IDEA",
                                                  server_default="FEDERAL_IDEA")
    # languages offered (intake, notices, the interface), BCP 47-style codes, lower case
    languages: Mapped[list] = mapped_column(JSON, nullable=False, default=lambda: list(DEFAULT_LANGUAGES),
                                            server_default=text("'[\"en\", \"es\"]'"))
    # security: every member must use a second factor (TOTP) to work in this organization
    require_two_factor: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                                     server_default=text("false"))
    # where "today" is for this organization (IANA name); null: the deployment's ADVOCASE_TIME_ZONE
    time_zone: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = created_at()
    # optimistic locking of the settings (updateOrganizationSettings names the version it read)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class Chapter(Base):
    __tablename__ = "chapters"
    __table_args__ = (UniqueConstraint("organization_id", "name"),)

    id: Mapped[uuid.UUID] = pk()
    organization_id: Mapped[uuid.UUID] = org_fk()
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    created_at: Mapped[datetime] = created_at()
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class User(Base):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = pk()
    email: Mapped[str] = mapped_column(String(254), nullable=False, unique=True)
    display_name: Mapped[str] = mapped_column(String(200), nullable=False)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    preferred_language: Mapped[str] = mapped_column(String(12), nullable=False, default="en")
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = created_at()
    # security: TOTP second factor (RFC 6238). The secret is set on enrollment, enabled once a code confirms it.
    totp_secret: Mapped[str | None] = mapped_column(String(255))  # sealed (domain/security/sealing.py)
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)  # the last accepted time step (no replays)


class Membership(Base):
    """A user's place in an organization. Roles are casbin grouping rows; chapters are below.

    Status: INVITED (joined_at null), ACTIVE, DEACTIVATED (deactivated_at set). `active` is true exactly
    when the member has joined and is not deactivated: sign-in and sessions check it.
    """

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("organization_id", "user_id"), Index("ix_memberships_user", "user_id"))

    id: Mapped[uuid.UUID] = pk()
    organization_id: Mapped[uuid.UUID] = org_fk()
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = created_at()
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Until they join: the name the inviter gave (the account's own name may be one used in another organization).
    invited_name: Mapped[str | None] = mapped_column(String(200))


class MembershipChapter(Base):
    """The chapters a member works in (their record scope)."""

    __tablename__ = "membership_chapters"

    organization_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    chapter_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("chapters.id", ondelete="CASCADE"), primary_key=True)


class PolicyRule(Base):
    """casbin rows (p = role grants, g = user role assignments), domain = organization id."""

    __tablename__ = "policy_rules"
    __table_args__ = (Index("ix_policy_rules_org", "organization_id", "ptype"),)

    id: Mapped[uuid.UUID] = pk()
    organization_id: Mapped[uuid.UUID] = org_fk()
    ptype: Mapped[str] = mapped_column(String(2), nullable=False)
    v0: Mapped[str] = mapped_column(String(200), nullable=False)
    v1: Mapped[str] = mapped_column(String(200), nullable=False)
    v2: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    v3: Mapped[str] = mapped_column(String(200), nullable=False, default="")


class Session(Base):
    """A login. The token is never stored; only its SHA-256 digest."""

    __tablename__ = "sessions"
    __table_args__ = (Index("ix_sessions_user", "user_id"),)

    id: Mapped[uuid.UUID] = pk()
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    organization_id: Mapped[uuid.UUID] = org_fk()
    created_at: Mapped[datetime] = created_at()
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # security: the member's roles changed; a cookie session gets a new id (token) at its next request
    rotation_due: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=text("false"))


class CustomRole(Base):
    """A role an admin created (its grants are `p` rows named after it); built-in roles are not stored here."""

    __tablename__ = "custom_roles"
    __table_args__ = (UniqueConstraint("organization_id", "name"),)

    id: Mapped[uuid.UUID] = pk()
    organization_id: Mapped[uuid.UUID] = org_fk()
    name: Mapped[str] = mapped_column(String(40), nullable=False)
    description: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    created_at: Mapped[datetime] = created_at()


class TokenPurpose(enum.Enum):
    INVITATION = "INVITATION"
    PASSWORD_RESET = "PASSWORD_RESET"


class UserToken(Base):
    """A single-use, expiring link sent by mail (invitation, password reset). Only the SHA-256 is stored."""

    __tablename__ = "user_tokens"
    __table_args__ = (Index("ix_user_tokens_org_user", "organization_id", "user_id", "purpose"),
                      Index("ix_user_tokens_user", "user_id", "purpose", "created_at"))

    id: Mapped[uuid.UUID] = pk()
    organization_id: Mapped[uuid.UUID] = org_fk()
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    purpose: Mapped[TokenPurpose] = enum_column(TokenPurpose, nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = created_at()
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
