"""Organizations, staff accounts, login sessions and turning a session into an Actor."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit.service import record as audit
from domain.db import Database, among, set_tenant, utcnow
from domain.errors import DomainError, ErrorCode, invalid
from domain.escalations.models import DEFAULT_LADDER, EscalationLevel
from domain.tenancy import (
    enter_tenant, organization_of_session_token, organizations_of_user, within_tenant,
)
from domain.security import totp
from domain.security.sealing import Sealer
from domain.security.throttle import ThrottlePolicy, attempt_succeeded, reserve_attempt
from domain.identity.models import (
    Chapter, CustomRole, Membership, MembershipChapter, Organization, PolicyRule, Session, User,
)
from policies import Actor
from policies.enforcer import (
    PolicyCache, build_enforcer, default_grants, permissions_of, roles_of, user_subject,
)
from policies.permissions import ROLES

# argon2id; cost from the environment (defaults: the library's recommended parameters, RFC 9106 low-memory).
_hasher = PasswordHasher(
    time_cost=int(os.environ.get("ADVOCASE_ARGON2_TIME_COST", "3")),
    memory_cost=int(os.environ.get("ADVOCASE_ARGON2_MEMORY_KIB", "65536")),
)
_DUMMY_HASH = _hasher.hash("not a real password")
_policy_cache = PolicyCache()
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalize_email(email: str) -> str:
    email = (email or "").strip().lower()
    if not EMAIL_RE.match(email) or len(email) > 254:
        raise invalid("Enter a valid email address.", "email")
    return email


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:80] or "org"


# ---------------------------------------------------------------- organizations and users


async def create_organization(
    session: AsyncSession, *, name: str, chapters: list[str] = (), admin_email: str,
    admin_password: str, admin_name: str | None = None,
) -> tuple[Organization, User]:
    """A new tenant with its default policy copied in and a first admin."""
    name = (name or "").strip()
    if not name:
        raise invalid("The organization needs a name.", "name")
    slug = slugify(name)
    taken = await session.scalar(select(func.count()).where(Organization.slug.like(f"{slug}%")))
    org = Organization(id=uuid.uuid4(), name=name, slug=slug if not taken else f"{slug}-{taken + 1}")
    session.add(org)
    await session.flush()
    await enter_tenant(session, org.id)  # the rest of this unit of work writes the new organization's rows
    for ch in chapters:
        session.add(Chapter(organization_id=org.id, name=ch))
    for role, resource, action in default_grants():
        session.add(PolicyRule(organization_id=org.id, ptype="p", v0=role, v1=str(org.id), v2=resource, v3=action))
    for level, level_name, days in DEFAULT_LADDER:
        session.add(EscalationLevel(organization_id=org.id, level=level, name=level_name,
                                    response_window_school_days=days))
    admin = await create_user(
        session, organization_id=org.id, email=admin_email, password=admin_password,
        display_name=admin_name or admin_email.split("@")[0], roles=["admin"],
    )
    audit(session, None, "organization.create", entity_type="organization", entity_id=org.id,
          organization_id=org.id, detail={"name": name})
    return org, admin


async def create_user(
    session: AsyncSession, *, organization_id: uuid.UUID, email: str, password: str | None,
    display_name: str, roles: list[str], chapter_ids: list[uuid.UUID] = (), preferred_language: str = "en",
) -> User:
    email = normalize_email(email)
    if password is not None and len(password) < MIN_PASSWORD:
        raise invalid(f"Passwords need at least {MIN_PASSWORD} characters.", "password")
    unknown = [r for r in roles if r not in await role_names(session, organization_id)]
    if unknown:
        raise invalid(f"Unknown role: {', '.join(unknown)}.", "role")
    user = await session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, display_name=display_name.strip() or email,
                    password_hash=hash_password(password) if password else None,
                    preferred_language=preferred_language)
        session.add(user)
        await session.flush()
    elif await session.scalar(select(Membership.id).where(
            Membership.user_id == user.id, Membership.organization_id == organization_id)):
        raise DomainError(ErrorCode.CONFLICT, f"{email} is already a member of this organization.", "email")
    session.add(Membership(organization_id=organization_id, user_id=user.id, joined_at=utcnow()))
    for ch in chapter_ids:
        session.add(MembershipChapter(organization_id=organization_id, user_id=user.id, chapter_id=ch))
    for role in roles:
        session.add(PolicyRule(organization_id=organization_id, ptype="g", v0=user_subject(user.id),
                               v1=role, v2=str(organization_id), v3=""))
    await bump_policy_version(session, organization_id)
    audit(session, None, "user.create", entity_type="user", entity_id=user.id, organization_id=organization_id,
          detail={"email": email, "roles": list(roles)})
    return user


async def role_names(session: AsyncSession, organization_id: uuid.UUID) -> set[str]:
    rows = await session.scalars(select(PolicyRule.v0).where(
        PolicyRule.organization_id == organization_id, PolicyRule.ptype == "p").distinct())
    custom = await session.scalars(select(CustomRole.name).where(CustomRole.organization_id == organization_id))
    return set(rows) | set(custom) | set(ROLES)


async def bump_policy_version(session: AsyncSession, organization_id: uuid.UUID) -> None:
    await session.execute(update(Organization).where(Organization.id == organization_id)
                          .values(policy_version=Organization.policy_version + 1))


# ---------------------------------------------------------------- sessions


@dataclass
class LoginResult:
    token: str
    user: User
    organization_id: uuid.UUID
    expires_at: object


async def end_previous_session(s: AsyncSession, previous_token: str | None, user_id: uuid.UUID, *,
                               any_account: bool = False) -> bool:
    """Security (session fixation): a sign-in (login, accepting an invitation) or a password reset never continues
    the session the client came with. That session ends (in whichever organization it was) if it is the same
    account's, or with `any_account` whoever's it is (a browser cookie that the new one replaces). True when one
    ended."""
    if not previous_token:
        return False
    digest = token_digest(previous_token)
    org_id = await organization_of_session_token(s, digest)
    if org_id is None:
        return False
    async with within_tenant(s, org_id):
        q = update(Session).where(Session.token_hash == digest, Session.revoked_at.is_(None))
        if not any_account:
            q = q.where(Session.user_id == user_id)
        ended = await s.execute(q.values(revoked_at=utcnow()))
    return bool(ended.rowcount)


def open_session(s: AsyncSession, *, user_id: uuid.UUID, organization_id: uuid.UUID,
                 ttl: timedelta) -> tuple[str, Session]:
    """A new session in the caller's unit of work: the token for the client, only its digest stored."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    sess = Session(token_hash=token_digest(token), user_id=user_id, organization_id=organization_id,
                   last_seen_at=now, expires_at=now + ttl)
    s.add(sess)
    return token, sess


