from __future__ import annotations

from datetime import date

import strawberry

from api.campaigns.types import (
    CampaignCaseLinkType, CampaignConnection, CampaignStatus, CampaignType, EvidenceExportFormat, IssueStatsType, NetworkKind,
    NetworkStatsType, NetworkType, StatsDimension, StoryConnection, StoryStatus, StoryType,
)
from api.cases.types import CaseCategory, CaseStatus, CaseSubcategory
from api.context import Info
from api.errors import UserError
from api.relay import decode, decode_list, decode_opt
from api.resolve import attempt, fetch, given, query, signed_in
from domain.campaigns import exports
from domain.campaigns import networks as network_service
from domain.campaigns import service
from domain.campaigns import stories as story_service
from domain.campaigns.stats import CaseCriteria, issue_stats
from domain.errors import DomainError

ESCALATION_FIELDS = {"escalationsSent", "escalationsAnswered", "answeredWithinWindow", "overdueNow",
                     "shareAnsweredWithinWindow", "medianSchoolDaysToAnswer"}


def _names(values):
    return [v.name for v in values] if values else None


def _selects_any(selections, names: set[str]) -> bool:
    for sel in selections:
        if getattr(sel, "name", None) in names:
            return True
        if _selects_any(getattr(sel, "selections", None) or [], names):
            return True
    return False


# ---------------------------------------------------------------- inputs


@strawberry.input(description="Each list means 'any of these'; different criteria combine with AND. A campaign with "
                              "no criteria at all has only its linked cases.")
class CampaignCriteriaInput:
    categories: list[CaseCategory] | None = None
    subcategories: list[CaseSubcategory] | None = None
    district_ids: list[strawberry.ID] | None = None
    school_ids: list[strawberry.ID] | None = None
    opened_from: date | None = None
    opened_to: date | None = None
    tags: list[str] | None = None


def _criteria(c: CampaignCriteriaInput | None) -> dict:
    if c is None:
        return {}
    return {"categories": _names(c.categories), "subcategories": _names(c.subcategories),
            "district_ids": decode_list(c.district_ids, "District", "criteria.districtIds"),
            "school_ids": decode_list(c.school_ids, "School", "criteria.schoolIds"),
            "opened_from": c.opened_from, "opened_to": c.opened_to, "tags": c.tags}


@strawberry.input
class CreateCampaignInput:
    name: str
    goal: str | None = None
    target: str | None = strawberry.field(default=None, description="e.g. 'Riverton School Committee'.")
    target_district_id: strawberry.ID | None = None
    status: CampaignStatus = CampaignStatus.PLANNING
    lead_ids: list[strawberry.ID] | None = None
    criteria: CampaignCriteriaInput | None = None


@strawberry.input
class UpdateCampaignInput:
    id: strawberry.ID
    version: int
    name: str | None = strawberry.UNSET
    goal: str | None = strawberry.UNSET
    target: str | None = strawberry.UNSET
    target_district_id: strawberry.ID | None = strawberry.UNSET
    status: CampaignStatus | None = strawberry.UNSET
    lead_ids: list[strawberry.ID] | None = strawberry.field(default=strawberry.UNSET,
                                                            description="The complete new list of leads.")
    criteria: CampaignCriteriaInput | None = strawberry.field(default=strawberry.UNSET,
                                                              description="Replaces the criteria.")


def _campaign_data(inp) -> dict:
    data = given(inp, {"name": "name", "goal": "goal", "target": "target", "target_district_id": "target_district_id",
                       "status": "status", "lead_ids": "lead_ids", "criteria": "criteria"})
    if "target_district_id" in data:
        data["target_district_id"] = decode_opt(data["target_district_id"], "District", "targetDistrictId")
    if "lead_ids" in data:
        data["lead_ids"] = decode_list(data["lead_ids"], "User", "leadIds") or []
    if "criteria" in data:
        data["criteria"] = _criteria(data["criteria"])
    if data.get("status") is not None:
        data["status"] = data["status"].value
    return data


@strawberry.input
class LinkCaseToCampaignInput:
    campaign_id: strawberry.ID
    case_id: strawberry.ID
    reason: str = strawberry.field(description="Why this case belongs to the campaign (staff only; not in evidence).")


@strawberry.input
class UnlinkCaseFromCampaignInput:
    campaign_id: strawberry.ID
    case_id: strawberry.ID


@strawberry.input(description="Filters over the organization's cases (opened date for the range).")
class StatsFilter:
    category: list[CaseCategory] | None = None
    subcategory: list[CaseSubcategory] | None = None
    district_id: list[strawberry.ID] | None = None
    school_id: list[strawberry.ID] | None = None
    chapter_id: list[strawberry.ID] | None = None
    status: list[CaseStatus] | None = None
    opened_from: date | None = None
    opened_to: date | None = None
    tags: list[str] | None = strawberry.field(default=None, description="Cases with any of these tags.")
    campaign_id: strawberry.ID | None = strawberry.field(default=None, description="Only this campaign's cases.")


