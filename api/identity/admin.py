"""Administration over GraphQL: members and invitations, roles and permissions, organization settings."""

from __future__ import annotations

from datetime import datetime, timedelta

import strawberry

from api.context import Info
from api.errors import UserError
from api.identity.security import rotate_own_session
from api.session import cookie_authenticated
from api.identity.types import ChapterType, OrganizationType, UserType
from api.relay import Connection, decode, decode_list
from api.resolve import attempt, given, query
from domain.identity import organization as org_settings
from domain.identity import roles as role_service
from domain.identity import users as user_service
from policies.permissions import Permission

MemberStatus = strawberry.enum(user_service.MemberStatus, name="MemberStatus",
                               description="INVITED: the invitation link was not used yet.")


def _wants_total(info: Info) -> bool:
    return any(getattr(sel, "name", None) == "totalCount" for f in info.selected_fields for sel in f.selections)


# ---------------------------------------------------------------- types


@strawberry.type(name="Member", description="A person's membership in this organization, as admins manage it.")
class MemberType:
    user: UserType
    status: MemberStatus
    roles: list[str]
    chapters: list[ChapterType] = strawberry.field(description="Their record scope; empty: no chapter.")
    added_at: datetime = strawberry.field(description="When they were invited or added.")
    joined_at: datetime | None = strawberry.field(description="When they accepted the invitation.")
    deactivated_at: datetime | None
    last_seen_at: datetime | None = strawberry.field(description="Their last request in this organization.")
    preferred_language: str = strawberry.field(description="The language of their mail (they choose it: "
                                                           "setMyLanguage; an invitation sets the first one).")

    @classmethod
    def of(cls, m: user_service.MemberView) -> "MemberType":
        return cls(user=UserType.of(m.user, m.display_name), status=m.status, roles=m.roles,
                   chapters=[ChapterType.of(c) for c in m.chapters], added_at=m.membership.created_at,
                   joined_at=m.membership.joined_at, deactivated_at=m.membership.deactivated_at,
                   last_seen_at=m.last_seen_at, preferred_language=m.user.preferred_language)


@strawberry.type
class MemberConnection(Connection[MemberType]):
    pass


@strawberry.type(name="PermissionInfo", description="A permission the system defines (policies/permissions.py).")
class PermissionType:
    key: str = strawberry.field(description="resource:action, e.g. case:assign")
    resource: str
    action: str
    description: str

    @classmethod
    def of(cls, p: Permission) -> "PermissionType":
        return cls(key=p.key, resource=p.resource, action=p.action, description=p.description)


@strawberry.type(name="Role")
class RoleType:
    name: str
    description: str
    built_in: bool = strawberry.field(description="admin, advocate, campaign_lead, viewer: cannot be deleted; "
                                                  "admin's grants cannot be revoked.")
    grants: list[PermissionType]
    member_count: int = strawberry.field(description="Members holding it (any status).")

    @classmethod
    def of(cls, r: role_service.RoleView) -> "RoleType":
        return cls(name=r.name, description=r.description, built_in=r.built_in,
                   grants=[PermissionType.of(p) for p in r.grants], member_count=r.member_count)


# ---------------------------------------------------------------- inputs and payloads


@strawberry.input
class UserFilter:
    search: str | None = strawberry.field(default=None, description="In names and emails.")
    role: str | None = None
    active: bool | None = strawberry.field(default=None, description="true: ACTIVE; false: INVITED or DEACTIVATED.")
    status: list[MemberStatus] | None = None


@strawberry.input
class InviteUserInput:
    email: str
    roles: list[str]
    chapter_ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Their record scope.")
    display_name: str | None = strawberry.field(default=None, description="Until they choose their own.")
    language: str | None = strawberry.field(default=None, description="Of the invitation mail (en, es).")
    idempotency_key: str | None = strawberry.field(
        default=None, description="Optional, up to 100 characters: a retry with the same key and input sends no "
                                  "second mail and answers as the first call did.")