async def login(
    db: Database, *, email: str, password: str, organization_id: uuid.UUID | None = None,
    ttl: timedelta, request_id: str | None = None, address: str | None = None, totp_code: str | None = None,
    throttle: ThrottlePolicy | None = None, previous_token: str | None = None, device: str | None = None,
    sealer: Sealer | None = None,
) -> LoginResult:
    """Sign in. Failed attempts are throttled per account and per client `address`, or for a browser recognized
    by its device cookie (`device`, from domain.security.devices.device_of) per device
    (domain/security/throttle.py); an account with a second factor also needs `totp_code` (its secret opened with
    `sealer`, Settings.sealer("totp"), which such an account needs). A sign-in always starts with a new session id; the same member's session
    the client came with (if any) ends."""
    failure = DomainError(ErrorCode.UNAUTHENTICATED, "Email or password is incorrect.", "password")
    email_n = (email or "").strip().lower()
    policy = throttle or ThrottlePolicy()
    await reserve_attempt(db, policy, email=email_n, address=address, device=device)
    async with db.transaction() as s:
        user = await s.scalar(select(User).where(User.email == email_n))
        ok = verify_password(user.password_hash if user else None, password or "")
        # (organization, active) of every membership: asked before any organization is known (domain.tenancy)
        memberships = [] if user is None else await organizations_of_user(s, user.id)
        org_id = None  # the organization signed in to
        if user is not None and ok and user.active:
            org_id = next((o for o, active in memberships if active and organization_id in (None, o)), None)
        if org_id is None:
            for failed_org in [o for o, _ in memberships] or [None]:
                await enter_tenant(s, failed_org)
                audit(s, None, "login.failure", entity_type="user", entity_id=user.id if user else None,
                      organization_id=failed_org, user_id=user.id if user else None, request_id=request_id,
                      detail={"email": email_n[:254]})
    if org_id is None:
        # The failure rows above are committed; no session was created.
        raise failure
    if user.totp_enabled_at is not None:
        await _second_factor(db, user, totp_code, org_id, request_id, sealer)
    await attempt_succeeded(db, policy, email=email_n, address=address, device=device)
    async with db.transaction() as s:
        await enter_tenant(s, org_id)
        await end_previous_session(s, previous_token, user.id)
        token, sess = open_session(s, user_id=user.id, organization_id=org_id, ttl=ttl)
        audit(s, None, "login.success", entity_type="user", entity_id=user.id,
              organization_id=org_id, user_id=user.id, request_id=request_id)
    return LoginResult(token=token, user=user, organization_id=org_id, expires_at=sess.expires_at)