@strawberry.input(description="Filters over member organizations' cases (no organization's own records).")
class NetworkStatsFilter:
    category: list[CaseCategory] | None = None
    subcategory: list[CaseSubcategory] | None = None
    status: list[CaseStatus] | None = None
    opened_from: date | None = None
    opened_to: date | None = None
    tags: list[str] | None = None


@strawberry.input
class StoryFilter:
    status: list[StoryStatus] | None = None
    campaign_id: strawberry.ID | None = strawberry.field(default=None, description="Stories of this campaign's cases.")
    case_id: strawberry.ID | None = strawberry.field(default=None, description="Stories drafted from this case.")


@strawberry.input
class DraftStoryInput:
    case_id: strawberry.ID
    title: str
    body: str = strawberry.field(description="De-identified: no names, no school, no exact dates or numbers.")


@strawberry.input
class UpdateStoryInput:
    id: strawberry.ID
    version: int
    title: str | None = None
    body: str | None = None


@strawberry.input
class ApproveStoryInput:
    id: strawberry.ID
    version: int | None = None


@strawberry.input
class RejectStoryInput:
    id: strawberry.ID
    note: str | None = None
    version: int | None = None


@strawberry.input
class ExportCampaignEvidenceInput:
    campaign_id: strawberry.ID
    format: EvidenceExportFormat


@strawberry.input
class CreateNetworkInput:
    name: str
    kind: NetworkKind
    description: str | None = None


@strawberry.input
class SetNetworkLeadsInput:
    network_id: strawberry.ID
    user_ids: list[strawberry.ID] = strawberry.field(description="Members of my organization; the complete new list.")


@strawberry.input
class JoinNetworkInput:
    join_code: str = strawberry.field(description="The code the network's convener gave my organization.")


@strawberry.input
class LeaveNetworkInput:
    network_id: strawberry.ID


# ---------------------------------------------------------------- payloads


@strawberry.type
class CampaignPayload:
    campaign: CampaignType | None
    errors: list[UserError]


@strawberry.type
class LinkCaseToCampaignPayload:
    campaign: CampaignType | None
    reason: str | None
    errors: list[UserError]


@strawberry.type
class StoryPayload:
    story: StoryType | None
    errors: list[UserError]


@strawberry.type
class EvidenceExportPayload:
    filename: str | None
    content_type: str | None
    content: str | None = strawberry.field(description="The file's text (CSV, JSON, or the printable HTML brief).")
    errors: list[UserError]


@strawberry.type
class NetworkPayload:
    network: NetworkType | None
    errors: list[UserError]


# ---------------------------------------------------------------- queries


