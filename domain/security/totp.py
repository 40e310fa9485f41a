"""The optional second factor: time-based one-time codes (RFC 6238, pyotp), as authenticator apps make them.

A member enrolls (gets a secret, shown as a QR-code URI), confirms with a code, and from then on signs in with
email, password and a current code. An admin can require it for the organization: members without it can
then only enroll (their session has no permissions until they confirm). Each code works once. Wrong codes
when turning it on or off, and wrong passwords when starting to turn it on (the password is asked again), are
throttled per member like failed sign-ins (domain/security/throttle.py). The secret is stored sealed with the
server's secret key (domain/security/sealing.py, purpose "totp"): `sealer` is `Settings.sealer("totp")`.
"""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass

import pyotp
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit.service import record as audit
from domain.db import Database, utcnow
from domain.errors import DomainError, ErrorCode, require
from domain.identity.models import Organization, Session, User
from domain.security.sealing import Sealer, Unreadable
from domain.security.throttle import ThrottlePolicy, code_attempt_succeeded, reserve_code_attempt
from policies import Actor

ISSUER = "Advocase"
log = logging.getLogger("advocase.security")


def matching_step(sealer: Sealer, sealed_secret: str, code: str | None, last_step: int | None) -> int | None:
    """The time step a code belongs to (now, or one step either side for clock drift), if it is new.

    Not throttled by itself: every caller counts the attempt first (sign-in: `reserve_attempt`; a signed-in
    member: `reserve_code_attempt`). UNAVAILABLE when the stored secret does not open with the server's keys
    (ADVOCASE_SECRET_KEY changed without listing the old one in ADVOCASE_PREVIOUS_SECRET_KEYS)."""
    code = (code or "").strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    try:
        secret = sealer.open(sealed_secret)
    except Unreadable:
        log.error("a second-factor secret does not open with ADVOCASE_SECRET_KEY or ADVOCASE_PREVIOUS_SECRET_KEYS")
        raise DomainError(ErrorCode.UNAVAILABLE, "Second-factor codes cannot be checked right now (a server "
                          "configuration problem). Ask your administrator.", "totpCode") from None
    totp = pyotp.TOTP(secret)
    now = utcnow()
    current = totp.timecode(now)
    for offset in (0, -1, 1):
        step = current + offset
        if hmac.compare_digest(totp.generate_otp(step), code) and (last_step is None or step > last_step):
            return step
    return None


@dataclass
class Enrollment:
    secret: str
    uri: str


def _can_begin(user: User) -> None:
    if user.totp_enabled_at is not None:
        raise DomainError(ErrorCode.CONFLICT, "A second factor is already on; turn it off first to replace it.")


async def begin_enrollment(db: Database, actor: Actor, *, password: str, sealer: Sealer,
                           throttle: ThrottlePolicy | None = None) -> Enrollment:
    """A new secret for me (replacing an unconfirmed one); not in force until confirmed with a code. Asks for my
    password again: a session alone (a borrowed or stolen one) must not be able to put its own second factor on
    my account and lock me out. Wrong passwords are counted with wrong codes (RATE_LIMITED after too many)."""
    from domain.identity.service import verify_password  # (the identity service imports this module)
    async with db.reader() as s:  # a refusal that needs no password does not use up an attempt
        _can_begin(await s.get(User, actor.user_id))
    await reserve_code_attempt(db, throttle or ThrottlePolicy(), user_id=actor.user_id)
    async with db.transaction() as s:
        user = await s.get(User, actor.user_id, with_for_update=True, populate_existing=True)
        _can_begin(user)
        if not verify_password(user.password_hash, password or ""):
            raise DomainError(ErrorCode.VALIDATION, "The password is not correct.", "password")
        await code_attempt_succeeded(s, user_id=user.id)
        secret = pyotp.random_base32()
        user.totp_secret, user.totp_last_step = sealer.seal(secret), None
        audit(s, actor, "totp.enroll.begin", entity_type="user", entity_id=user.id)
        return Enrollment(secret=secret, uri=pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER))


async def _end_other_sessions(s: AsyncSession, actor: Actor) -> None:
    await s.execute(update(Session).where(Session.user_id == actor.user_id, Session.revoked_at.is_(None),
                                          Session.id != actor.session_id).values(revoked_at=utcnow()))


def _can_confirm(user: User) -> None:
    if user.totp_enabled_at is not None:
        raise DomainError(ErrorCode.CONFLICT, "The second factor is already on.")
    if not user.totp_secret:
        raise DomainError(ErrorCode.VALIDATION, "Start the enrollment first.", "code")