@strawberry.input
class ResendInvitationInput:
    user_id: strawberry.ID
    language: str | None = None
    idempotency_key: str | None = strawberry.field(
        default=None, description="Optional, up to 100 characters: a retry with the same key and input sends no "
                                  "second mail and answers as the first call did.")


@strawberry.input
class SendPasswordResetInput:
    user_id: strawberry.ID
    idempotency_key: str | None = strawberry.field(
        default=None, description="Optional, up to 100 characters: a retry with the same key and input sends no "
                                  "second mail and answers as the first call did.")


@strawberry.input
class SetUserRolesInput:
    user_id: strawberry.ID
    roles: list[str] = strawberry.field(description="Replaces their roles here; [] leaves them none.")


@strawberry.input
class SetUserChaptersInput:
    user_id: strawberry.ID
    chapter_ids: list[strawberry.ID] = strawberry.field(description="Replaces their chapters (record scope).")


@strawberry.input
class DeactivateUserInput:
    user_id: strawberry.ID


@strawberry.input
class ReactivateUserInput:
    user_id: strawberry.ID


@strawberry.input
class CreateRoleInput:
    name: str = strawberry.field(description="e.g. \"parent leader\" (stored as parent_leader).")
    description: str | None = None
    based_on: str | None = strawberry.field(default=None, description="Start with this role's grants.")


@strawberry.input
class GrantPermissionInput:
    role: str
    resource: str
    action: str


@strawberry.input
class RevokePermissionInput:
    role: str
    resource: str
    action: str


@strawberry.input
class DeleteRoleInput:
    role: str


@strawberry.input
class UpdateOrganizationSettingsInput:
    version: int = strawberry.field(description="The version you read; a stale one gets CONFLICT.")
    name: str | None = strawberry.UNSET
    suppression_threshold: int | None = strawberry.field(
        default=strawberry.UNSET, description="Smallest group shown in aggregates (at least 5).")
    languages: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Languages offered, e.g. [\"en\", \"es\", \"pt\", \"ht\"].")
    time_zone: str | None = strawberry.field(
        default=strawberry.UNSET, description="IANA name, e.g. America/Los_Angeles; null: the server's default.")


@strawberry.input
class CreateChapterInput:
    name: str


@strawberry.input
class RenameChapterInput:
    id: strawberry.ID
    version: int = strawberry.field(description="The version you read; a stale one gets CONFLICT.")
    name: str


@strawberry.type
class MemberPayload:
    member: MemberType | None
    errors: list[UserError]


@strawberry.type
class RolePayload:
    role: RoleType | None
    errors: list[UserError]


@strawberry.type
class DeleteRolePayload:
    ok: bool
    errors: list[UserError]


@strawberry.type
class OrganizationSettingsPayload:
    organization: OrganizationType | None
    errors: list[UserError]


@strawberry.type
class ChapterPayload:
    chapter: ChapterType | None
    errors: list[UserError]


@strawberry.type
class SendPasswordResetPayload:
    member: MemberType | None
    expires_at: datetime | None = strawberry.field(description="When the mailed link stops working.")
    errors: list[UserError]


def _member(view) -> MemberType | None:
    return view and MemberType.of(view)


def _role(view) -> RoleType | None:
    return view and RoleType.of(view)


# ---------------------------------------------------------------- fields


@strawberry.type
class AdminQuery:
    @strawberry.field(description="Members of the organization (active, invited, deactivated), by email. "
                                  "Needs user:manage.")
    async def users(self, info: Info, filter: UserFilter | None = None, first: int | None = None,
                    after: str | None = None) -> MemberConnection:
        ctx = info.context

        async def run():
            f = user_service.UserFilter()
            if filter is not None:
                f = user_service.UserFilter(search=filter.search, role=filter.role, active=filter.active,
                                            statuses=filter.status or None)
            return await user_service.list_members(ctx.db, ctx.actor, f, first=first, after=after,
                                                   with_total=_wants_total(info))
        return MemberConnection.of(await query(run), MemberType.of)

    @strawberry.field(description="Built-in and custom roles with their grants. Needs role:manage or user:manage.")
    async def roles(self, info: Info) -> list[RoleType]:
        ctx = info.context
        return [RoleType.of(r) for r in await query(lambda: role_service.list_roles(ctx.db, ctx.actor))]

    @strawberry.field(description="Every permission the system defines; only these can be granted. "
                                  "Needs role:manage.")
    async def permission_catalog(self, info: Info) -> list[PermissionType]:
        ctx = info.context

        async def run():
            return role_service.permission_catalog(ctx.actor)
        return [PermissionType.of(p) for p in await query(run)]


