"""GraphQL types of campaigns, evidence, issue statistics, stories and networks.

Evidence and statistics types carry no identifying field at all: labels of schools, districts, chapters and
categories, and counts that are either a number or suppressed.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

import strawberry
from strawberry.dataloader import DataLoader

from api.cases.types import CaseCategory, CaseConnection, CaseSubcategory, CaseType
from api.context import Info
from api.directory.types import DistrictType, SchoolType
from api.identity.types import UserType
from api.relay import Connection, Node, to_global_id
from domain.campaigns import evidence as evidence_service
from domain.campaigns import networks as network_service
from domain.campaigns import service
from domain.campaigns import stories as story_service
from domain.campaigns.models import Campaign, CampaignCase, Network, Story
from domain.campaigns.models import CampaignStatus as DomainCampaignStatus
from domain.campaigns.models import NetworkKind as DomainNetworkKind
from domain.campaigns.models import StoryStatus as DomainStoryStatus
from domain.campaigns.stats import DimValue, Dimension, IssueStats, StatsRow, Table1D, Table2D
from domain.campaigns.suppression import Published, PublishedNumber
from domain.errors import require

CampaignStatus = strawberry.enum(DomainCampaignStatus, name="CampaignStatus")
StoryStatus = strawberry.enum(
    DomainStoryStatus, name="StoryStatus",
    description="DRAFT until a second person approves (APPROVED) or sends it back (REJECTED).")
NetworkKind = strawberry.enum(DomainNetworkKind, name="NetworkKind")
StatsDimension = strawberry.enum(Dimension, name="StatsDimension", description=(
    "What to group cases by. MONTH and SCHOOL_YEAR are of the date a case was opened (a school year starts on "
    "September 1); RACE_ETHNICITY, SPECIAL_EDUCATION, ENGLISH_LEARNER and GRADE_BAND are of the case's student, "
    "LANGUAGE of the family."))


@strawberry.enum(name="EvidenceExportFormat")
class EvidenceExportFormat(enum.Enum):
    CSV = "csv"
    JSON = "json"
    BRIEF = "brief"


def _extra_loader(info: Info, key: str, fn) -> DataLoader:
    """A per-request DataLoader kept in the context's extras (this capability's own loaders)."""
    extras = info.context.extras
    if key not in extras:
        async def load(keys):
            found = await fn(list(keys))
            return [found.get(k) for k in keys]
        extras[key] = DataLoader(load_fn=load)
    return extras[key]


# ---------------------------------------------------------------- published numbers


@strawberry.type(description="A published count: `value` is null and `suppressed` true when the count is too small "
                             "to publish (1 to the threshold minus one) or could reveal such a count through "
                             "the totals.")
class SuppressedCount:
    value: int | None
    suppressed: bool

    @classmethod
    def of(cls, p: Published | None) -> "SuppressedCount | None":
        return None if p is None else cls(value=p.value, suppressed=p.suppressed)


@strawberry.type(description="A share or a median: null and `suppressed` when derived from suppressed counts or from "
                             "fewer values than the threshold; null and not suppressed when undefined (nothing "
                             "to divide).")
class SuppressedNumber:
    value: float | None
    suppressed: bool

    @classmethod
    def of(cls, p: PublishedNumber | None) -> "SuppressedNumber | None":
        return None if p is None else cls(value=p.value, suppressed=p.suppressed)


@strawberry.type(description="One value of a dimension: a code (category, month 'YYYY-MM', school year '2025', ...) or "
                             "the id of a school, district or chapter; null when not recorded.")
class DimensionValue:
    dimension: StatsDimension
    value: str | None
    label: str

    @classmethod
    def of(cls, d: DimValue) -> "DimensionValue":
        if d.value is None:
            value = None
        elif d.ref_type:
            value = to_global_id(d.ref_type, d.value)
        else:
            value = str(d.value)
        return cls(dimension=d.dimension, value=value, label=d.label)


@strawberry.type
class EvidenceRow:
    key: DimensionValue
    count: SuppressedCount
    share: SuppressedNumber = strawberry.field(description="Of the table's total (0..1).")


@strawberry.type(description="Cases by one dimension, with the total.")
class EvidenceTable:
    dimension: StatsDimension
    rows: list[EvidenceRow]
    total: SuppressedCount

    @classmethod
    def of(cls, t: Table1D) -> "EvidenceTable":
        return cls(dimension=t.dimension, total=SuppressedCount.of(t.total), rows=[
            EvidenceRow(key=DimensionValue.of(k), count=SuppressedCount.of(p), share=SuppressedNumber.of(t.share(i)))
            for i, (k, p) in enumerate(zip(t.keys, t.counts))])


@strawberry.type(description="Cases by two dimensions (rows x columns) with row, column and grand totals.")
class EvidenceCrossTable:
    row_dimension: StatsDimension
    column_dimension: StatsDimension
    rows: list[DimensionValue]
    columns: list[DimensionValue]
    cells: list[list[SuppressedCount]] = strawberry.field(description="cells[row][column]")
    row_totals: list[SuppressedCount]
    column_totals: list[SuppressedCount]
    total: SuppressedCount

    @classmethod
    def of(cls, t: Table2D) -> "EvidenceCrossTable":
        c = SuppressedCount.of
        return cls(row_dimension=t.row_dimension, column_dimension=t.column_dimension,
                   rows=[DimensionValue.of(k) for k in t.rows], columns=[DimensionValue.of(k) for k in t.columns],
                   cells=[[c(p) for p in row] for row in t.cells], row_totals=[c(p) for p in t.row_totals],
                   column_totals=[c(p) for p in t.column_totals], total=c(t.total))


@strawberry.type(description="How a district answered the escalations of the campaign's cases.")
class EvidenceResponsiveness:
    district: DimensionValue | None = strawberry.field(description="Null on the row for all districts together.")
    sent: SuppressedCount
    answered: SuppressedCount
    answered_within_window: SuppressedCount
    overdue_now: SuppressedCount
    share_answered_within_window: SuppressedNumber
    median_school_days_to_answer: SuppressedNumber

    @classmethod
    def of(cls, r: evidence_service.ResponsivenessRow) -> "EvidenceResponsiveness":
        c, n = SuppressedCount.of, SuppressedNumber.of
        return cls(district=DimensionValue.of(r.district) if r.district else None, sent=c(r.sent),
                   answered=c(r.answered), answered_within_window=c(r.answered_within_window),
                   overdue_now=c(r.overdue_now), share_answered_within_window=n(r.share_answered_within_window),
                   median_school_days_to_answer=n(r.median_school_days_to_answer))


@strawberry.type(description="An approved, de-identified story whose family's story consent is active today.")
class EvidenceStory:
    title: str
    body: str
    category: CaseCategory
    approved_on: date | None


@strawberry.type(description="A campaign's evidence, computed when asked: suppressed counts and consented stories; "
                             "nothing that identifies a family.")
class CampaignEvidence:
    as_of: date
    suppression_threshold: int
    cases: SuppressedCount
    families: SuppressedCount
    school_by_category: EvidenceCrossTable
    by_school: EvidenceTable = strawberry.field(description="The row totals of schoolByCategory.")
    by_category: EvidenceTable = strawberry.field(description="The column totals of schoolByCategory.")
    by_district: EvidenceTable
    by_month: EvidenceTable = strawberry.field(description="By the month a case was opened.")
    by_status: EvidenceTable
    outcomes: EvidenceTable
    by_subgroup: list[EvidenceTable] = strawberry.field(
        description="Race/ethnicity, IEP/504 status, English-learner status, language, grade band.")
    responsiveness: list[EvidenceResponsiveness] = strawberry.field(description="Per district (of the case).")
    responsiveness_total: EvidenceResponsiveness
    stories: list[EvidenceStory]

    @classmethod
    def of(cls, ev: evidence_service.Evidence) -> "CampaignEvidence":
        cat = {c.name: c for c in CaseCategory}
        return cls(
            as_of=ev.as_of, suppression_threshold=ev.threshold, cases=SuppressedCount.of(ev.cases),
            families=SuppressedCount.of(ev.families), school_by_category=EvidenceCrossTable.of(ev.school_by_category),
            by_school=EvidenceTable.of(ev.by_school), by_category=EvidenceTable.of(ev.by_category),
            by_district=EvidenceTable.of(ev.by_district), by_month=EvidenceTable.of(ev.by_month),
            by_status=EvidenceTable.of(ev.by_status), outcomes=EvidenceTable.of(ev.outcomes),
            by_subgroup=[EvidenceTable.of(t) for t in ev.by_subgroup],
            responsiveness=[EvidenceResponsiveness.of(r) for r in ev.responsiveness],
            responsiveness_total=EvidenceResponsiveness.of(ev.responsiveness_total),
            stories=[EvidenceStory(title=s.title, body=s.body, category=cat[s.category],
                                   approved_on=s.approved_at.date() if s.approved_at else None) for s in ev.stories])


# ---------------------------------------------------------------- issue statistics


@strawberry.type(description="Counts for one group (or a margin). Escalation measures count the escalations of the "
                             "group's cases.")
class IssueStatsRow:
    keys: list[DimensionValue] = strawberry.field(description="One value per dimension of the group (none for the "
                                                              "total; one for a row or column total).")
    cases: SuppressedCount
    escalations_sent: SuppressedCount | None
    escalations_answered: SuppressedCount | None
    answered_within_window: SuppressedCount | None
    overdue_now: SuppressedCount | None
    share_answered_within_window: SuppressedNumber | None
    median_school_days_to_answer: SuppressedNumber | None

    @classmethod
    def of(cls, r: StatsRow) -> "IssueStatsRow":
        c, n = SuppressedCount.of, SuppressedNumber.of
        return cls(keys=[DimensionValue.of(k) for k in r.keys], cases=c(r.cases),
                   escalations_sent=c(r.escalations_sent),
                   escalations_answered=c(r.escalations_answered), answered_within_window=c(r.answered_within_window),
                   overdue_now=c(r.overdue_now), share_answered_within_window=n(r.share_answered_within_window),
                   median_school_days_to_answer=n(r.median_school_days_to_answer))


@strawberry.type(name="IssueStats", description="A pivot of the organization's cases: a table of at most two "
                                               "dimensions with its margins, every count suppressed for small cells.")
class IssueStatsType:
    group_by: list[StatsDimension]
    suppression_threshold: int
    cells: list[IssueStatsRow] = strawberry.field(description="Every combination of the dimensions' values (zeros "
                                                              "included in a two-dimensional table).")
    row_totals: list[IssueStatsRow] = strawberry.field(description="Per value of the first dimension (two dimensions).")
    column_totals: list[IssueStatsRow] = strawberry.field(description="Per value of the second dimension.")
    total: IssueStatsRow

    @classmethod
    def of(cls, s: IssueStats) -> "IssueStatsType":
        return cls(group_by=s.group_by, suppression_threshold=s.threshold,
                   cells=[IssueStatsRow.of(r) for r in s.cells], row_totals=[IssueStatsRow.of(r) for r in s.row_totals],
                   column_totals=[IssueStatsRow.of(r) for r in s.column_totals], total=IssueStatsRow.of(s.total))


# ---------------------------------------------------------------- campaigns


@strawberry.type
class CampaignCriteria:
    categories: list[CaseCategory]
    subcategories: list[CaseSubcategory]
    opened_from: date | None
    opened_to: date | None
    tags: list[str]
    district_ids_: strawberry.Private[list[uuid.UUID]]
    school_ids_: strawberry.Private[list[uuid.UUID]]

    @strawberry.field
    async def districts(self, info: Info) -> list[DistrictType]:
        rows = await info.context.loaders.district.load_many(self.district_ids_)
        return [DistrictType.of(d) for d in rows if d]

    @strawberry.field
    async def schools(self, info: Info) -> list[SchoolType]:
        rows = await info.context.loaders.school.load_many(self.school_ids_)
        return [SchoolType.of(s) for s in rows if s]


@strawberry.type(name="CampaignCaseLink", description="A case linked to a campaign by hand, and why.")
class CampaignCaseLinkType:
    reason: str | None = strawberry.field(description="Null without the family identity permission (like notes).")
    linked_at: datetime
    case_id_: strawberry.Private[uuid.UUID]
    linked_by_id_: strawberry.Private[uuid.UUID | None]
    campaign_id_: strawberry.Private[uuid.UUID]

    @strawberry.field(description="The campaign the case is linked to (needs campaign:read).")
    async def campaign(self, info: Info) -> CampaignType | None:
        ctx = info.context
        if not ctx.actor.can("campaign", "read"):
            return None
        loader = _extra_loader(info, "campaign_by_id",
                               lambda ids: service.campaigns_by_id(ctx.db, ctx.actor.organization_id, ids))
        c = await loader.load(self.campaign_id_)
        return CampaignType.of(c) if c else None

    @strawberry.field
    async def case(self, info: Info) -> CaseType | None:
        c = await info.context.loaders.case.load(self.case_id_)
        return CaseType.of(c, info.context.actor, info.context.today) if c else None

    @strawberry.field
    async def linked_by(self, info: Info) -> UserType | None:
        u = self.linked_by_id_ and await info.context.loaders.user.load(self.linked_by_id_)
        return UserType.of(u) if u else None

    @classmethod
    def of(cls, link: CampaignCase, actor) -> "CampaignCaseLinkType":
        return cls(reason=link.reason if actor.can("family", "identity") else None, linked_at=link.linked_at,
                   case_id_=link.case_id, linked_by_id_=link.linked_by_id, campaign_id_=link.campaign_id)


@strawberry.type
class CampaignCaseLinkConnection(Connection[CampaignCaseLinkType]):
    pass


def _wants_total(info: Info) -> bool:
    return any(sel.name == "totalCount" for field in info.selected_fields for sel in field.selections
               if hasattr(sel, "name"))


@strawberry.type(name="Campaign", description="Turns many cases into evidence: its cases are those its criteria "
                                              "match plus those linked to it.")
class CampaignType(Node):
    name: str
    goal: str
    target: str | None = strawberry.field(description="Whom the campaign wants to move, e.g. a school committee.")
    status: CampaignStatus
    criteria: CampaignCriteria
    version: int
    created_at: datetime
    updated_at: datetime
    model_: strawberry.Private[Campaign]

    @strawberry.field
    async def target_district(self, info: Info) -> DistrictType | None:
        i = self.model_.target_district_id
        d = i and await info.context.loaders.district.load(i)
        return DistrictType.of(d) if d else None

    @strawberry.field(description="Who leads the campaign.")
    async def leads(self, info: Info) -> list[UserType]:
        ctx = info.context
        loader = _extra_loader(info, "campaign_leads",
                               lambda ids: service.leads_by_campaign(ctx.db, ctx.actor.organization_id, ids))
        users = await ctx.loaders.user.load_many(await loader.load(self.model_.id) or [])
        return [UserType.of(u) for u in users if u]

    @strawberry.field(description="The campaign's evidence (suppressed aggregates and consented stories).")
    async def evidence(self, info: Info) -> CampaignEvidence:
        from api.resolve import query
        ctx = info.context

        async def run():
            require(ctx.actor, "campaign", "read")
            return await evidence_service.build_evidence(ctx.db, self.model_, today=ctx.today)
        return CampaignEvidence.of(await query(run))

    @strawberry.field(description="The campaign's cases in my record scope (needs case:read), newest opened first.")
    async def cases(self, info: Info, first: int | None = None, after: str | None = None) -> CaseConnection:
        from api.resolve import query
        ctx = info.context
        page = await query(lambda: service.list_campaign_cases(ctx.db, ctx.actor, self.model_, first=first,
                                                               after=after, with_total=_wants_total(info)))
        return CaseConnection.of(page, lambda c: CaseType.of(c, ctx.actor, ctx.today))

    @strawberry.field(description="Cases linked by hand, with the reason, in my record scope (needs case:read).")
    async def links(self, info: Info, first: int | None = None, after: str | None = None
                    ) -> CampaignCaseLinkConnection:
        from api.resolve import query
        ctx = info.context
        page = await query(lambda: service.list_links(ctx.db, ctx.actor, self.model_.id, first=first, after=after))
        return CampaignCaseLinkConnection.of(page, lambda link: CampaignCaseLinkType.of(link, ctx.actor))

    @classmethod
    def of(cls, c: Campaign) -> "CampaignType":
        crit = service.criteria_of(c)
        cats = {x.name: x for x in CaseCategory}
        subs = {x.name: x for x in CaseSubcategory}
        criteria = CampaignCriteria(
            categories=[cats[x] for x in crit.categories or []],
            subcategories=[subs[x] for x in crit.subcategories or []],
            opened_from=crit.opened_from, opened_to=crit.opened_to, tags=list(crit.tags or []),
            district_ids_=list(crit.district_ids or []), school_ids_=list(crit.school_ids or []))
        return cls(id=to_global_id("Campaign", c.id), name=c.name, goal=c.goal, target=c.target, status=c.status,
                   criteria=criteria, version=c.version, created_at=c.created_at, updated_at=c.updated_at, model_=c)


@strawberry.type
class CampaignConnection(Connection[CampaignType]):
    pass


# ---------------------------------------------------------------- stories


@strawberry.type(name="Story", description="A de-identified story drafted from a case.")
class StoryType(Node):
    title: str
    body: str
    status: StoryStatus
    reviewed_at: datetime | None
    review_note: str | None
    version: int
    created_at: datetime
    updated_at: datetime
    model_: strawberry.Private[Story]

    @strawberry.field(description="The family's SHARE_STORY consent is active today: only then is an approved story "
                                  "shown in evidence.")
    async def consent_active(self, info: Info) -> bool:
        ctx = info.context
        loader = _extra_loader(info, "story_consent", lambda ids: story_service.consent_by_story(
            ctx.db, ctx.actor.organization_id, ids, ctx.today))
        return bool(await loader.load(self.model_.id))

    @strawberry.field(description="The case it was drafted from, if I may see it (never for campaign leads).")
    async def case(self, info: Info) -> CaseType | None:
        ctx = info.context
        loader = _extra_loader(info, "story_case", lambda ids: service.cases_in_scope(ctx.db, ctx.actor, ids))
        c = await loader.load(self.model_.case_id)
        return CaseType.of(c, ctx.actor, ctx.today) if c else None

    async def _user(self, info: Info, user_id) -> UserType | None:
        u = user_id and await info.context.loaders.user.load(user_id)
        return UserType.of(u) if u else None

    @strawberry.field
    async def drafted_by(self, info: Info) -> UserType | None:
        return await self._user(info, self.model_.drafted_by_id)

    @strawberry.field
    async def updated_by(self, info: Info) -> UserType | None:
        return await self._user(info, self.model_.updated_by_id)

    @strawberry.field
    async def reviewed_by(self, info: Info) -> UserType | None:
        return await self._user(info, self.model_.reviewed_by_id)

    @classmethod
    def of(cls, s: Story) -> "StoryType":
        return cls(id=to_global_id("Story", s.id), title=s.title, body=s.body, status=s.status,
                   reviewed_at=s.reviewed_at, review_note=s.review_note, version=s.version, created_at=s.created_at,
                   updated_at=s.updated_at, model_=s)


@strawberry.type
class StoryConnection(Connection[StoryType]):
    pass


# ---------------------------------------------------------------- networks


@strawberry.type(description="An organization in a network (seen by the network's leads).")
class NetworkMemberOrganization:
    name: str
    suppression_threshold: int = strawberry.field(description="Applies to this organization's column.")


@strawberry.type(name="Network", description="A coalition or national network of organizations sharing suppressed "
                                             "aggregates (never records).")
class NetworkType(Node):
    name: str
    kind: NetworkKind
    description: str
    joined: bool = strawberry.field(description="My organization is a member.")
    convened_by_my_organization: bool
    i_lead: bool = strawberry.field(description="I am one of its leads (see networkStats).")
    join_code: str | None = strawberry.field(description="What an invited organization's admin enters in "
                                                         "joinNetwork: shown to the convener's network managers.")
    model_: strawberry.Private[Network]

    @strawberry.field(description="Its leads, when my organization convened it.")
    async def leads(self, info: Info) -> list[UserType]:
        ctx = info.context
        if not self.convened_by_my_organization:
            return []
        ids = await network_service.leads_of(ctx.db, ctx.actor, self.model_.id)
        users = await ctx.loaders.user.load_many(ids)
        return [UserType.of(u) for u in users if u]

    @strawberry.field(description="Member organizations, for the network's leads only (null otherwise).")
    async def members(self, info: Info) -> list[NetworkMemberOrganization] | None:
        ctx = info.context
        rows = await network_service.members_of(ctx.db, ctx.actor, self.model_.id)
        return None if rows is None else [NetworkMemberOrganization(name=m.name, suppression_threshold=m.threshold)
                                          for m in rows]

    @classmethod
    def of(cls, v: network_service.NetworkView, actor) -> "NetworkType":
        n = v.network
        code = n.join_code if v.convened_by_me and actor.can("network", "manage") else None
        return cls(id=to_global_id("Network", n.id), name=n.name, kind=n.kind, description=n.description,
                   joined=v.joined, convened_by_my_organization=v.convened_by_me, i_lead=v.i_lead, join_code=code,
                   model_=n)


@strawberry.type(description="Measures of one group for one organization or combined.")
class NetworkMeasures:
    cases: SuppressedCount
    escalations_sent: SuppressedCount
    answered_within_window: SuppressedCount
    share_answered_within_window: SuppressedNumber

    @classmethod
    def of(cls, c: network_service.NetworkCell) -> "NetworkMeasures":
        return cls(cases=SuppressedCount.of(c.cases), escalations_sent=SuppressedCount.of(c.escalations_sent),
                   answered_within_window=SuppressedCount.of(c.answered_within_window),
                   share_answered_within_window=SuppressedNumber.of(c.share_answered_within_window))


@strawberry.type
class NetworkStatsRow:
    key: DimensionValue | None = strawberry.field(description="Null on the total row.")
    by_organization: list[NetworkMeasures] = strawberry.field(description="In the order of `organizations`.")
    combined: NetworkMeasures

    @classmethod
    def of(cls, r: network_service.NetworkStatsRow) -> "NetworkStatsRow":
        return cls(key=DimensionValue.of(r.key) if r.key else None,
                   by_organization=[NetworkMeasures.of(c) for c in r.by_organization],
                   combined=NetworkMeasures.of(r.combined))


@strawberry.type(name="NetworkStats", description="Member organizations side by side and combined: each "
                                                  "organization's threshold for its column, the largest for the "
                                                  "combined values.")
class NetworkStatsType:
    dimension: StatsDimension | None
    combined_threshold: int
    organizations: list[NetworkMemberOrganization]
    rows: list[NetworkStatsRow]
    total: NetworkStatsRow

    @classmethod
    def of(cls, s: network_service.NetworkStats) -> "NetworkStatsType":
        return cls(dimension=s.dimension, combined_threshold=s.combined_threshold,
                   organizations=[NetworkMemberOrganization(name=m.name, suppression_threshold=m.threshold)
                                  for m in s.organizations],
                   rows=[NetworkStatsRow.of(r) for r in s.rows], total=NetworkStatsRow.of(s.total))