async def _second_factor(db: Database, user: User, code: str | None, org_id: uuid.UUID,
                         request_id: str | None, sealer: Sealer | None) -> None:
    """The current code of an enrolled account, used at most once (the row lock orders concurrent sign-ins)."""
    if sealer is None:
        raise RuntimeError("login() of an account with a second factor needs the sealer of its secret")
    async with db.transaction() as s:
        locked = await s.get(User, user.id, with_for_update=True, populate_existing=True)
        step = totp.matching_step(sealer, locked.totp_secret, code, locked.totp_last_step)
        if step is not None:
            locked.totp_last_step = step
        else:
            await enter_tenant(s, org_id)
            audit(s, None, "login.failure", entity_type="user", entity_id=user.id, organization_id=org_id,
                  user_id=user.id, request_id=request_id, detail={"second_factor": bool(code)})
    if step is None and not (code or "").strip():
        raise DomainError(ErrorCode.TWO_FACTOR_REQUIRED,
                          "Enter the 6-digit code from your authenticator app.", "totpCode")
    if step is None:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "The code is not correct (or was already used).", "totpCode")


async def rotate_sessions_of(s: AsyncSession, organization_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """After a member's roles changed: each of their browser (cookie) sessions in the organization gets a new id
    at its next request (api/app.py). Bearer tokens, which a page cannot plant, stay as they are."""
    await s.execute(update(Session).where(Session.user_id == user_id, Session.organization_id == organization_id,
                                          Session.revoked_at.is_(None)).values(rotation_due=True))


async def rotate_session(db: Database, actor: Actor, *, ttl: timedelta) -> tuple[str, Session]:
    """A new session id for the same member (after their privileges changed); the current session ends. The
    new one ends when the old one would have (the absolute timeout counts from sign-in)."""
    async with db.transaction() as s:
        await enter_tenant(s, actor.organization_id)
        old = await s.get(Session, actor.session_id, with_for_update=True) if actor.session_id else None
        if old is not None and old.revoked_at is None:
            old.revoked_at = utcnow()
        token, sess = open_session(s, user_id=actor.user_id, organization_id=actor.organization_id, ttl=ttl)
        if old is not None:
            sess.expires_at = min(sess.expires_at, old.expires_at)
        audit(s, actor, "session.rotate", entity_type="user", entity_id=actor.user_id)
    return token, sess


async def logout(db: Database, actor: Actor, *, all_sessions: bool = False) -> None:
    async with db.transaction() as s:
        q = update(Session).where(Session.user_id == actor.user_id, Session.revoked_at.is_(None))
        if not all_sessions:
            q = q.where(Session.id == actor.session_id)
        await s.execute(q.values(revoked_at=utcnow()))
        audit(s, actor, "logout", entity_type="user", entity_id=actor.user_id, detail={"all": all_sessions})


# The live session behind a token hash, with its member, organization and chapters (one row per chapter). Built
# once: every authenticated request runs it, and building the expression cost more than its compiled-cache lookup.
# On PostgreSQL the same question is the function advocase_live_session() of migration 0015 (the same columns and
# conditions), asked before the organization is known; SQLite has no row-level security to pass.
_LIVE_SESSION = (
    select(Session.id, Session.user_id, Session.organization_id, Session.last_seen_at,
           Organization.policy_version, Organization.require_two_factor, User.totp_enabled_at,
           Session.rotation_due, Organization.time_zone, MembershipChapter.chapter_id)
    .join(User, User.id == Session.user_id)
    .join(Membership, (Membership.user_id == Session.user_id)
          & (Membership.organization_id == Session.organization_id))
    .join(Organization, Organization.id == Session.organization_id)
    .outerjoin(MembershipChapter, (MembershipChapter.organization_id == Session.organization_id)
               & (MembershipChapter.user_id == Session.user_id))
    .where(Session.token_hash == bindparam("token_hash"), Session.revoked_at.is_(None),
           Session.expires_at > bindparam("now"), Session.last_seen_at > bindparam("idle_since"),
           User.active.is_(True), Membership.active.is_(True))
)
_LIVE_SESSION_PG = text("SELECT * FROM advocase_live_session(:token_hash, :now, :idle_since)")


async def resolve_actor(db: Database, token: str, *, idle: timedelta, request_id: str | None = None) -> Actor | None:
    """The actor behind a session token, or None if the session is unknown, revoked, idle or expired. From here
    on, every transaction of this task (request) acts in the session's organization."""
    if not token or len(token) > 200:
        return None
    now = utcnow()
    rows = await _live_session(db, token_digest(token), now=now, idle=idle)
    if not rows:
        return None
    session_id, user_id, org_id, last_seen, version, requires_2fa, totp_on, rotation_due, zone, _ = rows[0]
    set_tenant(org_id)
    chapters = frozenset(r[-1] for r in rows if r[-1] is not None)
    if now - last_seen > timedelta(minutes=1):
        async with db.transaction() as s:
            await s.execute(update(Session).where(Session.id == session_id).values(last_seen_at=now))
    if totp.pending(totp_on, requires_2fa):
        # The organization requires a second factor this member has not turned on: nothing but enrolling.
        return Actor(user_id=user_id, organization_id=org_id, roles=frozenset(), chapter_ids=frozenset(),
                     permissions=frozenset(), session_id=session_id, request_id=request_id,
                     rotation_due=rotation_due, time_zone=zone)
    enforcer = await _enforcer_of(db, org_id, version)
    domain = str(org_id)
    return Actor(user_id=user_id, organization_id=org_id, roles=roles_of(enforcer, user_id, domain),
                 chapter_ids=chapters, permissions=permissions_of(enforcer, user_id, domain),
                 session_id=session_id, request_id=request_id, rotation_due=rotation_due, time_zone=zone)


async def _live_session(db: Database, digest: str, *, now: datetime, idle: timedelta) -> list:
    """The session, member and chapters (one row per chapter) of a live session token in one statement; [] for an
    unknown, ended or idle one. On PostgreSQL outside any transaction (no BEGIN, no COMMIT: ~0.4 ms of CPU less
    per request than a transaction of its own), through the lookup function of migration 0015."""
    params = {"token_hash": digest, "now": now, "idle_since": now - idle}
    async with db.engine.connect() as conn:  # no ORM session: every request runs this, rows are all it needs
        if db.is_sqlite:
            rows = (await conn.execute(_LIVE_SESSION, params)).all()
        else:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            rows = (await conn.execute(_LIVE_SESSION_PG, params)).all()
        await conn.commit()  # ends the read (on PostgreSQL sends nothing): never a ROLLBACK (db.py, end_read)
    return rows


async def _enforcer_of(db: Database, org_id: uuid.UUID, version: int):
    """The organization's policy enforcer at this policy version (cached per process; read in the organization,
    which the caller has entered, when the version is new here)."""
    enforcer = _policy_cache.get(org_id, version)
    if enforcer is None:
        async with db.engine.connect() as conn:
            rules = (await conn.execute(select(PolicyRule.ptype, PolicyRule.v0, PolicyRule.v1, PolicyRule.v2,
                                               PolicyRule.v3).where(PolicyRule.organization_id == org_id))).all()
            await conn.commit()  # read-only, but a ROLLBACK would drop the connection's prepared statements (db.py)
        enforcer = build_enforcer(str(org_id), [tuple(r) for r in rules])
        _policy_cache.put(org_id, version, enforcer)
    return enforcer


# ---------------------------------------------------------------- me


@dataclass
class MembershipView:
    organization: Organization
    roles: list[str]
    chapters: list[Chapter]


async def my_memberships(db: Database, actor: Actor) -> tuple[User, list[MembershipView]]:
    async with db.reader() as s:
        user = await s.get(User, actor.user_id)
        org_ids = [o for o, active in await organizations_of_user(s, actor.user_id) if active]
        orgs = list(await s.scalars(select(Organization).where(Organization.id.in_(org_ids))
                                    .order_by(Organization.name)))
        roles, chapters = [], []
        for org_id in org_ids:  # each organization's rows are read inside it (row-level security)
            async with within_tenant(s, org_id):
                roles += (await s.execute(select(PolicyRule.v2, PolicyRule.v1).where(
                    PolicyRule.ptype == "g", PolicyRule.v0 == user_subject(actor.user_id),
                    PolicyRule.organization_id == org_id))).all()
                chapters += (await s.execute(select(MembershipChapter.organization_id, Chapter).join(
                    Chapter, Chapter.id == MembershipChapter.chapter_id).where(
                    MembershipChapter.organization_id == org_id,
                    MembershipChapter.user_id == actor.user_id).order_by(Chapter.name))).all()
    views = [MembershipView(
        organization=o,
        roles=sorted(r for dom, r in roles if dom == str(o.id)),
        chapters=[c for oid, c in chapters if oid == o.id]) for o in orgs]
    return user, views


async def organization_chapters(db: Database, actor: Actor) -> list[Chapter]:
    async with db.reader() as s:
        return list(await s.scalars(select(Chapter).where(
            Chapter.organization_id == actor.organization_id).order_by(Chapter.name)))


async def users_by_ids(db: Database, org_id: uuid.UUID, ids: list[uuid.UUID]) -> dict[uuid.UUID, User]:
    """Staff of the organization: members who joined it (no other tenant's user leaks, nor the account of someone
    only invited, whose name may be one they use in another organization; see users.MemberView)."""
    async with db.reader() as s:
        rows = await s.scalars(select(User).join(Membership, Membership.user_id == User.id).where(
            Membership.organization_id == org_id, Membership.joined_at.is_not(None),
            among(db.is_sqlite, User.id, ids)))
        return {r.id: r for r in rows}


async def chapters_by_ids(db: Database, org_id: uuid.UUID, ids: list[uuid.UUID]) -> dict[uuid.UUID, Chapter]:
    async with db.reader() as s:
        rows = await s.scalars(select(Chapter).where(Chapter.organization_id == org_id,
                                                     among(db.is_sqlite, Chapter.id, ids)))
        return {r.id: r for r in rows}


async def get_in_org(db: Database, actor: Actor, kind: str, obj_id: uuid.UUID):
    """Organization (only my own), Chapter or User (a member of my organization), needing organization:read."""
    if not actor.can("organization", "read"):
        return None
    if kind == "Organization":
        if obj_id != actor.organization_id:
            return None
        async with db.reader() as s:
            return await s.get(Organization, obj_id)
    loader = {"Chapter": chapters_by_ids, "User": users_by_ids}[kind]
    return (await loader(db, actor.organization_id, [obj_id])).get(obj_id)