@strawberry.type
class CampaignsQuery:
    @strawberry.field(description="The organization's campaigns, newest first.")
    async def campaigns(self, info: Info, status: list[CampaignStatus] | None = None, first: int | None = None,
                        after: str | None = None) -> CampaignConnection:
        ctx = info.context
        page = await query(lambda: service.list_campaigns(ctx.db, ctx.actor, statuses=status or None, first=first,
                                                          after=after))
        return CampaignConnection.of(page, CampaignType.of)

    @strawberry.field(description="A campaign of my organization, or null.")
    async def campaign(self, info: Info, id: strawberry.ID) -> CampaignType | None:
        ctx = info.context
        c = await fetch(lambda: service.get_campaign(ctx.db, ctx.actor, decode(id, "Campaign")))
        return CampaignType.of(c) if c else None

    @strawberry.field(description="A pivot of the organization's cases by up to two dimensions, with margins; every "
                                  "count suppressed for small cells. Families who opted out are not counted.")
    async def issue_stats(self, info: Info, filter: StatsFilter | None = None,
                          group_by: list[StatsDimension] | None = None) -> IssueStatsType:
        ctx = info.context

        async def run():
            f = filter or StatsFilter()
            criteria = CaseCriteria(
                categories=_names(f.category), subcategories=_names(f.subcategory),
                district_ids=decode_list(f.district_id, "District", "filter.districtId"),
                school_ids=decode_list(f.school_id, "School", "filter.schoolId"),
                chapter_ids=decode_list(f.chapter_id, "Chapter", "filter.chapterId"),
                statuses=f.status or None, opened_from=f.opened_from, opened_to=f.opened_to, tags=f.tags)
            return await issue_stats(
                ctx.db, ctx.actor, criteria, list(group_by or []), today=ctx.today,
                with_escalations=_selects_any(info.selected_fields, ESCALATION_FIELDS),
                campaign_id=decode_opt(f.campaign_id, "Campaign", "filter.campaignId"))
        return IssueStatsType.of(await query(run))

    @strawberry.field(description="De-identified stories: all of the organization's for approvers, those of my "
                                  "cases for drafters. Newest first.")
    async def stories(self, info: Info, filter: StoryFilter | None = None, first: int | None = None,
                      after: str | None = None) -> StoryConnection:
        ctx = info.context

        async def run():
            f = filter or StoryFilter()
            return await story_service.list_stories(
                ctx.db, ctx.actor, statuses=f.status or None,
                campaign_id=decode_opt(f.campaign_id, "Campaign", "filter.campaignId"),
                case_id=decode_opt(f.case_id, "Case", "filter.caseId"), first=first, after=after)
        return StoryConnection.of(await query(run), StoryType.of)

    @strawberry.field(description="The campaigns a case I may see is linked to by hand, with the reasons, newest "
                                  "first (needs case:read and campaign:read; empty for a case I may not see).")
    async def case_campaign_links(self, info: Info, case_id: strawberry.ID) -> list[CampaignCaseLinkType]:
        ctx = info.context
        links = await query(lambda: service.links_of_case(ctx.db, ctx.actor, decode(case_id, "Case", "caseId")))
        return [CampaignCaseLinkType.of(link, ctx.actor) for link in links]

    @strawberry.field(description="The networks my organization convened or joined.")
    async def networks(self, info: Info) -> list[NetworkType]:
        ctx = info.context
        return [NetworkType.of(v, ctx.actor)
                for v in await query(lambda: network_service.list_networks(ctx.db, ctx.actor))]

    @strawberry.field(description="For a network's leads: member organizations side by side and combined, by at most "
                                  "one dimension (not school, district or chapter). Null for a network I do not lead.")
    async def network_stats(self, info: Info, network_id: strawberry.ID, filter: NetworkStatsFilter | None = None,
                            group_by: StatsDimension | None = None) -> NetworkStatsType | None:
        ctx = info.context
        if not signed_in(ctx).can("network", "lead"):
            return None  # like any single-record fetch: forbidden reads as unknown
        try:
            nid = decode(network_id, "Network", "networkId")
        except DomainError:
            return None  # a malformed or foreign id reads like an unknown one
        f = filter or NetworkStatsFilter()
        criteria = CaseCriteria(categories=_names(f.category), subcategories=_names(f.subcategory),
                                statuses=f.status or None, opened_from=f.opened_from, opened_to=f.opened_to,
                                tags=f.tags)
        s = await query(lambda: network_service.network_stats(ctx.db, ctx.actor, nid, criteria, group_by,
                                                               today=ctx.today))
        return NetworkStatsType.of(s) if s else None


# ---------------------------------------------------------------- mutations