@strawberry.type
class AdminMutation:
    @strawberry.mutation(description="Invite someone by email: they get a single-use link (valid "
                                     "ADVOCASE_INVITATION_TTL_HOURS) to choose a password. Needs user:manage.")
    async def invite_user(self, info: Info, input: InviteUserInput) -> MemberPayload:
        ctx = info.context

        async def run():
            return await user_service.invite_user(
                ctx.db, ctx.actor, email=input.email, display_name=input.display_name, roles=input.roles,
                chapter_ids=decode_list(input.chapter_ids, "Chapter", "chapterIds"), language=input.language,
                public_url=ctx.settings.public_url, ttl=timedelta(hours=ctx.settings.invitation_ttl_hours),
                idempotency_key=input.idempotency_key)
        view, errors = await attempt(run)
        return MemberPayload(member=_member(view), errors=errors)

    @strawberry.mutation(description="A new invitation link for a member who has not accepted yet; older links "
                                     "stop working.")
    async def resend_invitation(self, info: Info, input: ResendInvitationInput) -> MemberPayload:
        ctx = info.context

        async def run():
            return await user_service.resend_invitation(
                ctx.db, ctx.actor, decode(input.user_id, "User", "userId"), language=input.language,
                public_url=ctx.settings.public_url, ttl=timedelta(hours=ctx.settings.invitation_ttl_hours),
                idempotency_key=input.idempotency_key)
        view, errors = await attempt(run)
        return MemberPayload(member=_member(view), errors=errors)

    @strawberry.mutation(description="Mail an active member a single-use password reset link (valid "
                                     "ADVOCASE_PASSWORD_RESET_TTL_MINUTES), the same as requestPasswordReset; "
                                     "the link goes only to their own address. Needs user:manage.")
    async def send_password_reset(self, info: Info, input: SendPasswordResetInput) -> SendPasswordResetPayload:
        ctx = info.context

        async def run():
            return await user_service.send_password_reset(
                ctx.db, ctx.actor, decode(input.user_id, "User", "userId"), public_url=ctx.settings.public_url,
                ttl=timedelta(minutes=ctx.settings.password_reset_ttl_minutes), idempotency_key=input.idempotency_key)
        done, errors = await attempt(run)
        view, expires_at = done or (None, None)
        return SendPasswordResetPayload(member=_member(view), expires_at=expires_at, errors=errors)

    @strawberry.mutation(description="Replace a member's roles (the last active admin keeps admin).")
    async def set_user_roles(self, info: Info, input: SetUserRolesInput) -> MemberPayload:
        ctx = info.context

        async def run():
            return await user_service.set_user_roles(ctx.db, ctx.actor, decode(input.user_id, "User", "userId"),
                                                     input.roles)
        view, errors = await attempt(run)
        if not errors and view is not None and ctx.actor.user_id == view.user.id and cookie_authenticated(ctx.request):
            await rotate_own_session(info)  # security: my roles changed, so my (browser) session id does too
        return MemberPayload(member=_member(view), errors=errors)

    @strawberry.mutation(description="Replace a member's chapters (their record scope).")
    async def set_user_chapters(self, info: Info, input: SetUserChaptersInput) -> MemberPayload:
        ctx = info.context

        async def run():
            return await user_service.set_user_chapters(
                ctx.db, ctx.actor, decode(input.user_id, "User", "userId"),
                decode_list(input.chapter_ids, "Chapter", "chapterIds"))
        view, errors = await attempt(run)
        return MemberPayload(member=_member(view), errors=errors)

    @strawberry.mutation(description="The member can no longer sign in here; their sessions here end at once.")
    async def deactivate_user(self, info: Info, input: DeactivateUserInput) -> MemberPayload:
        ctx = info.context

        async def run():
            return await user_service.deactivate_user(ctx.db, ctx.actor, decode(input.user_id, "User", "userId"))
        view, errors = await attempt(run)
        return MemberPayload(member=_member(view), errors=errors)

    @strawberry.mutation(description="Undo a deactivation.")
    async def reactivate_user(self, info: Info, input: ReactivateUserInput) -> MemberPayload:
        ctx = info.context

        async def run():
            return await user_service.reactivate_user(ctx.db, ctx.actor, decode(input.user_id, "User", "userId"))
        view, errors = await attempt(run)
        return MemberPayload(member=_member(view), errors=errors)

    @strawberry.mutation(description="A custom role, optionally starting with another role's grants. "
                                     "Needs role:manage.")
    async def create_role(self, info: Info, input: CreateRoleInput) -> RolePayload:
        ctx = info.context
        view, errors = await attempt(lambda: role_service.create_role(
            ctx.db, ctx.actor, name=input.name, description=input.description, based_on=input.based_on))
        return RolePayload(role=_role(view), errors=errors)

    @strawberry.mutation(description="Let a role do resource:action (a permission of permissionCatalog).")
    async def grant_permission(self, info: Info, input: GrantPermissionInput) -> RolePayload:
        ctx = info.context
        view, errors = await attempt(lambda: role_service.set_grant(
            ctx.db, ctx.actor, role=input.role, resource=input.resource, action=input.action, grant=True))
        return RolePayload(role=_role(view), errors=errors)

    @strawberry.mutation(description="Take resource:action away from a role (never from admin).")
    async def revoke_permission(self, info: Info, input: RevokePermissionInput) -> RolePayload:
        ctx = info.context
        view, errors = await attempt(lambda: role_service.set_grant(
            ctx.db, ctx.actor, role=input.role, resource=input.resource, action=input.action, grant=False))
        return RolePayload(role=_role(view), errors=errors)

    @strawberry.mutation(description="Delete a custom role nobody holds.")
    async def delete_role(self, info: Info, input: DeleteRoleInput) -> DeleteRolePayload:
        ctx = info.context
        _, errors = await attempt(lambda: role_service.delete_role(ctx.db, ctx.actor, role=input.role))
        return DeleteRolePayload(ok=not errors, errors=errors)

    @strawberry.mutation(description="Name, suppression threshold, languages offered, time zone. Needs "
                                     "organization:configure.")
    async def update_organization_settings(self, info: Info, input: UpdateOrganizationSettingsInput
                                           ) -> OrganizationSettingsPayload:
        ctx = info.context
        data = given(input, {"name": "name", "suppression_threshold": "suppression_threshold",
                             "languages": "languages", "time_zone": "time_zone"})
        org, errors = await attempt(lambda: org_settings.update_settings(ctx.db, ctx.actor, data,
                                                                                 version=input.version))
        return OrganizationSettingsPayload(organization=org and OrganizationType.of(org), errors=errors)

    @strawberry.mutation(description="Needs organization:configure.")
    async def create_chapter(self, info: Info, input: CreateChapterInput) -> ChapterPayload:
        ctx = info.context
        chapter, errors = await attempt(lambda: org_settings.create_chapter(ctx.db, ctx.actor, input.name))
        return ChapterPayload(chapter=chapter and ChapterType.of(chapter), errors=errors)

    @strawberry.mutation(description="Needs organization:configure.")
    async def rename_chapter(self, info: Info, input: RenameChapterInput) -> ChapterPayload:
        ctx = info.context

        async def run():
            return await org_settings.rename_chapter(ctx.db, ctx.actor, decode(input.id, "Chapter"), input.name,
                                                     version=input.version)
        chapter, errors = await attempt(run)
        return ChapterPayload(chapter=chapter and ChapterType.of(chapter), errors=errors)
