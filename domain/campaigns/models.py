"""Campaigns (criteria and linked cases), de-identified stories, and networks of organizations."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, UTCDateTime
from domain.types import created_at, enum_column, org_fk, pk, updated_at


class CampaignStatus(enum.Enum):
    PLANNING = "PLANNING"
    ACTIVE = "ACTIVE"
    WON = "WON"
    CLOSED = "CLOSED"


FINISHED_CAMPAIGN = frozenset({CampaignStatus.WON, CampaignStatus.CLOSED})


class StoryStatus(enum.Enum):
    DRAFT = "DRAFT"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


class NetworkKind(enum.Enum):
    COALITION = "COALITION"
    NATIONAL_NETWORK = "NATIONAL_NETWORK"


class Campaign(Base):
    __tablename__ = "campaigns"
    __table_args__ = (Index("ix_campaigns_org_created", "organization_id", "created_at", "id"),)

    id: Mapped[uuid.UUID] = pk()
    organization_id: Mapped[uuid.UUID] = org_fk()
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    goal: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # whom the campaign wants to move, e.g. "Riverton School Committee"; optionally a district of the directory
    target: Mapped[str | None] = mapped_column(String(200))
    target_district_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("districts.id", ondelete="SET NULL"))
    status: Mapped[CampaignStatus] = enum_column(CampaignStatus, nullable=False, default=CampaignStatus.PLANNING)
    # {"categories": [...], "subcategories": [...], "district_ids": [...], "school_ids": [...],
    #  "opened_from": "YYYY-MM-DD", "opened_to": "YYYY-MM-DD", "tags": [...]}
    criteria: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()

    __mapper_args__ = {"version_id_col": version}


class CampaignLead(Base):
    __tablename__ = "campaign_leads"
    __table_args__ = (Index("ix_campaign_leads_org_user", "organization_id", "user_id"),)

    organization_id: Mapped[uuid.UUID] = org_fk()
    campaign_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)


class CampaignCase(Base):
    """A case an advocate linked to a campaign explicitly (besides the cases its criteria match)."""

    __tablename__ = "campaign_cases"
    __table_args__ = (Index("ix_campaign_cases_org_case", "organization_id", "case_id"),
                      Index("ix_campaign_cases_org_campaign", "organization_id", "campaign_id", "linked_at"))

    organization_id: Mapped[uuid.UUID] = org_fk()
    campaign_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    linked_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    linked_at: Mapped[datetime] = created_at()


class Story(Base):
    """A de-identified narrative drafted from a case; shown in evidence once approved by someone else, and
    only while the family's SHARE_STORY consent is active."""

    __tablename__ = "stories"
    __table_args__ = (Index("ix_stories_org_created", "organization_id", "created_at", "id"),
                      Index("ix_stories_org_case", "organization_id", "case_id"))

    id: Mapped[uuid.UUID] = pk()
    organization_id: Mapped[uuid.UUID] = org_fk()
    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[StoryStatus] = enum_column(StoryStatus, nullable=False, default=StoryStatus.DRAFT)
    drafted_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    updated_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()

    __mapper_args__ = {"version_id_col": version}


class Network(Base):
    """A coalition or national network, convened by one organization (whose members may lead it).

    Networks are not listed to outsiders: the convener hands the join code to the organizations it invites."""

    __tablename__ = "networks"
    __table_args__ = (Index("ix_networks_org", "organization_id", "created_at"),
                      UniqueConstraint("join_code"))

    id: Mapped[uuid.UUID] = pk()
    organization_id: Mapped[uuid.UUID] = org_fk()  # the convening organization
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[NetworkKind] = enum_column(NetworkKind, nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    join_code: Mapped[str] = mapped_column(String(40), nullable=False)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_at()


class NetworkMember(Base):
    """An organization that opted in (by its admin) to share suppressed aggregates with a network."""

    __tablename__ = "network_members"
    __table_args__ = (Index("ix_network_members_network", "network_id"),)

    organization_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True)
    network_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("networks.id", ondelete="CASCADE"), primary_key=True)
    joined_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    joined_at: Mapped[datetime] = created_at()


class NetworkLead(Base):
    """A member of the convening organization who sees the network's aggregates."""

    __tablename__ = "network_leads"
    __table_args__ = (Index("ix_network_leads_org_user", "organization_id", "user_id"),)

    organization_id: Mapped[uuid.UUID] = org_fk()
    network_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("networks.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    added_at: Mapped[datetime] = created_at()
