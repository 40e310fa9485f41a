"""Networks: coalitions and national networks of organizations that opt in to share suppressed aggregates.

An organization's admin convenes a network (`network:manage`) and names its leads among the
organization's members. Networks are not listed to outsiders: the convener hands the network's join code to
the organizations it invites, and their admins opt in with it, or out (`network:join`). A lead
(`network:lead` plus a `network_leads` row) sees, per member organization and combined, counts that went
through suppression: each organization's own threshold for its column, the largest for combined values.
Leads never reach a record of a member organization: the only path is the aggregate functions of
`domain.campaigns.stats`.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, exists, or_, select

from domain import validate as v
from domain.audit.service import record as audit
from domain.campaigns.models import Network, NetworkKind, NetworkLead, NetworkMember
from domain.campaigns.stats import (
    ORGANIZATION_BOUND, CaseCriteria, DimValue, Dimension, case_counts, check_group_by, criteria_clauses,
    dimension_values, escalation_counts, gather,
)
from domain.campaigns.suppression import (
    Published, PublishedNumber, effective_threshold, share, suppress_1d, suppress_2d,
)
from domain.db import Database, tenant
from domain.errors import DomainError, ErrorCode, invalid, not_found, require
from domain.identity.models import Membership, Organization
from domain.tenancy import network_of_join_code
from policies import Actor

NETWORK_PERMISSIONS = (("network", "lead"), ("network", "join"), ("network", "manage"))
MAX_LEADS = 20


@dataclass
class NetworkView:
    network: Network
    joined: bool          # my organization is a member
    convened_by_me: bool  # my organization convened it
    i_lead: bool


def _may_see(actor: Actor) -> bool:
    return any(actor.can(r, a) for r, a in NETWORK_PERMISSIONS)


async def _view(s, actor: Actor, n: Network) -> NetworkView:
    joined = await s.get(NetworkMember, (actor.organization_id, n.id)) is not None
    lead = (n.organization_id == actor.organization_id and actor.can("network", "lead")
            and await s.get(NetworkLead, (n.id, actor.user_id)) is not None)
    return NetworkView(n, joined, n.organization_id == actor.organization_id, lead)


async def create_network(db: Database, actor: Actor, *, name: str, kind: NetworkKind,
                         description: str | None = None) -> NetworkView:
    require(actor, "network", "manage")
    name = v.text(name, "name", required=True)
    description = v.text(description, "description", max_len=2000) or ""
    async with db.transaction() as s:
        n = Network(organization_id=actor.organization_id, name=name, kind=NetworkKind(kind),
                    description=description, join_code=secrets.token_urlsafe(18), created_by_id=actor.user_id)
        s.add(n)
        await s.flush()
        audit(s, actor, "network.create", entity_type="network", entity_id=n.id, detail={"name": name})
        return await _view(s, actor, n)


async def set_network_leads(db: Database, actor: Actor, network_id: uuid.UUID,
                            user_ids: list[uuid.UUID]) -> NetworkView:
    require(actor, "network", "manage")
    ids = list(dict.fromkeys(user_ids))
    if len(ids) > MAX_LEADS:
        raise invalid(f"At most {MAX_LEADS} leads.", "userIds")
    async with db.transaction() as s:
        n = await s.scalar(select(Network).where(Network.id == network_id,
                                                 Network.organization_id == actor.organization_id))
        if n is None:  # only the convening organization manages a network
            raise not_found("network", "networkId")
        if ids:
            found = set(await s.scalars(select(Membership.user_id).where(
                Membership.organization_id == actor.organization_id, Membership.active.is_(True),
                Membership.user_id.in_(ids))))
            if found != set(ids):
                raise invalid("Leads must be active members of your organization.", "userIds")
        await s.execute(delete(NetworkLead).where(NetworkLead.network_id == n.id))
        s.add_all(NetworkLead(organization_id=actor.organization_id, network_id=n.id, user_id=u) for u in ids)
        await s.flush()
        audit(s, actor, "network.set_leads", entity_type="network", entity_id=n.id,
              detail={"leads": [str(u) for u in ids]})
        return await _view(s, actor, n)


def _mine(actor: Actor):
    """Networks my organization convened or joined (the only ones it can see)."""
    return or_(Network.organization_id == actor.organization_id, exists().where(
        NetworkMember.network_id == Network.id, NetworkMember.organization_id == actor.organization_id))


async def join_network(db: Database, actor: Actor, join_code: str) -> NetworkView:
    """Opt in with the code the network's convener gave us."""
    require(actor, "network", "join")
    code = (join_code or "").strip()
    async with db.transaction() as s:
        # the network is another organization's: only its id is looked up by the code (domain.tenancy)
        network_id = await network_of_join_code(s, code) if 0 < len(code) <= 40 else None
        if network_id is None:
            raise not_found("network", "joinCode")
        if await s.get(NetworkMember, (actor.organization_id, network_id)) is not None:
            raise DomainError(ErrorCode.CONFLICT, "Your organization is already a member of this network.",
                              "networkId")
        s.add(NetworkMember(organization_id=actor.organization_id, network_id=network_id,
                            joined_by_id=actor.user_id))
        await s.flush()
        n = await s.scalar(select(Network).where(Network.id == network_id))  # visible to members
        audit(s, actor, "network.join", entity_type="network", entity_id=n.id)
        return await _view(s, actor, n)


