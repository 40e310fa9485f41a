from __future__ import annotations

from datetime import timedelta

import strawberry

from api.context import Info
from api.errors import UserError
from api.identity.types import ChapterType, LoginPayload, LogoutPayload, Me, OrganizationMembership, OrganizationType, UserType
from api.relay import decode_opt
from api.resolve import attempt
from api.session import clear_session_cookie, set_session_cookie
from domain.identity import service
from domain.errors import DomainError
from policies import Actor


async def build_me(info: Info, actor: Actor) -> Me:
    ctx = info.context
    user, memberships = await service.my_memberships(ctx.db, actor)
    here = next(m for m in memberships if m.organization.id == actor.organization_id)
    all_chapters = await service.organization_chapters(ctx.db, actor) if actor.can("organization", "read") else []
    return Me(
        user=UserType.of(user),
        organization=OrganizationType.of(here.organization),
        roles=sorted(actor.roles),
        permissions=sorted(f"{r}:{a}" for r, a in actor.permissions),
        chapters=[ChapterType.of(c) for c in here.chapters],
        memberships=[OrganizationMembership(organization=OrganizationType.of(m.organization), roles=m.roles,
                                            chapters=[ChapterType.of(c) for c in m.chapters]) for m in memberships],
        organization_chapters=[ChapterType.of(c) for c in all_chapters],
    )


@strawberry.input
class LoginInput:
    email: str
    password: str
    organization_id: strawberry.ID | None = strawberry.field(
        default=None, description="Which of my organizations to act in (default: the first I joined).")


@strawberry.input
class LogoutInput:
    all_sessions: bool = strawberry.field(default=False, description="End every session of mine, everywhere.")


@strawberry.type
class IdentityQuery:
    @strawberry.field(description="Who I am, where and with which roles; null when not signed in.")
    async def me(self, info: Info) -> Me | None:
        actor = info.context.actor_or_none
        return await build_me(info, actor) if actor else None


@strawberry.type
class IdentityMutation:
    @strawberry.mutation(description="Sign in with email and password. Sets an HttpOnly session cookie too.")
    async def login(self, info: Info, input: LoginInput) -> LoginPayload:
        ctx = info.context
        ttl = timedelta(hours=ctx.settings.session_ttl_hours)

        async def run():
            result = await service.login(
                ctx.db, email=input.email, password=input.password, ttl=ttl, request_id=ctx.request_id,
                organization_id=decode_opt(input.organization_id, "Organization", "organizationId"))
            actor = await service.resolve_actor(ctx.db, result.token, idle=timedelta(minutes=ctx.settings.session_idle_minutes),
                                                request_id=ctx.request_id)
            return result, actor

        done, errors = await attempt(run)
        if errors:
            return LoginPayload(token=None, expires_at=None, me=None, errors=errors)
        result, actor = done
        ctx.actor_or_none = actor
        set_session_cookie(ctx.response, result.token, ctx.settings)
        return LoginPayload(token=result.token, expires_at=result.expires_at, me=await build_me(info, actor),
                            errors=[])

    @strawberry.mutation(description="End this session (or all of mine) on the server.")
    async def logout(self, info: Info, input: LogoutInput | None = None) -> LogoutPayload:
        ctx = info.context
        all_sessions = bool(input and input.all_sessions)
        _, errors = await attempt(lambda: service.logout(ctx.db, ctx.actor, all_sessions=all_sessions))
        if not errors:
            clear_session_cookie(ctx.response, ctx.settings)
        return LogoutPayload(ok=not errors, errors=errors)
