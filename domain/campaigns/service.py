"""Campaigns: create and edit them, link cases to them, list them and their cases.

A campaign's cases are the cases its criteria match plus the cases linked to it explicitly. A campaign with
no criteria at all matches nothing by criteria: its cases are the linked ones.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import and_, delete, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import validate as v
from domain.audit.service import record as audit
from domain.campaigns.models import FINISHED_CAMPAIGN, Campaign, CampaignCase, CampaignLead, CampaignStatus
from domain.campaigns.stats import CaseCriteria, criteria_clauses
from domain.cases import taxonomy
from domain.cases.models import Case
from domain.db import Database, utcnow
from domain.directory.models import District, School
from domain.errors import DomainError, ErrorCode, conflict, invalid, not_found, require
from domain.identity.models import Membership
from domain.paging import Page, keyset, make_page
from domain.scope import visible_cases
from policies import Actor

MAX_LEADS = 10
MAX_CRITERIA_VALUES = 100


# ---------------------------------------------------------------- criteria


def criteria_of(c: Campaign) -> CaseCriteria:
    raw = c.criteria or {}

    def ids(key):
        return [uuid.UUID(x) for x in raw.get(key) or []] or None

    def day(key):
        return date.fromisoformat(raw[key]) if raw.get(key) else None

    return CaseCriteria(categories=raw.get("categories") or None, subcategories=raw.get("subcategories") or None,
                        district_ids=ids("district_ids"), school_ids=ids("school_ids"), opened_from=day("opened_from"),
                        opened_to=day("opened_to"), tags=raw.get("tags") or None)


def campaign_clause(c: Campaign):
    """SQL: the case is one of the campaign's cases (criteria match, or linked)."""
    crit = criteria_of(c)
    matched = and_(*criteria_clauses(crit)) if not crit.is_empty() else false()
    linked = Case.id.in_(select(CampaignCase.case_id).where(
        CampaignCase.organization_id == c.organization_id, CampaignCase.campaign_id == c.id))
    return and_(Case.organization_id == c.organization_id, or_(matched, linked))


async def _criteria(s: AsyncSession, actor: Actor, raw: dict[str, Any] | None) -> dict[str, Any]:
    """Validated criteria as stored (JSON): codes, id strings, ISO dates, lower-case tags."""
    raw = raw or {}
    out: dict[str, Any] = {}
    for key, field in (("categories", "criteria.categories"), ("subcategories", "criteria.subcategories"),
                       ("district_ids", "criteria.districtIds"), ("school_ids", "criteria.schoolIds"),
                       ("tags", "criteria.tags")):
        if raw.get(key) and len(raw[key]) > MAX_CRITERIA_VALUES:
            raise invalid(f"At most {MAX_CRITERIA_VALUES} values.", field)
    cats = list(dict.fromkeys(raw.get("categories") or []))
    for c in cats:
        v.one_of(c, taxonomy.TAXONOMY, "criteria.categories")
    subs = list(dict.fromkeys(raw.get("subcategories") or []))
    for c in subs:
        v.one_of(c, taxonomy.CATEGORY_OF, "criteria.subcategories")
    if cats:
        out["categories"] = cats
    if subs:
        out["subcategories"] = subs
    for key, model, field in (("district_ids", District, "criteria.districtIds"),
                              ("school_ids", School, "criteria.schoolIds")):
        ids = list(dict.fromkeys(raw.get(key) or []))
        if ids:
            found = set(await s.scalars(select(model.id).where(model.organization_id == actor.organization_id,
                                                               model.id.in_(ids))))
            if found != set(ids):
                raise invalid("No such record in your organization.", field)
            out[key] = [str(i) for i in ids]
    start, end = raw.get("opened_from"), raw.get("opened_to")
    if start and end and start > end:
        raise invalid("The date range ends before it starts.", "criteria.openedTo")
    if start:
        out["opened_from"] = start.isoformat()
    if end:
        out["opened_to"] = end.isoformat()
    tags = sorted({t.strip().lower() for t in raw.get("tags") or [] if t and t.strip()})
    if any(len(t) > 40 or '"' in t or "%" in t for t in tags):
        raise invalid("Tags are at most 40 characters, without quotes or %.", "criteria.tags")
    if tags:
        out["tags"] = tags
    return out


