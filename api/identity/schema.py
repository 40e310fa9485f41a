from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import strawberry

from api.context import Info
from api.errors import UserError
from api.identity.types import (
    ChapterType, LoginPayload, LogoutPayload, Me, OrganizationMembership, OrganizationType, UserType,
)
from api.relay import decode_opt
from api.resolve import attempt, query
from api.session import (
    DEVICE_COOKIE, clear_session_cookie, client_address, cookie_token_from, set_device_cookie, set_session_cookie,
    token_from,
)
from domain.security.devices import device_of, device_token
from domain.security.throttle import ThrottlePolicy
from domain.identity import service
from domain.identity import users
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
        preferred_language=user.preferred_language,
        two_factor_enabled=user.totp_enabled_at is not None,
        two_factor_enrollment_required=bool(here.organization.require_two_factor) and user.totp_enabled_at is None,
    )


@strawberry.input
class LoginInput:
    email: str
    password: str
    organization_id: strawberry.ID | None = strawberry.field(
        default=None, description="Which of my organizations to act in (default: the first I joined).")
    totp_code: str | None = strawberry.field(
        default=None, description="The 6-digit code of my authenticator app, if my second factor is on.")


@strawberry.input
class AcceptInvitationInput:
    token: str = strawberry.field(description="From the invitation link (?token=...).")
    password: str = strawberry.field(description=f"At least {service.MIN_PASSWORD} characters.")
    display_name: str


@strawberry.input
class RequestPasswordResetInput:
    email: str


@strawberry.input
class ResetPasswordInput:
    token: str = strawberry.field(description="From the reset link (?token=...).")
    new_password: str


@strawberry.type
class RequestPasswordResetPayload:
    ok: bool = strawberry.field(description="Always true: the answer does not tell whether the account exists.")
    valid_minutes: int = strawberry.field(description="How long a mailed link works "
                                                      "(ADVOCASE_PASSWORD_RESET_TTL_MINUTES), for the confirmation.")
    errors: list[UserError]


@strawberry.type
class ResetPasswordPayload:
    ok: bool
    errors: list[UserError]


async def _signed_in(info: Info, sign_in, *, device: str | None = None) -> LoginPayload:
    """Runs `sign_in` (returning a LoginResult); on success the response carries the token and sets the cookie,
    and the device cookie that lets this browser sign in to the account while strangers are locked out (the
    recognized `device` again, else a new one)."""
    ctx = info.context

    async def run():
        result = await sign_in()
        actor = await service.resolve_actor(ctx.db, result.token, idle=timedelta(minutes=ctx.settings.session_idle_minutes),
                                            request_id=ctx.request_id)
        return result, actor

    done, errors = await attempt(run)
    if errors:
        return LoginPayload(token=None, expires_at=None, me=None, errors=errors)
    result, actor = done
    ctx.actor_or_none = actor
    set_session_cookie(ctx.response, result.token, ctx.settings)
    set_device_cookie(ctx.response, device_token(ctx.settings.sealer("device"), result.user.email, device),
                      ctx.settings)
    return LoginPayload(token=result.token, expires_at=result.expires_at, me=await build_me(info, actor), errors=[])


@strawberry.input
class LogoutInput:
    all_sessions: bool = strawberry.field(default=False, description="End every session of mine, everywhere.")


@strawberry.input
class SetMyLanguageInput:
    language: str = strawberry.field(description="A language my organization offers (organization.languages), "
                                                 "e.g. \"es\".")


@strawberry.type
class SetMyLanguagePayload:
    me: Me | None
    errors: list[UserError]


@strawberry.type
class IdentityQuery:
    @strawberry.field(description="Who I am, where and with which roles; null when not signed in.")
    async def me(self, info: Info) -> Me | None:
        actor = info.context.actor_or_none
        return await build_me(info, actor) if actor else None

    @strawberry.field(description="Active members of my organization by name, to choose case assignees and "
                                  "campaign or network leads from (at most `first`, 1-100, default 100). Needs "
                                  "case:assign, campaign:manage or network:manage.")
    async def colleagues(
        self, info: Info,
        search: Annotated[str | None, strawberry.argument(description="In names and emails.")] = None,
        can: Annotated[str | None, strawberry.argument(description="Only members whose roles grant this permission: "
                                                                   "case:update, campaign:read or network:lead.")] = None,
        first: int | None = None,
    ) -> list[UserType]:
        ctx = info.context
        return [UserType.of(u) for u in await query(lambda: users.list_colleagues(
            ctx.db, ctx.actor, search=search, can=can, first=first))]