async def leave_network(db: Database, actor: Actor, network_id: uuid.UUID) -> NetworkView:
    require(actor, "network", "join")
    async with db.transaction() as s:
        member = await s.get(NetworkMember, (actor.organization_id, network_id))
        if member is None:
            raise not_found("network", "networkId")
        n = await s.get(Network, network_id)
        await s.delete(member)
        await s.flush()
        audit(s, actor, "network.leave", entity_type="network", entity_id=n.id)
        return await _view(s, actor, n)


async def list_networks(db: Database, actor: Actor) -> list[NetworkView]:
    """The networks my organization convened or joined, with its relation to each."""
    if not _may_see(actor):
        raise DomainError(ErrorCode.FORBIDDEN, "You do not have permission to see networks.")
    async with db.reader() as s:
        rows = list(await s.scalars(select(Network).where(_mine(actor)).order_by(Network.name, Network.id)))
        return [await _view(s, actor, n) for n in rows]


async def get_network(db: Database, actor: Actor, network_id: uuid.UUID) -> NetworkView | None:
    if not _may_see(actor):
        return None
    async with db.reader() as s:
        n = await s.scalar(select(Network).where(Network.id == network_id, _mine(actor)))
        return n and await _view(s, actor, n)


async def leads_of(db: Database, actor: Actor, network_id: uuid.UUID) -> list[uuid.UUID]:
    """The leads of a network my organization convened (they are my organization's members)."""
    async with db.reader() as s:
        return list(await s.scalars(select(NetworkLead.user_id).where(
            NetworkLead.network_id == network_id, NetworkLead.organization_id == actor.organization_id)
            .order_by(NetworkLead.added_at, NetworkLead.user_id)))


@dataclass
class MemberOrganization:
    organization_id: uuid.UUID
    name: str
    threshold: int


async def _led_network(s, actor: Actor, network_id: uuid.UUID) -> Network | None:
    if not actor.can("network", "lead"):
        raise DomainError(ErrorCode.FORBIDDEN, "You do not have permission to lead networks.")
    n = await s.get(Network, network_id)
    if n is None or n.organization_id != actor.organization_id or \
            await s.get(NetworkLead, (n.id, actor.user_id)) is None:
        return None
    return n


async def members_of(db: Database, actor: Actor, network_id: uuid.UUID) -> list[MemberOrganization] | None:
    """The member organizations, for the network's leads only (None otherwise)."""
    async with db.reader() as s:
        if not actor.can("network", "lead") or await _led_network(s, actor, network_id) is None:
            return None
        rows = await s.execute(
            select(Organization.id, Organization.name, Organization.suppression_threshold)
            .join(NetworkMember, NetworkMember.organization_id == Organization.id)
            .where(NetworkMember.network_id == network_id).order_by(Organization.name, Organization.id))
        return [MemberOrganization(i, name, effective_threshold(t)) for i, name, t in rows]


@dataclass
class NetworkCell:
    cases: Published
    escalations_sent: Published
    answered_within_window: Published
    share_answered_within_window: PublishedNumber


@dataclass
class NetworkStatsRow:
    key: DimValue | None  # None: the total row
    by_organization: list[NetworkCell]  # in the order of NetworkStats.organizations
    combined: NetworkCell


