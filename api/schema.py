"""The GraphQL schema: one Query and one Mutation merged from the capabilities."""

from __future__ import annotations

import logging
import uuid

import strawberry
from strawberry.extensions import DisableIntrospection, MaskErrors, ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from graphql import GraphQLError

from api.campaigns.schema import CampaignsMutation, CampaignsQuery
from api.campaigns.types import CampaignType, NetworkType, StoryType
from api.cases.schema import CasesMutation, CasesQuery
from api.cases.types import CaseEventType, CaseType
from api.context import Info
from api.directory.schema import DirectoryMutation, DirectoryQuery
from api.directory.types import DistrictClosureType, DistrictContactType, DistrictType, SchoolType
from api.errors import QueryError
from api.execution import AdvocaseExecutor, streamline_resolvers
from api.limits import limit_extensions, tag_token_error
from api.observability import UNAVAILABLE_MESSAGE, GraphQLMetrics, is_unavailable
from api.escalations.schema import EscalationsMutation, EscalationsQuery
from api.escalations.types import CaseDeadlineType, EscalationType
from api.audit.schema import AuditMutation, AuditQuery
from api.identity.admin import AdminMutation, AdminQuery
from api.identity.schema import IdentityMutation, IdentityQuery
from api.identity.security import SecurityMutation
from api.identity.types import ChapterType, OrganizationType, UserType
from api.imports.schema import ImportsMutation, ImportsQuery
from api.notifications.schema import NotificationsMutation, NotificationsQuery
from api.people.schema import PeopleMutation, PeopleQuery
from api.people.types import ConsentType, FamilyType, StudentType
from api.relay import Node, from_global_id
from api.resolve import fetch
from domain.campaigns import networks as campaign_networks
from domain.campaigns import service as campaigns
from domain.campaigns import stories as campaign_stories
from domain.cases import service as cases
from domain.directory import service as directory
from domain.directory.models import District, DistrictContact, School
from domain.escalations import milestones
from domain.escalations import service as escalations
from domain.escalations.models import DistrictClosure
from domain.identity import service as identity
from domain.people import service as people

log = logging.getLogger("advocase.graphql")


async def _load_node(info: Info, type_name: str, obj_id: uuid.UUID):
    ctx = info.context
    actor, db, today = ctx.actor, ctx.db, ctx.today
    if type_name == "Case":
        found = await cases.read_case(db, actor, obj_id)
        return found and CaseType.of(found[0], actor, today)
    if type_name == "CaseEvent":
        e = await cases.get_case_event(db, actor, obj_id)
        return e and CaseEventType.of(e, actor)
    if type_name == "Escalation":
        e = await escalations.get_escalation(db, actor, obj_id)
        return e and EscalationType.of(e, actor, today)
    if type_name == "CaseDeadline":
        d = await milestones.get_deadline(db, actor, obj_id)
        return d and CaseDeadlineType.of(d, today)
    if type_name == "Family":
        f = await people.get_family(db, actor, obj_id)
        return f and FamilyType.of(f, actor)
    if type_name == "Student":
        s = await people.get_student(db, actor, obj_id)
        return s and StudentType.of(s, actor)
    if type_name == "Consent":
        c = await people.get_consent(db, actor, obj_id)
        return c and ConsentType.of(c, today)
    if type_name in ("School", "District", "DistrictContact", "DistrictClosure"):
        model, convert = {"School": (School, SchoolType.of), "District": (District, DistrictType.of),
                          "DistrictContact": (DistrictContact, DistrictContactType.of),
                          "DistrictClosure": (DistrictClosure, DistrictClosureType.of)}[type_name]
        d = await directory.get(db, actor, model, obj_id)
        return d and convert(d)
    if type_name == "Campaign":
        c = await campaigns.get_campaign(db, actor, obj_id)
        return c and CampaignType.of(c)
    if type_name == "Story":
        st = await campaign_stories.get_story(db, actor, obj_id)
        return st and StoryType.of(st)
    if type_name == "Network":
        n = await campaign_networks.get_network(db, actor, obj_id)
        return n and NetworkType.of(n, actor)
    if type_name in ("Organization", "Chapter", "User"):
        o = await identity.get_in_org(db, actor, type_name, obj_id)
        convert = {"Organization": OrganizationType.of, "Chapter": ChapterType.of, "User": UserType.of}[type_name]
        return o and convert(o)
    return None


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object by its global id; null if unknown or not mine to see.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        async def run():
            info.context.actor  # anonymous callers get UNAUTHENTICATED
            type_name, obj_id = from_global_id(id)
            return await _load_node(info, type_name, obj_id)
        return await fetch(run)


