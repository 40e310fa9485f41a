"""The second factor (TOTP) and session rotation, over GraphQL."""

from __future__ import annotations

from datetime import timedelta

import strawberry

from api.context import Info
from api.errors import UserError
from api.identity.types import OrganizationType
from api.resolve import attempt
from api.session import set_session_cookie
from domain.identity import service
from domain.security import totp
from domain.security.throttle import ThrottlePolicy


async def rotate_own_session(info: Info) -> str:
    """A new session id for the caller (their privileges changed); sets the cookie, returns the token."""
    ctx = info.context
    token, _ = await service.rotate_session(ctx.db, ctx.actor, ttl=timedelta(hours=ctx.settings.session_ttl_hours))
    set_session_cookie(ctx.response, token, ctx.settings)
    return token


@strawberry.input
class BeginTwoFactorEnrollmentInput:
    password: str = strawberry.field(description="My password, asked again before my second factor changes.")


@strawberry.type
class BeginTwoFactorEnrollmentPayload:
    secret: str | None = strawberry.field(description="Base32 secret, for typing into an authenticator app.")
    otpauth_uri: str | None = strawberry.field(description="otpauth:// URI, for a QR code.")
    errors: list[UserError]


@strawberry.input
class ConfirmTwoFactorEnrollmentInput:
    code: str = strawberry.field(description="A current 6-digit code from the app.")


@strawberry.type
class ConfirmTwoFactorEnrollmentPayload:
    ok: bool
    token: str | None = strawberry.field(
        description="My new session token (the session id changes; the cookie is set too).")
    errors: list[UserError]


@strawberry.input
class DisableTwoFactorInput:
    code: str = strawberry.field(description="A current 6-digit code from the app.")


@strawberry.type
class DisableTwoFactorPayload:
    ok: bool
    errors: list[UserError]


@strawberry.input
class SetTwoFactorRequirementInput:
    required: bool


@strawberry.type
class SetTwoFactorRequirementPayload:
    organization: OrganizationType | None
    errors: list[UserError]


@strawberry.type
class SecurityMutation:
    @strawberry.mutation(description="Start turning on my second factor: a new TOTP secret for an authenticator "
                                     "app, after my password. Nothing changes at sign-in until "
                                     "confirmTwoFactorEnrollment. Wrong passwords are throttled (RATE_LIMITED).")
    async def begin_two_factor_enrollment(self, info: Info, input: BeginTwoFactorEnrollmentInput
                                          ) -> BeginTwoFactorEnrollmentPayload:
        ctx = info.context
        enrollment, errors = await attempt(lambda: totp.begin_enrollment(
            ctx.db, ctx.actor, password=input.password, sealer=ctx.settings.sealer("totp"),
            throttle=ThrottlePolicy.of(ctx.settings)))
        return BeginTwoFactorEnrollmentPayload(secret=enrollment and enrollment.secret,
                                               otpauth_uri=enrollment and enrollment.uri, errors=errors)

    @strawberry.mutation(description="Turn my second factor on with a code from the app. My other sessions end; "
                                     "this one gets a new id. Wrong codes are throttled (RATE_LIMITED).")
    async def confirm_two_factor_enrollment(self, info: Info, input: ConfirmTwoFactorEnrollmentInput
                                            ) -> ConfirmTwoFactorEnrollmentPayload:
        ctx = info.context
        _, errors = await attempt(lambda: totp.confirm_enrollment(
            ctx.db, ctx.actor, code=input.code, sealer=ctx.settings.sealer("totp"),
            throttle=ThrottlePolicy.of(ctx.settings)))
        token = None if errors else await rotate_own_session(info)
        return ConfirmTwoFactorEnrollmentPayload(ok=not errors, token=token, errors=errors)

    @strawberry.mutation(description="Turn my second factor off (needs a current code; refused while my "
                                     "organization requires one). My other sessions end. Wrong codes are "
                                     "throttled (RATE_LIMITED).")
    async def disable_two_factor(self, info: Info, input: DisableTwoFactorInput) -> DisableTwoFactorPayload:
        ctx = info.context
        _, errors = await attempt(lambda: totp.disable(
            ctx.db, ctx.actor, code=input.code, sealer=ctx.settings.sealer("totp"),
            throttle=ThrottlePolicy.of(ctx.settings)))
        return DisableTwoFactorPayload(ok=not errors, errors=errors)

    @strawberry.mutation(description="Require (or stop requiring) a second factor of every member. Members "
                                     "without one can only enroll until they do. Needs organization:configure.")
    async def set_two_factor_requirement(self, info: Info, input: SetTwoFactorRequirementInput
                                         ) -> SetTwoFactorRequirementPayload:
        ctx = info.context
        org, errors = await attempt(lambda: totp.set_required(ctx.db, ctx.actor, required=input.required))
        return SetTwoFactorRequirementPayload(organization=org and OrganizationType.of(org), errors=errors)