@dataclass
class NetworkStats:
    network: Network
    dimension: Dimension | None
    combined_threshold: int
    organizations: list[MemberOrganization]
    rows: list[NetworkStatsRow]
    total: NetworkStatsRow


NETWORK_MEASURES = ("cases", "sent", "answered_within_window")


async def network_stats(db: Database, actor: Actor, network_id: uuid.UUID, criteria: CaseCriteria,
                        dimension: Dimension | None, *, today: date) -> NetworkStats | None:
    """Member organizations side by side and combined, by one (organization-independent) dimension."""
    dims = check_group_by([dimension] if dimension else [], most=1,
                          allowed=[d for d in Dimension if d not in ORGANIZATION_BOUND])
    if criteria.district_ids or criteria.school_ids or criteria.chapter_ids:
        raise invalid("Districts, schools and chapters are records of one organization.", "filter")
    async with db.transaction() as s:
        n = await _led_network(s, actor, network_id)
        if n is None:
            return None
        audit(s, actor, "network.stats", entity_type="network", entity_id=n.id,
              detail={"dimension": dimension.value if dimension else None})
    members = await members_of(db, actor, network_id) or []
    org_ids = [m.organization_id for m in members]
    thresholds = [m.threshold for m in members]
    combined_t = max(thresholds, default=effective_threshold(None))
    if not org_ids:
        zero = NetworkCell(Published.of(0, False), Published.of(0, False), Published.of(0, False),
                           PublishedNumber(None, False))
        return NetworkStats(n, dimension, combined_t, [], [], NetworkStatsRow(None, [], zero))
    where = criteria_clauses(criteria)
    counts, esc = {}, {}
    for org_id in org_ids:  # each member's aggregates are computed inside it (row-level security)
        with tenant(org_id):
            c, e = await gather(db, case_counts(db, [org_id], where, dims, today=today, by_org=True),
                                escalation_counts(db, [org_id], where, dims, today=today, by_org=True))
        counts.update(c)
        esc.update(e)
    raw = {"cases": counts,
           "sent": {k: e.sent for k, e in esc.items()},
           "answered_within_window": {k: e.answered_within_window for k, e in esc.items()}}
    keys = await dimension_values(db, org_ids, dims[0], (k[1] for k in counts)) if dims else []

    # per measure: cells[row][org], row totals (combined), org totals, grand total
    published: dict[str, tuple[list[list[Published]], list[Published], list[Published], Published]] = {}
    for name in NETWORK_MEASURES:
        if dims:
            grid = [[raw[name].get((o, k.value), 0) for o in org_ids] for k in keys]
            sup = suppress_2d(grid, column_thresholds=thresholds, combined_threshold=combined_t)
            cells = [[Published.of(x, f) for x, f in zip(gr, sr)] for gr, sr in zip(grid, sup.cells)]
            combined = [Published.of(sum(gr), f) for gr, f in zip(grid, sup.row_totals)]
            org_totals = [Published.of(sum(grid[i][j] for i in range(len(keys))), f)
                          for j, f in enumerate(sup.column_totals)]
            total = Published.of(sum(map(sum, grid)), sup.total)
        else:
            per_org = [raw[name].get((o,), 0) for o in org_ids]
            sup1 = suppress_1d(per_org, thresholds, total_threshold=combined_t)
            cells, combined = [], []
            org_totals = [Published.of(x, f) for x, f in zip(per_org, sup1.cells)]
            total = Published.of(sum(per_org), sup1.total)
        published[name] = (cells, combined, org_totals, total)

    def cell(pick) -> NetworkCell:
        cases, sent, within = (pick(published[m]) for m in NETWORK_MEASURES)
        return NetworkCell(cases, sent, within, share(within, sent))

    rows = [NetworkStatsRow(
        key=k,
        by_organization=[cell(lambda p, i=i, j=j: p[0][i][j]) for j in range(len(org_ids))],
        combined=cell(lambda p, i=i: p[1][i])) for i, k in enumerate(keys)]
    total = NetworkStatsRow(None, [cell(lambda p, j=j: p[2][j]) for j in range(len(org_ids))],
                            cell(lambda p: p[3]))
    return NetworkStats(n, dimension, combined_t, members, rows, total)