Query = merge_types("Query", (IdentityQuery, NodeQuery, CasesQuery, PeopleQuery, DirectoryQuery,
                                      EscalationsQuery, AdminQuery, AuditQuery, CampaignsQuery, ImportsQuery,
                                      NotificationsQuery))
Mutation = merge_types("Mutation", (IdentityMutation, CasesMutation, PeopleMutation, DirectoryMutation,
                                            EscalationsMutation, AdminMutation, AuditMutation,
                                            CampaignsMutation, SecurityMutation, ImportsMutation,
                                            NotificationsMutation))


def _should_mask(error: GraphQLError) -> bool:
    # Typed failures and GraphQL's own validation errors reach the client; anything else is masked.
    # A variable that does not fit its type fails in graphql-core with a GraphQLError as the cause: that is the
    # client's mistake, not ours (process_errors gives it the code BAD_VARIABLES).
    original = error.original_error
    return original is not None and not isinstance(original, (QueryError, GraphQLError))


class MaskUnexpected(MaskErrors):
    """Unexpected errors reach the client as a generic message with the request id; the log has the trace."""

    def __init__(self):
        super().__init__(should_mask_error=_should_mask,
                         error_message="Unexpected error. Quote the request id when reporting it.")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = getattr(self.execution_context.context, "request_id", None)
        if is_unavailable(error.original_error):
            log.warning("database unavailable request_id=%s path=%s: %s", request_id, error.path,
                        error.original_error)
            return GraphQLError(UNAVAILABLE_MESSAGE, nodes=error.nodes, path=error.path,
                                extensions={"code": "UNAVAILABLE", "requestId": request_id})
        log.error("unexpected error request_id=%s path=%s", request_id, error.path,
                  exc_info=error.original_error)
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL", "requestId": request_id}
        return masked


class AdvocaseSchema(strawberry.Schema):
    @staticmethod
    def remove_field_suggestion(error: GraphQLError) -> None:
        # With disable_field_suggestions (production): no "Did you mean ...?" of any kind (fields, arguments,
        # types, enum values), so that the schema cannot be guessed from error messages.
        if "Did you mean" in error.message:
            error.message = error.message.split(" Did you mean")[0].strip()

    def process_errors(self, errors: list[GraphQLError], execution_context=None) -> None:
        for error in errors:
            tag_token_error(error)
            if error.path is None and isinstance(error.original_error, GraphQLError):
                error.extensions = {**(error.extensions or {}), "code": "BAD_VARIABLES"}
                if self.config.disable_field_suggestions:
                    self.remove_field_suggestion(error)
        super().process_errors(errors, execution_context)


def build_schema(production: bool = False) -> strawberry.Schema:
    """The schema; in production without introspection and without "did you mean" suggestions."""
    extensions = [GraphQLMetrics, *limit_extensions(), *([DisableIntrospection] if production else []),
                  lambda: ParserCache(maxsize=512), lambda: ValidationCache(maxsize=512), MaskUnexpected]
    built = AdvocaseSchema(query=Query, mutation=Mutation, extensions=extensions,
                           execution_context_class=AdvocaseExecutor,
                           config=StrawberryConfig(disable_field_suggestions=production),
                           types=[CaseType, CaseEventType, FamilyType, StudentType, ConsentType, SchoolType,
                                  DistrictType, DistrictContactType, DistrictClosureType, OrganizationType,
                                  ChapterType, UserType, EscalationType, CaseDeadlineType, CampaignType, StoryType,
                                  NetworkType])
    streamline_resolvers(built._schema, built.config.info_class)
    return built


schema = build_schema()
_production_schema: strawberry.Schema | None = None


def schema_for(production: bool) -> strawberry.Schema:
    global _production_schema
    if not production:
        return schema
    if _production_schema is None:
        _production_schema = build_schema(production=True)
    return _production_schema