async def _leads(s: AsyncSession, actor: Actor, ids: list[uuid.UUID]) -> list[uuid.UUID]:
    ids = list(dict.fromkeys(ids))
    if len(ids) > MAX_LEADS:
        raise invalid(f"At most {MAX_LEADS} leads.", "leadIds")
    if ids:
        found = set(await s.scalars(select(Membership.user_id).where(
            Membership.organization_id == actor.organization_id, Membership.active.is_(True),
            Membership.user_id.in_(ids))))
        if found != set(ids):
            raise invalid("Leads must be active members of your organization.", "leadIds")
    return ids


async def _fields(s: AsyncSession, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "name" in data:
        out["name"] = v.text(data["name"], "name", required=True)
    if "goal" in data:
        out["goal"] = v.text(data["goal"], "goal", max_len=5000) or ""
    if "target" in data:
        out["target"] = v.text(data["target"], "target")
    if "target_district_id" in data:
        await v.in_org(s, District, data["target_district_id"], actor.organization_id, "targetDistrictId")
        out["target_district_id"] = data["target_district_id"]
    if "status" in data:
        if data["status"] is None:
            raise invalid("This field is required.", "status")
        out["status"] = CampaignStatus(data["status"])
    if "criteria" in data:
        out["criteria"] = await _criteria(s, actor, data["criteria"])
    return out


async def _set_leads(s: AsyncSession, actor: Actor, campaign: Campaign, ids: list[uuid.UUID]) -> None:
    await s.execute(delete(CampaignLead).where(CampaignLead.campaign_id == campaign.id))
    s.add_all(CampaignLead(organization_id=actor.organization_id, campaign_id=campaign.id, user_id=u) for u in ids)


async def _check_name_free(s: AsyncSession, actor: Actor, name: str, campaign_id: uuid.UUID | None = None) -> None:
    """Two campaigns of one name cannot be told apart in the list, a page title or an export."""
    q = select(Campaign.id).where(Campaign.organization_id == actor.organization_id,
                                  func.lower(Campaign.name) == func.lower(name))
    if campaign_id is not None:
        q = q.where(Campaign.id != campaign_id)
    if await s.scalar(q.limit(1)) is not None:
        raise DomainError(ErrorCode.CONFLICT, f"A campaign named \u201c{name}\u201d already exists; give this one "
                          "another name.", "name")


async def create_campaign(db: Database, actor: Actor, data: dict[str, Any]) -> Campaign:
    require(actor, "campaign", "manage")
    async with db.transaction() as s:
        fields = await _fields(s, actor, {"criteria": {}, **data})
        if "name" not in fields:
            raise invalid("This field is required.", "name")
        await _check_name_free(s, actor, fields["name"])
        leads = await _leads(s, actor, data.get("lead_ids") or [])
        campaign = Campaign(organization_id=actor.organization_id, created_by_id=actor.user_id, **fields)
        s.add(campaign)
        await s.flush()
        await _set_leads(s, actor, campaign, leads)
        audit(s, actor, "campaign.create", entity_type="campaign", entity_id=campaign.id)
    return campaign


async def _campaign(s: AsyncSession, actor: Actor, campaign_id: uuid.UUID, field: str = "id") -> Campaign:
    campaign = await s.scalar(select(Campaign).where(Campaign.id == campaign_id,
                                                     Campaign.organization_id == actor.organization_id))
    if campaign is None:
        raise not_found("campaign", field)
    return campaign


async def update_campaign(db: Database, actor: Actor, campaign_id: uuid.UUID, version: int,
                          data: dict[str, Any]) -> Campaign:
    require(actor, "campaign", "manage")
    async with db.transaction() as s:
        campaign = await _campaign(s, actor, campaign_id)
        if campaign.version != version:
            raise conflict("campaign", campaign.version)
        fields = await _fields(s, actor, data)
        if "name" in fields:
            await _check_name_free(s, actor, fields["name"], campaign.id)
        for k, val in fields.items():
            setattr(campaign, k, val)
        changed = sorted(fields)
        if "lead_ids" in data:
            await _set_leads(s, actor, campaign, await _leads(s, actor, data["lead_ids"] or []))
            changed.append("leads")
        campaign.updated_at = utcnow()  # a save always moves the version
        await s.flush()
        audit(s, actor, "campaign.update", entity_type="campaign", entity_id=campaign.id, detail={"fields": changed})
    return campaign


async def get_campaign(db: Database, actor: Actor, campaign_id: uuid.UUID) -> Campaign | None:
    if not actor.can("campaign", "read"):
        return None
    async with db.reader() as s:
        return await s.scalar(select(Campaign).where(Campaign.id == campaign_id,
                                                     Campaign.organization_id == actor.organization_id))


async def list_campaigns(db: Database, actor: Actor, *, statuses: list[CampaignStatus] | None = None,
                         first: int | None = None, after: str | None = None) -> Page[Campaign]:
    require(actor, "campaign", "read")
    q = select(Campaign).where(Campaign.organization_id == actor.organization_id)
    if statuses:
        q = q.where(Campaign.status.in_(statuses))
    q, size = keyset(q, [Campaign.created_at, Campaign.id], True, first, after)
    async with db.reader() as s:
        rows = list(await s.scalars(q))
    return make_page(rows, lambda c: (c.created_at, c.id), size)


async def leads_by_campaign(db: Database, org_id: uuid.UUID, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
    out: dict[uuid.UUID, list[uuid.UUID]] = {i: [] for i in ids}
    async with db.reader() as s:
        for cid, uid in await s.execute(select(CampaignLead.campaign_id, CampaignLead.user_id).where(
                CampaignLead.organization_id == org_id, CampaignLead.campaign_id.in_(ids))
                .order_by(CampaignLead.user_id)):
            out[cid].append(uid)
    return out


# ---------------------------------------------------------------- linking cases


async def link_case(db: Database, actor: Actor, campaign_id: uuid.UUID, case_id: uuid.UUID,
                    reason: str) -> CampaignCase:
    require(actor, "case", "link")
    reason = v.text(reason, "reason", required=True, max_len=2000)
    async with db.transaction() as s:
        # the case first: a case out of my scope reads as unknown whatever the campaign
        case = await s.scalar(select(Case).where(Case.id == case_id, visible_cases(actor.case_scope())))
        if case is None:
            raise not_found("case", "caseId")
        campaign = await _campaign(s, actor, campaign_id, "campaignId")
        if campaign.status in FINISHED_CAMPAIGN:
            raise DomainError(ErrorCode.INVALID_TRANSITION,
                              f"The campaign is {campaign.status.value}: reopen it to link cases.", "campaignId")
        if await s.get(CampaignCase, (campaign.id, case.id)) is not None:
            raise DomainError(ErrorCode.CONFLICT, "This case is already linked to the campaign.", "caseId")
        link = CampaignCase(organization_id=actor.organization_id, campaign_id=campaign.id, case_id=case.id,
                            reason=reason, linked_by_id=actor.user_id, linked_at=utcnow())
        s.add(link)
        await s.flush()
        audit(s, actor, "campaign.link_case", entity_type="campaign", entity_id=campaign.id,
              detail={"case_id": str(case.id)})
    return link


async def unlink_case(db: Database, actor: Actor, campaign_id: uuid.UUID, case_id: uuid.UUID) -> Campaign:
    require(actor, "case", "link")
    async with db.transaction() as s:
        case = await s.scalar(select(Case).where(Case.id == case_id, visible_cases(actor.case_scope())))
        if case is None:
            raise not_found("case", "caseId")
        campaign = await _campaign(s, actor, campaign_id, "campaignId")
        link = await s.get(CampaignCase, (campaign.id, case_id))
        if link is None:
            raise not_found("linked case", "caseId")
        if campaign.status in FINISHED_CAMPAIGN:
            raise DomainError(ErrorCode.INVALID_TRANSITION,
                              f"The campaign is {campaign.status.value}: reopen it to unlink cases.", "campaignId")
        await s.delete(link)
        audit(s, actor, "campaign.unlink_case", entity_type="campaign", entity_id=campaign.id,
              detail={"case_id": str(case_id)})
    return campaign


async def list_links(db: Database, actor: Actor, campaign_id: uuid.UUID, *, first: int | None,
                     after: str | None) -> Page[CampaignCase]:
    """Linked cases in my record scope, newest link first (their reasons may describe the family)."""
    require(actor, "case", "read")
    q = (select(CampaignCase).join(Case, Case.id == CampaignCase.case_id)
         .where(CampaignCase.organization_id == actor.organization_id, CampaignCase.campaign_id == campaign_id,
                visible_cases(actor.case_scope())))
    q, size = keyset(q, [CampaignCase.linked_at, CampaignCase.case_id], True, first, after)
    async with db.transaction() as s:
        rows = list(await s.scalars(q))
        audit(s, actor, "campaign.list_links", entity_type="campaign", entity_id=campaign_id,
              detail={"count": min(len(rows), size)})
    return make_page(rows, lambda link: (link.linked_at, link.case_id), size)


async def links_of_case(db: Database, actor: Actor, case_id: uuid.UUID) -> list[CampaignCase]:
    """The campaigns a case in my record scope is linked to by hand, newest link first (none for a case I may not
    see, as for an unknown one)."""
    require(actor, "case", "read")
    require(actor, "campaign", "read")
    q = (select(CampaignCase).join(Case, Case.id == CampaignCase.case_id)
         .where(CampaignCase.organization_id == actor.organization_id, CampaignCase.case_id == case_id,
                visible_cases(actor.case_scope()))
         .order_by(CampaignCase.linked_at.desc(), CampaignCase.campaign_id))
    async with db.transaction() as s:
        rows = list(await s.scalars(q))
        if rows:
            audit(s, actor, "campaign.list_links", entity_type="case", entity_id=case_id, detail={"count": len(rows)})
    return rows


async def campaigns_by_id(db: Database, org_id: uuid.UUID, ids: list[uuid.UUID]) -> dict[uuid.UUID, Campaign]:
    async with db.reader() as s:
        rows = await s.scalars(select(Campaign).where(Campaign.organization_id == org_id, Campaign.id.in_(ids)))
        return {c.id: c for c in rows}


async def list_campaign_cases(db: Database, actor: Actor, campaign: Campaign, *, first: int | None,
                              after: str | None, with_total: bool = False) -> Page[Case]:
    """The campaign's cases (criteria or linked) in my record scope, newest opened first."""
    require(actor, "case", "read")
    base = select(Case).where(visible_cases(actor.case_scope()), campaign_clause(campaign))
    q, size = keyset(base, [Case.opened_on, Case.id], True, first, after)
    async with db.transaction() as s:
        rows = list(await s.scalars(q))
        total = await s.scalar(select(func.count()).select_from(base.subquery())) if with_total else None
        audit(s, actor, "case.list", entity_type="campaign", entity_id=campaign.id,
              detail={"count": min(len(rows), size)})
    return make_page(rows, lambda c: (c.opened_on, c.id), size, total)


async def cases_in_scope(db: Database, actor: Actor, ids: list[uuid.UUID]) -> dict[uuid.UUID, Case]:
    """Cases (by id) that I may read; each read is audited like a case fetch."""
    if not actor.can("case", "read"):
        return {}
    async with db.transaction() as s:
        rows = list(await s.scalars(select(Case).where(Case.id.in_(ids), visible_cases(actor.case_scope()))))
        for c in rows:
            audit(s, actor, "case.read", entity_type="case", entity_id=c.id)
    return {c.id: c for c in rows}