@strawberry.type
class CampaignsMutation:
    @strawberry.mutation(description="Start a campaign (campaign:manage).")
    async def create_campaign(self, info: Info, input: CreateCampaignInput) -> CampaignPayload:
        ctx = info.context
        c, errors = await attempt(lambda: service.create_campaign(ctx.db, ctx.actor, _campaign_data(input)))
        return CampaignPayload(campaign=c and CampaignType.of(c), errors=errors)

    @strawberry.mutation(description="Change a campaign's goal, target, status, leads or criteria (campaign:manage).")
    async def update_campaign(self, info: Info, input: UpdateCampaignInput) -> CampaignPayload:
        ctx = info.context
        c, errors = await attempt(lambda: service.update_campaign(
            ctx.db, ctx.actor, decode(input.id, "Campaign"), input.version, _campaign_data(input)))
        return CampaignPayload(campaign=c and CampaignType.of(c), errors=errors)

    @strawberry.mutation(description="Link a case I may see to a campaign, saying why (case:link).")
    async def link_case_to_campaign(self, info: Info, input: LinkCaseToCampaignInput) -> LinkCaseToCampaignPayload:
        ctx = info.context

        async def run():
            cid = decode(input.campaign_id, "Campaign", "campaignId")
            link = await service.link_case(ctx.db, ctx.actor, cid, decode(input.case_id, "Case", "caseId"),
                                           input.reason)
            return link, await service.get_campaign(ctx.db, ctx.actor, cid)
        res, errors = await attempt(run)
        if res is None:
            return LinkCaseToCampaignPayload(campaign=None, reason=None, errors=errors)
        link, campaign = res
        reason = link.reason if ctx.actor.can("family", "identity") else None
        return LinkCaseToCampaignPayload(campaign=campaign and CampaignType.of(campaign), reason=reason, errors=[])

    @strawberry.mutation(description="Unlink a case from a campaign (case:link).")
    async def unlink_case_from_campaign(self, info: Info, input: UnlinkCaseFromCampaignInput) -> CampaignPayload:
        ctx = info.context
        c, errors = await attempt(lambda: service.unlink_case(
            ctx.db, ctx.actor, decode(input.campaign_id, "Campaign", "campaignId"),
            decode(input.case_id, "Case", "caseId")))
        return CampaignPayload(campaign=c and CampaignType.of(c), errors=errors)

    @strawberry.mutation(description="Draft a de-identified story from a case I may see (story:draft).")
    async def draft_story(self, info: Info, input: DraftStoryInput) -> StoryPayload:
        ctx = info.context
        s, errors = await attempt(lambda: story_service.draft_story(
            ctx.db, ctx.actor, decode(input.case_id, "Case", "caseId"), title=input.title, body=input.body))
        return StoryPayload(story=s and StoryType.of(s), errors=errors)

    @strawberry.mutation(description="Edit a story; it goes back to DRAFT and needs a new approval (story:draft).")
    async def update_story(self, info: Info, input: UpdateStoryInput) -> StoryPayload:
        ctx = info.context
        s, errors = await attempt(lambda: story_service.update_story(
            ctx.db, ctx.actor, decode(input.id, "Story"), input.version, title=input.title, body=input.body))
        return StoryPayload(story=s and StoryType.of(s), errors=errors)

    @strawberry.mutation(description="Approve a draft someone else wrote; needs the family's active SHARE_STORY "
                                     "consent (story:approve).")
    async def approve_story(self, info: Info, input: ApproveStoryInput) -> StoryPayload:
        ctx = info.context
        s, errors = await attempt(lambda: story_service.approve_story(
            ctx.db, ctx.actor, decode(input.id, "Story"), version=input.version, today=ctx.today))
        return StoryPayload(story=s and StoryType.of(s), errors=errors)

    @strawberry.mutation(description="Send a draft back, or withdraw an approved story (story:approve).")
    async def reject_story(self, info: Info, input: RejectStoryInput) -> StoryPayload:
        ctx = info.context
        s, errors = await attempt(lambda: story_service.reject_story(
            ctx.db, ctx.actor, decode(input.id, "Story"), note=input.note, version=input.version))
        return StoryPayload(story=s and StoryType.of(s), errors=errors)

    @strawberry.mutation(description="A campaign's evidence as CSV, JSON or the printable HTML brief "
                                     "(evidence:export; audited).")
    async def export_campaign_evidence(self, info: Info, input: ExportCampaignEvidenceInput) -> EvidenceExportPayload:
        ctx = info.context
        out, errors = await attempt(lambda: exports.export_evidence(
            ctx.db, ctx.actor, decode(input.campaign_id, "Campaign", "campaignId"), input.format.value,
            today=ctx.today))
        if out is None:
            return EvidenceExportPayload(filename=None, content_type=None, content=None, errors=errors)
        return EvidenceExportPayload(filename=out.filename, content_type=out.content_type, content=out.content,
                                     errors=[])

    @strawberry.mutation(description="Convene a network; my organization manages it (network:manage).")
    async def create_network(self, info: Info, input: CreateNetworkInput) -> NetworkPayload:
        ctx = info.context
        n, errors = await attempt(lambda: network_service.create_network(
            ctx.db, ctx.actor, name=input.name, kind=input.kind, description=input.description))
        return NetworkPayload(network=n and NetworkType.of(n, ctx.actor), errors=errors)

    @strawberry.mutation(description="Choose the leads of a network my organization convened (network:manage).")
    async def set_network_leads(self, info: Info, input: SetNetworkLeadsInput) -> NetworkPayload:
        ctx = info.context
        n, errors = await attempt(lambda: network_service.set_network_leads(
            ctx.db, ctx.actor, decode(input.network_id, "Network", "networkId"),
            decode_list(input.user_ids, "User", "userIds") or []))
        return NetworkPayload(network=n and NetworkType.of(n, ctx.actor), errors=errors)

    @strawberry.mutation(description="Opt my organization in to a network with the code its convener gave us: its "
                                     "leads see our suppressed aggregates (network:join).")
    async def join_network(self, info: Info, input: JoinNetworkInput) -> NetworkPayload:
        ctx = info.context
        n, errors = await attempt(lambda: network_service.join_network(ctx.db, ctx.actor, input.join_code))
        return NetworkPayload(network=n and NetworkType.of(n, ctx.actor), errors=errors)

    @strawberry.mutation(description="Opt my organization out of a network, at once (network:join).")
    async def leave_network(self, info: Info, input: LeaveNetworkInput) -> NetworkPayload:
        ctx = info.context
        n, errors = await attempt(lambda: network_service.leave_network(
            ctx.db, ctx.actor, decode(input.network_id, "Network", "networkId")))
        return NetworkPayload(network=n and NetworkType.of(n, ctx.actor), errors=errors)
