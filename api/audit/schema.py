"""The audit log over GraphQL (audit:read): a filtered, keyset-paged list and a CSV export. Nothing changes it."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from api.context import Info
from api.errors import UserError
from api.identity.types import UserType
from api.relay import Connection, decode_opt, from_global_id, to_global_id
from api.resolve import attempt, query
from domain.audit import log
from domain.audit.models import AuditEvent
from domain.errors import invalid

# entity_type as the services write it -> the GraphQL type of its global id
NODE_TYPES = {
    "case": "Case", "case_event": "CaseEvent", "family": "Family", "student": "Student", "consent": "Consent",
    "user": "User", "organization": "Organization", "chapter": "Chapter", "district": "District",
    "school": "School", "district_contact": "DistrictContact", "district_closure": "DistrictClosure",
    "escalation": "Escalation",
}


def _wants_total(info: Info) -> bool:
    return any(getattr(sel, "name", None) == "totalCount" for f in info.selected_fields for sel in f.selections)


@strawberry.type(name="AuditEvent", description="One row of the append-only audit log.")
class AuditEventType:
    id: strawberry.ID
    at: datetime
    action: str = strawberry.field(description="e.g. login.success, case.read, role.grant, audit.export")
    actor_id: strawberry.ID | None = strawberry.field(description="Global id of the User who acted, if any.")
    entity_type: str | None
    entity_id: strawberry.ID | None = strawberry.field(
        description="Global id of the record (a raw UUID for kinds that are not nodes).")
    request_id: str | None
    purpose: str | None
    detail: JSON
    actor_user_id_: strawberry.Private[uuid.UUID | None]

    @strawberry.field(description="The user who acted (null for anonymous requests or a non-member).")
    async def actor(self, info: Info) -> UserType | None:
        u = self.actor_user_id_ and await info.context.loaders.user.load(self.actor_user_id_)
        return UserType.of(u) if u else None

    @classmethod
    def of(cls, e: AuditEvent) -> "AuditEventType":
        entity = None
        if e.entity_id is not None:
            kind = NODE_TYPES.get(e.entity_type or "")
            entity = to_global_id(kind, e.entity_id) if kind else strawberry.ID(str(e.entity_id))
        return cls(id=strawberry.ID(str(e.id)), at=e.at, action=e.action,
                   actor_id=e.actor_user_id and to_global_id("User", e.actor_user_id), entity_type=e.entity_type,
                   entity_id=entity, request_id=e.request_id, purpose=e.purpose, detail=e.detail or {},
                   actor_user_id_=e.actor_user_id)


@strawberry.type
class AuditEventConnection(Connection[AuditEventType]):
    pass


@strawberry.input
class AuditEventFilter:
    actor_id: strawberry.ID | None = strawberry.field(default=None, description="A User id.")
    action: list[str] | None = strawberry.field(
        default=None, description="Action names; one ending in .* matches a family (\"user.*\").")
    entity_type: str | None = strawberry.field(default=None, description="e.g. case, family, user, role")
    entity_id: strawberry.ID | None = strawberry.field(default=None, description="A global id (or a raw UUID).")
    since: datetime | None = strawberry.field(default=None, description="From this time on (UTC if no offset).")
    until: datetime | None = strawberry.field(default=None, description="Before this time.")


@strawberry.input
class ExportAuditEventsInput:
    filter: AuditEventFilter | None = None


@strawberry.type
class AuditExportPayload:
    csv: str | None = strawberry.field(description="at,action,actor_id,actor_email,entity_type,entity_id,"
                                                   "request_id,purpose,detail; newest first.")
    row_count: int | None
    truncated: bool | None = strawberry.field(description=f"More than {log.EXPORT_LIMIT} rows matched: narrow "
                                                          "the dates.")
    errors: list[UserError]


def _entity_id(value: str | None) -> uuid.UUID | None:
    if value is None:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        pass
    try:
        return from_global_id(value, "filter.entityId")[1]
    except Exception:
        raise invalid("Not a valid id.", "filter.entityId") from None


def _filter(f: AuditEventFilter | None) -> log.AuditFilter:
    if f is None:
        return log.AuditFilter()
    return log.AuditFilter(actor_id=decode_opt(f.actor_id, "User", "filter.actorId"), actions=f.action or None,
                           entity_type=f.entity_type, entity_id=_entity_id(f.entity_id), since=f.since,
                           until=f.until)


@strawberry.type
class AuditQuery:
    @strawberry.field(description="The organization's audit log, newest first. Needs audit:read; reading it is "
                                  "audited too.")
    async def audit_events(self, info: Info, filter: AuditEventFilter | None = None, first: int | None = None,
                           after: str | None = None) -> AuditEventConnection:
        ctx = info.context

        async def run():
            return await log.list_events(ctx.db, ctx.actor, _filter(filter), first=first, after=after,
                                         with_total=_wants_total(info))
        return AuditEventConnection.of(await query(run), AuditEventType.of)


@strawberry.type
class AuditMutation:
    @strawberry.mutation(description="The filtered audit log as CSV text. Needs audit:read; the export is "
                                     "audited.")
    async def export_audit_events(self, info: Info, input: ExportAuditEventsInput | None = None
                                  ) -> AuditExportPayload:
        ctx = info.context

        async def run():
            return await log.export_events(ctx.db, ctx.actor, _filter(input.filter if input else None))
        out, errors = await attempt(run)
        if errors:
            return AuditExportPayload(csv=None, row_count=None, truncated=None, errors=errors)
        return AuditExportPayload(csv=out.csv, row_count=out.rows, truncated=out.truncated, errors=[])