def _can_disable(user: User, org: Organization) -> None:
    if user.totp_enabled_at is None:
        raise DomainError(ErrorCode.CONFLICT, "The second factor is not on.")
    if org.require_two_factor:
        raise DomainError(ErrorCode.FORBIDDEN, "Your organization requires a second factor.")


async def confirm_enrollment(db: Database, actor: Actor, *, code: str, sealer: Sealer,
                             throttle: ThrottlePolicy | None = None) -> None:
    """Turns the second factor on with a code from the app; my other sessions end. The attempt is counted
    (and refused with RATE_LIMITED after too many wrong codes) before the code is checked."""
    async with db.reader() as s:  # a refusal that needs no code does not use up an attempt
        _can_confirm(await s.get(User, actor.user_id))
    await reserve_code_attempt(db, throttle or ThrottlePolicy(), user_id=actor.user_id)
    async with db.transaction() as s:
        user = await s.get(User, actor.user_id, with_for_update=True, populate_existing=True)
        _can_confirm(user)
        step = matching_step(sealer, user.totp_secret, code, None)
        if step is None:
            raise DomainError(ErrorCode.VALIDATION, "The code is not correct; check the app's clock.", "code")
        user.totp_enabled_at, user.totp_last_step = utcnow(), step
        await code_attempt_succeeded(s, user_id=user.id)
        await _end_other_sessions(s, actor)
        audit(s, actor, "totp.enable", entity_type="user", entity_id=user.id)


async def disable(db: Database, actor: Actor, *, code: str, sealer: Sealer,
                  throttle: ThrottlePolicy | None = None) -> None:
    """Turns my second factor off (needs a current code); refused while my organization requires it. The
    attempt is counted (and refused with RATE_LIMITED after too many wrong codes) before the code is checked."""
    async with db.reader() as s:  # a refusal that needs no code does not use up an attempt
        _can_disable(await s.get(User, actor.user_id), await s.get(Organization, actor.organization_id))
    await reserve_code_attempt(db, throttle or ThrottlePolicy(), user_id=actor.user_id)
    async with db.transaction() as s:
        user = await s.get(User, actor.user_id, with_for_update=True, populate_existing=True)
        _can_disable(user, await s.get(Organization, actor.organization_id))
        if matching_step(sealer, user.totp_secret, code, user.totp_last_step) is None:
            raise DomainError(ErrorCode.VALIDATION, "The code is not correct (or was already used).", "code")
        user.totp_secret, user.totp_enabled_at, user.totp_last_step = None, None, None
        await code_attempt_succeeded(s, user_id=user.id)
        await _end_other_sessions(s, actor)
        audit(s, actor, "totp.disable", entity_type="user", entity_id=user.id)


async def set_required(db: Database, actor: Actor, *, required: bool) -> Organization:
    """Admins: require (or stop requiring) a second factor of every member of the organization."""
    require(actor, "organization", "configure")
    async with db.transaction() as s:
        org = await s.get(Organization, actor.organization_id, with_for_update=True)
        changed = org.require_two_factor != required
        org.require_two_factor = required
        audit(s, actor, "organization.require_two_factor", entity_type="organization", entity_id=org.id,
              detail={"required": required, "changed": changed})
        return org


async def reseal_secrets(db: Database, sealer: Sealer) -> int:
    """After a key change (ADVOCASE_SECRET_KEY new, the old one in ADVOCASE_PREVIOUS_SECRET_KEYS): every stored
    second-factor secret sealed again with the current key, in one unit of work. If any opens with none of the
    keys, nothing changes (VALIDATION, with how many). Returns how many were sealed again."""
    from sqlalchemy import select
    async with db.transaction() as s:
        users = list(await s.scalars(select(User).where(User.totp_secret.is_not(None)).with_for_update()))
        unreadable = 0
        for user in users:
            try:
                user.totp_secret = sealer.reseal(user.totp_secret)
            except Unreadable:
                unreadable += 1
        if unreadable:
            raise DomainError(ErrorCode.VALIDATION, f"{unreadable} of {len(users)} second-factor secret(s) open "
                              "with none of the keys (ADVOCASE_SECRET_KEY, ADVOCASE_PREVIOUS_SECRET_KEYS); "
                              "nothing was changed.")
        return len(users)


def pending(user_enabled_at, org_requires: bool) -> bool:
    """A member of an organization that requires a second factor who has not turned one on yet."""
    return org_requires and user_enabled_at is None


__all__ = ["Enrollment", "begin_enrollment", "confirm_enrollment", "disable", "matching_step",
           "pending", "reseal_secrets", "set_required"]