@strawberry.type
class IdentityMutation:
    @strawberry.mutation(description="Sign in with email and password. Sets an HttpOnly session cookie too, and the "
                                     "device cookie that keeps this browser out of a lockout strangers cause.")
    async def login(self, info: Info, input: LoginInput) -> LoginPayload:
        ctx = info.context
        ttl = timedelta(hours=ctx.settings.session_ttl_hours)
        device = device_of(ctx.settings.sealer("device"), ctx.request.cookies.get(DEVICE_COOKIE), input.email)
        return await _signed_in(info, lambda: service.login(
            ctx.db, email=input.email, password=input.password, ttl=ttl, request_id=ctx.request_id,
            organization_id=decode_opt(input.organization_id, "Organization", "organizationId"),
            totp_code=input.totp_code, address=client_address(ctx.request), device=device,
            sealer=ctx.settings.sealer("totp"), throttle=ThrottlePolicy.of(ctx.settings),
            previous_token=token_from(ctx.request)), device=device)

    @strawberry.mutation(description="Use an invitation link: choose a name and password, join the organization "
                                     "and sign in (like login). The link works once.")
    async def accept_invitation(self, info: Info, input: AcceptInvitationInput) -> LoginPayload:
        ctx = info.context
        return await _signed_in(info, lambda: users.accept_invitation(
            ctx.db, token=input.token, password=input.password, display_name=input.display_name,
            ttl=timedelta(hours=ctx.settings.session_ttl_hours), request_id=ctx.request_id,
            previous_token=token_from(ctx.request), replaced_cookie_token=cookie_token_from(ctx.request)))

    @strawberry.mutation(description="Mail a password reset link, if the address belongs to an account. The "
                                     "answer is the same either way.")
    async def request_password_reset(self, info: Info, input: RequestPasswordResetInput
                                     ) -> RequestPasswordResetPayload:
        ctx = info.context
        await users.request_password_reset(
            ctx.db, email=input.email, public_url=ctx.settings.public_url,
            ttl=timedelta(minutes=ctx.settings.password_reset_ttl_minutes), request_id=ctx.request_id)
        return RequestPasswordResetPayload(ok=True, valid_minutes=ctx.settings.password_reset_ttl_minutes, errors=[])

    @strawberry.mutation(description="Set a new password with a reset link (works once); every session of the "
                                     "account ends.")
    async def reset_password(self, info: Info, input: ResetPasswordInput) -> ResetPasswordPayload:
        ctx = info.context
        client_session_ended, errors = await attempt(lambda: users.reset_password(
            ctx.db, token=input.token, new_password=input.new_password, request_id=ctx.request_id,
            previous_token=token_from(ctx.request)))
        if client_session_ended:  # security: the browser is not left holding a session id of the account
            clear_session_cookie(ctx.response, ctx.settings)
        return ResetPasswordPayload(ok=not errors, errors=errors)

    @strawberry.mutation(description="The language of my mail (daily digest, notices, password resets): one my "
                                     "organization offers, else VALIDATION. Any signed-in member, for themselves.")
    async def set_my_language(self, info: Info, input: SetMyLanguageInput) -> SetMyLanguagePayload:
        ctx = info.context
        _, errors = await attempt(lambda: users.set_my_language(ctx.db, ctx.actor, language=input.language))
        return SetMyLanguagePayload(me=None if errors else await build_me(info, ctx.actor), errors=errors)

    @strawberry.mutation(description="End this session (or all of mine) on the server.")
    async def logout(self, info: Info, input: LogoutInput | None = None) -> LogoutPayload:
        ctx = info.context
        all_sessions = bool(input and input.all_sessions)
        _, errors = await attempt(lambda: service.logout(ctx.db, ctx.actor, all_sessions=all_sessions))
        if not errors:
            clear_session_cookie(ctx.response, ctx.settings)
        return LogoutPayload(ok=not errors, errors=errors)
