"""People in an organization, as admins manage them: invitations, password resets, roles, chapters, deactivation.

A member's status follows from their membership: INVITED (invited, link not used yet), ACTIVE, DEACTIVATED.
Links (invitation, password reset) carry a random token; only its SHA-256 is stored (`user_tokens`), each link
works once and expires, and sending a new one, deactivating the member or using it voids the older ones.
"""

from __future__ import annotations

import enum
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import quote

from sqlalchemy import and_, case, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain import idempotency
from domain import validate as v
from domain.audit.service import record as audit
from domain.db import Database, utcnow
from domain.errors import DomainError, ErrorCode, invalid, not_found
from domain.identity.models import (
    Chapter, Membership, MembershipChapter, Organization, PolicyRule, Session, TokenPurpose, User, UserToken,
)
from domain.identity.roles import (
    ADMIN, all_role_names, check_may_confer, holders_of, lock_organization, permissions_of_roles,
)
from domain.identity.service import (
    EMAIL_RE, MIN_PASSWORD, LoginResult, bump_policy_version, hash_password, normalize_email,
    end_previous_session, open_session, rotate_sessions_of, token_digest,
)
from domain.outbox.service import enqueue, render, resolve_language
from domain.paging import Page, keyset, make_page
from domain.tenancy import enter_tenant, organization_of_user_token, organizations_of_user, within_tenant
from policies import Actor
from policies.enforcer import user_subject

# At most this many reset mails per account per hour (the rest are dropped silently: same answer to the caller).
RESET_MAILS_PER_HOUR = 3
_NOBODY = uuid.UUID(int=0)  # an id that matches no row (password reset requests for unknown addresses)
INVALID_LINK = "This link does not work any more: it was used already, it expired or a newer one replaced it."


class MemberStatus(enum.Enum):
    ACTIVE = "ACTIVE"
    INVITED = "INVITED"
    DEACTIVATED = "DEACTIVATED"


def status_of(m: Membership) -> MemberStatus:
    if m.deactivated_at is not None:
        return MemberStatus.DEACTIVATED
    return MemberStatus.INVITED if m.joined_at is None else MemberStatus.ACTIVE


@dataclass
class MemberView:
    user: User
    membership: Membership
    roles: list[str] = field(default_factory=list)
    chapters: list[Chapter] = field(default_factory=list)
    last_seen_at: datetime | None = None

    @property
    def status(self) -> MemberStatus:
        return status_of(self.membership)

    @property
    def display_name(self) -> str:
        """Their name as this organization sees it: until they join, the name its inviter gave, or their address's
        local part (the account's own name may be one they use in another organization)."""
        if self.membership.joined_at is None:
            return self.membership.invited_name or self.user.email.split("@")[0]
        return self.user.display_name


# The name shown, in SQL, for searching by it (the local-part fallback is found by the search in emails).
_SHOWN_NAME = case((Membership.joined_at.is_(None), func.coalesce(Membership.invited_name, "")),
                   else_=User.display_name)


@dataclass
class UserFilter:
    search: str | None = None
    role: str | None = None
    active: bool | None = None
    statuses: list[MemberStatus] | None = None


def _require(actor: Actor) -> None:
    if not actor.can("user", "manage"):
        raise DomainError(ErrorCode.FORBIDDEN, "You do not have permission to manage users.")


def _password(password: str | None, field: str = "password") -> str:
    if not password or len(password) < MIN_PASSWORD:
        raise invalid(f"Passwords need at least {MIN_PASSWORD} characters.", field)
    if len(password) > 1000:
        raise invalid("At most 1000 characters.", field)
    return password


def link(public_url: str, path: str, token: str, *, template: str, language: str | None) -> str:
    """A mailed link to one of the web app's pages; `lang` (the language `template` is rendered in) opens the page
    in the mail's language, unless the reader chose another one in that browser."""
    lang = resolve_language(template, language)
    return f"{public_url.rstrip('/')}/{path}?token={quote(token)}&lang={quote(lang)}"


async def _views(s: AsyncSession, org_id: uuid.UUID, pairs: list[tuple[User, Membership]]) -> list[MemberView]:
    """Roles, chapters and last sign-in for a page of members: three queries whatever the page size."""
    ids = [u.id for u, _ in pairs]
    if not ids:
        return []
    subjects = {user_subject(i): i for i in ids}
    roles: dict[uuid.UUID, list[str]] = {}
    for sub, role in await s.execute(select(PolicyRule.v0, PolicyRule.v1).where(
            PolicyRule.organization_id == org_id, PolicyRule.ptype == "g", PolicyRule.v2 == str(org_id),
            PolicyRule.v0.in_(list(subjects)))):
        roles.setdefault(subjects[sub], []).append(role)
    chapters: dict[uuid.UUID, list[Chapter]] = {}
    for uid, ch in await s.execute(select(MembershipChapter.user_id, Chapter).join(
            Chapter, Chapter.id == MembershipChapter.chapter_id).where(
            MembershipChapter.organization_id == org_id, MembershipChapter.user_id.in_(ids)).order_by(Chapter.name)):
        chapters.setdefault(uid, []).append(ch)
    seen = dict((await s.execute(select(Session.user_id, func.max(Session.last_seen_at)).where(
        Session.organization_id == org_id, Session.user_id.in_(ids)).group_by(Session.user_id))).all())
    return [MemberView(user=u, membership=m, roles=sorted(roles.get(u.id, [])), chapters=chapters.get(u.id, []),
                       last_seen_at=seen.get(u.id)) for u, m in pairs]


async def _member(s: AsyncSession, org_id: uuid.UUID, user_id: uuid.UUID, field: str = "userId",
                  lock: bool = False) -> tuple[User, Membership]:
    q = select(User, Membership).join(Membership, Membership.user_id == User.id).where(
        Membership.organization_id == org_id, User.id == user_id)
    row = (await s.execute(q.with_for_update() if lock else q)).first()
    if row is None:
        raise not_found("user", field)
    return row[0], row[1]


async def _view(s: AsyncSession, org_id: uuid.UUID, user_id: uuid.UUID) -> MemberView:
    return (await _views(s, org_id, [await _member(s, org_id, user_id)]))[0]


async def _roles_of(s: AsyncSession, org_id: uuid.UUID, user_id: uuid.UUID) -> set[str]:
    return set(await s.scalars(select(PolicyRule.v1).where(
        PolicyRule.organization_id == org_id, PolicyRule.ptype == "g", PolicyRule.v0 == user_subject(user_id),
        PolicyRule.v2 == str(org_id))))


async def _check_target(s: AsyncSession, actor: Actor, roles: set[str]) -> None:
    """A user manager who is not an admin cannot act on someone holding permissions they lack."""
    check_may_confer(actor, await permissions_of_roles(s, actor.organization_id, roles), "userId")


async def _other_active_admins(s: AsyncSession, org_id: uuid.UUID, user_id: uuid.UUID) -> int:
    subjects = list(await s.scalars(select(PolicyRule.v0).where(
        PolicyRule.organization_id == org_id, PolicyRule.ptype == "g", PolicyRule.v1 == ADMIN,
        PolicyRule.v2 == str(org_id), PolicyRule.v0 != user_subject(user_id))))
    if not subjects:
        return 0
    ids = [uuid.UUID(sub.removeprefix("user:")) for sub in subjects if sub.startswith("user:")]
    return await s.scalar(select(func.count()).select_from(Membership).join(User, User.id == Membership.user_id)
                          .where(Membership.organization_id == org_id, Membership.user_id.in_(ids),
                                 Membership.active.is_(True), User.active.is_(True))) or 0


async def _keep_an_admin(s: AsyncSession, org_id: uuid.UUID, user_id: uuid.UUID) -> None:
    if not await _other_active_admins(s, org_id, user_id):
        raise DomainError(ErrorCode.CONFLICT, "The organization would be left without an active admin: make "
                          "someone else an admin first.", "userId")


async def _check_roles(s: AsyncSession, org_id: uuid.UUID, roles: list[str] | None) -> list[str]:
    wanted = sorted({(r or "").strip() for r in roles or []})
    known = await all_role_names(s, org_id)
    unknown = [r for r in wanted if r not in known]
    if unknown:
        raise invalid(f"Unknown role: {', '.join(unknown)}.", "roles")
    return wanted


async def _check_chapters(s: AsyncSession, org_id: uuid.UUID, chapter_ids: list[uuid.UUID] | None) -> list[uuid.UUID]:
    wanted = list(dict.fromkeys(chapter_ids or []))
    if wanted:
        found = set(await s.scalars(select(Chapter.id).where(Chapter.organization_id == org_id,
                                                             Chapter.id.in_(wanted))))
        if len(found) != len(wanted):
            raise invalid("No such chapter in your organization.", "chapterIds")
    return wanted


async def _void_tokens(s: AsyncSession, *, user_id: uuid.UUID, organization_id: uuid.UUID | None = None,
                       purpose: TokenPurpose | None = None) -> None:
    if organization_id is None:  # in every organization of the user, each inside its own (row-level security)
        for org_id, _ in await organizations_of_user(s, user_id):
            async with within_tenant(s, org_id):
                await _void_tokens(s, user_id=user_id, organization_id=org_id, purpose=purpose)
        return
    q = update(UserToken).where(UserToken.user_id == user_id, UserToken.used_at.is_(None),
                                UserToken.organization_id == organization_id)
    if purpose is not None:
        q = q.where(UserToken.purpose == purpose)
    await s.execute(q.values(used_at=utcnow()))


async def _end_sessions(s: AsyncSession, user_id: uuid.UUID, organization_id: uuid.UUID | None = None) -> int:
    if organization_id is None:  # in every organization of the user, each inside its own (row-level security)
        ended = 0
        for org_id, _ in await organizations_of_user(s, user_id):
            async with within_tenant(s, org_id):
                ended += await _end_sessions(s, user_id, org_id)
        return ended
    q = update(Session).where(Session.user_id == user_id, Session.revoked_at.is_(None),
                              Session.organization_id == organization_id)
    return (await s.execute(q.values(revoked_at=utcnow()))).rowcount or 0


def _new_token(s: AsyncSession, *, organization_id: uuid.UUID, user_id: uuid.UUID, purpose: TokenPurpose,
               ttl: timedelta, created_by: uuid.UUID | None) -> tuple[str, UserToken]:
    token = secrets.token_urlsafe(32)
    row = UserToken(organization_id=organization_id, user_id=user_id, purpose=purpose,
                    token_hash=token_digest(token), expires_at=utcnow() + ttl, created_by_user_id=created_by)
    s.add(row)
    return token, row


async def _redeem(s: AsyncSession, token: str | None, purpose: TokenPurpose) -> UserToken:
    """Marks the link used (atomically: of two concurrent uses, one wins) or raises VALIDATION on `token`."""
    if not token or len(token) > 200:
        raise invalid(INVALID_LINK, "token")
    now = utcnow()
    digest = token_digest(token)
    # a mailed link is opened before any organization is known: act in the link's (domain.tenancy)
    await enter_tenant(s, await organization_of_user_token(s, digest))
    result = await s.execute(update(UserToken).where(
        UserToken.token_hash == digest, UserToken.purpose == purpose, UserToken.used_at.is_(None),
        UserToken.expires_at > now).values(used_at=now))
    if result.rowcount != 1:
        raise invalid(INVALID_LINK, "token")
    return await s.scalar(select(UserToken).where(UserToken.token_hash == digest))


async def _send_invitation(s: AsyncSession, actor: Actor, user: User, membership: Membership, *,
                           language: str | None, public_url: str, ttl: timedelta) -> UserToken:
    org = await s.get(Organization, actor.organization_id)
    inviter = await s.get(User, actor.user_id)
    await _void_tokens(s, user_id=user.id, organization_id=org.id, purpose=TokenPurpose.INVITATION)
    token, row = _new_token(s, organization_id=org.id, user_id=user.id, purpose=TokenPurpose.INVITATION, ttl=ttl,
                            created_by=actor.user_id)
    await enqueue(s, organization_id=org.id, kind="user_invitation", template="user_invitation",
                  language=language or user.preferred_language, to=[user.email], related_type="User",
                  related_id=user.id, context={
                      "organization_name": org.name, "inviter_name": inviter.display_name if inviter else org.name,
                      "accept_url": link(public_url, "accept-invite", token, template="user_invitation",
                                        language=language or user.preferred_language), "expires_at": row.expires_at,
                      "invitee_name": membership.invited_name})
    return row


# ---------------------------------------------------------------- reads


async def list_members(db: Database, actor: Actor, f: UserFilter | None = None, *, first: int | None = None,
                       after: str | None = None, with_total: bool = False) -> Page[MemberView]:
    """The organization's members (active, invited and deactivated), by email."""
    _require(actor)
    f = f or UserFilter()
    org_id = actor.organization_id
    q = select(User, Membership).join(Membership, Membership.user_id == User.id).where(
        Membership.organization_id == org_id)
    if f.search and f.search.strip():
        term = f.search.strip().lower()  # literally: % and _ are not wildcards
        q = q.where(or_(func.lower(_SHOWN_NAME).contains(term, autoescape=True),
                        func.lower(User.email).contains(term, autoescape=True)))
    if f.active is not None:
        q = q.where(Membership.active.is_(f.active))
    if f.statuses:
        conds = {MemberStatus.ACTIVE: Membership.active.is_(True),
                 MemberStatus.INVITED: and_(Membership.joined_at.is_(None), Membership.deactivated_at.is_(None)),
                 MemberStatus.DEACTIVATED: Membership.deactivated_at.is_not(None)}
        q = q.where(or_(*(conds[MemberStatus(s)] for s in f.statuses)))
    async with db.transaction() as s:
        if f.role is not None:
            subjects = await s.scalars(select(PolicyRule.v0).where(
                PolicyRule.organization_id == org_id, PolicyRule.ptype == "g", PolicyRule.v1 == f.role.strip(),
                PolicyRule.v2 == str(org_id)))
            q = q.where(User.id.in_([uuid.UUID(x.removeprefix("user:")) for x in subjects if x.startswith("user:")]))
        total = await s.scalar(select(func.count()).select_from(q.subquery())) if with_total else None
        paged, size = keyset(q, [User.email, User.id], False, first, after)
        pairs = [(u, m) for u, m in (await s.execute(paged)).all()]
        views = await _views(s, org_id, pairs)
        audit(s, actor, "user.list", entity_type="user", detail={"count": min(len(views), size)})
    return make_page(views, lambda m: (m.user.email, m.user.id), size, total)


# Who may list their colleagues: those who choose people (case assignees, campaign and network leads).
COLLEAGUE_PERMISSIONS = (("case", "assign"), ("campaign", "manage"), ("network", "manage"))
# what they may filter by: who can work on cases (assignees), see campaigns or lead networks (leads)
COLLEAGUE_FILTERS = frozenset({("case", "update"), ("campaign", "read"), ("network", "lead")})
MAX_COLLEAGUES = 100


async def list_colleagues(db: Database, actor: Actor, *, search: str | None = None, can: str | None = None,
                          first: int | None = None) -> list[User]:
    """Active members of my organization by name, to choose assignees and leads from (no roles, statuses or
    activity: those stay with user:manage). `can`: only members whose roles grant case:update (assignees: who can
    work on cases), campaign:read or network:lead (leads); no other permission, whose holders are user:manage's.
    Needs case:assign, campaign:manage or network:manage."""
    if not any(actor.can(r, a) for r, a in COLLEAGUE_PERMISSIONS):
        raise DomainError(ErrorCode.FORBIDDEN, "You do not have permission to choose colleagues.")
    size = MAX_COLLEAGUES if first is None else first
    if not 1 <= size <= MAX_COLLEAGUES:
        raise invalid(f"first must be between 1 and {MAX_COLLEAGUES}.", "first")
    org_id = actor.organization_id
    q = select(User).join(Membership, Membership.user_id == User.id).where(
        Membership.organization_id == org_id, Membership.active.is_(True))
    if search and search.strip():
        term = search.strip().lower()[:200]  # literally: % and _ are not wildcards
        q = q.where(or_(func.lower(User.display_name).contains(term, autoescape=True),
                        func.lower(User.email).contains(term, autoescape=True)))
    async with db.reader() as s:
        if can is not None:
            resource, _, action = can.strip().partition(":")
            if (resource, action) not in COLLEAGUE_FILTERS:  # who holds other permissions is user:manage's to see
                raise invalid(f"can is one of {', '.join(sorted(f'{r}:{a}' for r, a in COLLEAGUE_FILTERS))}.", "can")
            subjects = await s.scalars(holders_of(org_id, resource, action))
            q = q.where(User.id.in_([uuid.UUID(x.removeprefix("user:")) for x in subjects if x.startswith("user:")]))
        return list(await s.scalars(q.order_by(func.lower(User.display_name), User.id).limit(size)))


# ---------------------------------------------------------------- invitations


async def invite_user(db: Database, actor: Actor, *, email: str, display_name: str | None, roles: list[str],
                      chapter_ids: list[uuid.UUID] | None, language: str | None, public_url: str,
                      ttl: timedelta, idempotency_key: str | None = None) -> MemberView:
    _require(actor)
    email = normalize_email(email)
    name = v.text(display_name, "displayName", max_len=200)
    language = v.text(language, "language", max_len=12)
    org_id = actor.organization_id
    async with db.transaction() as s:
        await lock_organization(s, org_id)
        language = language and await _offered_language(s, org_id, language)
        done = await idempotency.claim(s, actor, "inviteUser", idempotency_key, (
            email, sorted(roles or []), sorted(map(str, chapter_ids or [])), name, language))
        if done:  # a retry of an invitation already sent: the same answer, no second mail
            return await _view(s, org_id, done.result_id)
        roles = await _check_roles(s, org_id, roles)
        chapter_ids = await _check_chapters(s, org_id, chapter_ids)
        check_may_confer(actor, await permissions_of_roles(s, org_id, roles), "roles")
        user = await s.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, display_name=name or email.split("@")[0], password_hash=None,
                        preferred_language=language or "en")
            s.add(user)
            await s.flush()
        elif await s.scalar(select(Membership.id).where(Membership.user_id == user.id,
                                                        Membership.organization_id == org_id)):
            raise DomainError(ErrorCode.CONFLICT, f"{email} is already a member of this organization or invited "
                              "to it (a pending invitation can be sent again).", "email")
        membership = Membership(organization_id=org_id, user_id=user.id, active=False, joined_at=None,
                                invited_name=name)
        s.add(membership)
        for ch in chapter_ids:
            s.add(MembershipChapter(organization_id=org_id, user_id=user.id, chapter_id=ch))
        for role in roles:
            s.add(PolicyRule(organization_id=org_id, ptype="g", v0=user_subject(user.id), v1=role, v2=str(org_id),
                             v3=""))
        if roles:
            await bump_policy_version(s, org_id)
        await s.flush()
        row = await _send_invitation(s, actor, user, membership, language=language, public_url=public_url, ttl=ttl)
        audit(s, actor, "user.invite", entity_type="user", entity_id=user.id, detail={
            "email": email, "roles": roles, "chapters": [str(c) for c in chapter_ids],
            "expires_at": row.expires_at.isoformat()})
        await idempotency.complete(s, actor, "inviteUser", idempotency_key, user.id)
        await s.flush()
        return await _view(s, org_id, user.id)


async def resend_invitation(db: Database, actor: Actor, user_id: uuid.UUID, *, language: str | None,
                            public_url: str, ttl: timedelta, idempotency_key: str | None = None) -> MemberView:
    """A new link for a member who has not accepted yet; the older links stop working."""
    _require(actor)
    org_id = actor.organization_id
    async with db.transaction() as s:
        if await idempotency.claim(s, actor, "resendInvitation", idempotency_key, (str(user_id), language)):
            return await _view(s, org_id, user_id)  # a retry: that mail went out already
        user, m = await _member(s, org_id, user_id)
        if status_of(m) is not MemberStatus.INVITED:
            raise DomainError(ErrorCode.CONFLICT, "Only a pending invitation can be sent again (this member is "
                              f"{status_of(m).value.lower()}).", "userId")
        await _check_target(s, actor, await _roles_of(s, org_id, user_id))
        language = v.text(language, "language", max_len=12)
        row = await _send_invitation(s, actor, user, m, language=language and await _offered_language(
            s, org_id, language), public_url=public_url, ttl=ttl)
        audit(s, actor, "user.invite_resend", entity_type="user", entity_id=user.id,
              detail={"expires_at": row.expires_at.isoformat()})
        await idempotency.complete(s, actor, "resendInvitation", idempotency_key, user.id)
        return await _view(s, org_id, user_id)


async def accept_invitation(db: Database, *, token: str, password: str, display_name: str, ttl: timedelta,
                            request_id: str | None = None, previous_token: str | None = None,
                            replaced_cookie_token: str | None = None) -> LoginResult:
    """The invitee sets their name and password, becomes an active member and is signed in, with a new session.
    Security: as login, the same account's session the client came with (`previous_token`) ends; and the browser
    session whose cookie the new one replaces (`replaced_cookie_token`) ends whoever's it was."""
    password = _password(password)
    name = v.text(display_name, "displayName", required=True, max_len=200)
    password_hash = hash_password(password)  # slow on purpose: before the write lock is taken
    async with db.transaction() as s:
        row = await _redeem(s, token, TokenPurpose.INVITATION)
        m = await s.scalar(select(Membership).where(Membership.organization_id == row.organization_id,
                                                    Membership.user_id == row.user_id))
        user = await s.get(User, row.user_id)
        if m is None or m.deactivated_at is not None or not user.active:
            raise invalid(INVALID_LINK, "token")
        had_password = user.password_hash is not None
        user.password_hash = password_hash
        user.display_name = name
        m.joined_at = utcnow()
        m.active = True
        await _void_tokens(s, user_id=user.id, organization_id=row.organization_id, purpose=TokenPurpose.INVITATION)
        ended = await _end_sessions(s, user.id) if had_password else 0
        ended += await end_previous_session(s, previous_token, user.id)
        replaced = await end_previous_session(s, replaced_cookie_token, user.id, any_account=True)
        audit(s, None, "user.invite_accept", entity_type="user", entity_id=user.id,
              organization_id=row.organization_id, user_id=user.id, request_id=request_id,
              detail={"password_replaced": had_password, "sessions_ended": ended,
                      "browser_session_replaced": replaced})
        token_out, session = open_session(s, user_id=user.id, organization_id=row.organization_id, ttl=ttl)
        audit(s, None, "login.success", entity_type="user", entity_id=user.id, organization_id=row.organization_id,
              user_id=user.id, request_id=request_id, detail={"via": "invitation"})
    return LoginResult(token=token_out, user=user, organization_id=row.organization_id,
                       expires_at=session.expires_at)


# ---------------------------------------------------------------- password reset


def _reset_mail(user: User | None, org: Organization | None, *, public_url: str,
                ttl: timedelta) -> tuple[str, dict]:
    """A new reset link's token digest and the mail's context (the link carries the token itself)."""
    token = secrets.token_urlsafe(32)
    return token_digest(token), {
        "user_name": user.display_name if user else "", "organization_name": org.name if org else "",
        "reset_url": link(public_url, "reset-password", token, template="password_reset",
                          language=user.preferred_language if user else None),
        "valid_minutes": max(1, int(ttl.total_seconds() // 60))}


async def _resets_last_hour(s: AsyncSession, user_id: uuid.UUID) -> int:
    return await s.scalar(select(func.count()).select_from(UserToken).where(
        UserToken.user_id == user_id, UserToken.purpose == TokenPurpose.PASSWORD_RESET,
        UserToken.created_at > utcnow() - timedelta(hours=1)))


async def _mail_reset_link(s: AsyncSession, *, user: User, org: Organization, digest: str, context: dict,
                           ttl: timedelta, created_by: uuid.UUID | None) -> UserToken:
    """The one place a password reset link is made: its token row and the mail, in the caller's unit of work.
    Whoever asked (the member themselves or an admin) the link goes only to the member's own address."""
    row = UserToken(organization_id=org.id, user_id=user.id, purpose=TokenPurpose.PASSWORD_RESET,
                    token_hash=digest, expires_at=utcnow() + ttl, created_by_user_id=created_by)
    s.add(row)
    await enqueue(s, organization_id=org.id, kind="password_reset", template="password_reset",
                  language=user.preferred_language, to=[user.email], related_type="User",
                  related_id=user.id, context=context)
    return row


async def request_password_reset(db: Database, *, email: str, public_url: str, ttl: timedelta,
                                 request_id: str | None = None) -> None:
    """Mails a reset link if the email belongs to an active member somewhere; says nothing either way.

    Security: the answer must not tell, by its content or its timing, whether the account exists. Every
    well-formed address takes the same path: the same reads (with an id that matches nothing when there is no
    such member), a new token and its digest, the mail rendered, one audit row, in one transaction; only an
    account that gets the mail adds its token and outbox rows (two inserts in the same commit)."""
    email_n = (email or "").strip().lower()
    if not EMAIL_RE.match(email_n) or len(email_n) > 254:
        return  # malformed: the caller knows it already
    async with db.transaction() as s:
        user = await s.scalar(select(User).where(User.email == email_n))
        user_id = user.id if user is not None else _NOBODY
        orgs = await organizations_of_user(s, user_id)
        first = next((o for o, active in orgs if active), None) if user is not None and user.active else None
        await enter_tenant(s, first)  # None: no tenant, nothing below is found
        m = await s.scalar(select(Membership).where(Membership.user_id == user_id,
                                                    Membership.organization_id == (first or _NOBODY)))
        recent = await _resets_last_hour(s, user_id)
        org = await s.get(Organization, first or _NOBODY)
        digest, context = _reset_mail(user, org, public_url=public_url, ttl=ttl)
        if m is None or org is None:
            render("password_reset", "en", context)  # the same work as the mail below
            audit(s, None, "password_reset.request", entity_type="user", entity_id=user.id if user else None,
                  user_id=user.id if user else None, request_id=request_id,
                  detail={"email": email_n, "sent": False, "reason": "no active membership"})
        elif recent >= RESET_MAILS_PER_HOUR:
            render("password_reset", user.preferred_language, context)
            audit(s, None, "password_reset.request", entity_type="user", entity_id=user.id,
                  organization_id=org.id, user_id=user.id, request_id=request_id,
                  detail={"sent": False, "reason": "rate limited"})
        else:
            row = await _mail_reset_link(s, user=user, org=org, digest=digest, context=context, ttl=ttl,
                                         created_by=None)
            audit(s, None, "password_reset.request", entity_type="user", entity_id=user.id,
                  organization_id=org.id, user_id=user.id, request_id=request_id,
                  detail={"sent": True, "expires_at": row.expires_at.isoformat()})


async def send_password_reset(db: Database, actor: Actor, user_id: uuid.UUID, *, public_url: str,
                              ttl: timedelta, idempotency_key: str | None = None) -> tuple[MemberView, datetime]:
    """An admin mails an active member a reset link (the same link and mail as requestPasswordReset; the admin
    never sees it). Counts toward the member's RESET_MAILS_PER_HOUR, whoever asked. Returns the member and
    when the link expires."""
    _require(actor)
    org_id = actor.organization_id
    async with db.transaction() as s:
        done = await idempotency.claim(s, actor, "sendPasswordReset", idempotency_key, (str(user_id),))
        if done:  # a retry: that mail went out already
            return await _view(s, org_id, user_id), (await s.get(UserToken, done.result_id)).expires_at
        user, m = await _member(s, org_id, user_id, lock=True)  # one count of recent links at a time
        if status_of(m) is not MemberStatus.ACTIVE or not user.active:
            why = {MemberStatus.INVITED: "invited: resend the invitation instead",
                   MemberStatus.DEACTIVATED: "deactivated"}.get(status_of(m), "a disabled account")
            raise DomainError(ErrorCode.CONFLICT, "Only an active member can be sent a password reset link (this "
                              f"member is {why}).", "userId")
        await _check_target(s, actor, await _roles_of(s, org_id, user_id))
        if await _resets_last_hour(s, user.id) >= RESET_MAILS_PER_HOUR:
            raise DomainError(ErrorCode.RATE_LIMITED, f"At most {RESET_MAILS_PER_HOUR} password reset mails an hour "
                              "can go to one person; try again later.", "userId")
        org = await s.get(Organization, org_id)
        digest, context = _reset_mail(user, org, public_url=public_url, ttl=ttl)
        row = await _mail_reset_link(s, user=user, org=org, digest=digest, context=context, ttl=ttl,
                                     created_by=actor.user_id)
        audit(s, actor, "password_reset.send", entity_type="user", entity_id=user.id,
              detail={"sent": True, "expires_at": row.expires_at.isoformat()})
        await s.flush()
        await idempotency.complete(s, actor, "sendPasswordReset", idempotency_key, row.id)
        return await _view(s, org_id, user_id), row.expires_at


async def reset_password(db: Database, *, token: str, new_password: str, request_id: str | None = None,
                         previous_token: str | None = None) -> bool:
    """Sets a new password with a reset link; every session of the account ends (in every organization). Nobody is
    signed in. True when the session the client came with (`previous_token`) was this account's and ended with
    the others (the caller then clears its cookie)."""
    password_hash = hash_password(_password(new_password, "newPassword"))
    async with db.transaction() as s:
        row = await _redeem(s, token, TokenPurpose.PASSWORD_RESET)
        user = await s.get(User, row.user_id)
        user.password_hash = password_hash
        await _void_tokens(s, user_id=user.id, purpose=TokenPurpose.PASSWORD_RESET)
        client_session = await end_previous_session(s, previous_token, user.id)
        ended = await _end_sessions(s, user.id) + int(client_session)
        audit(s, None, "password_reset.complete", entity_type="user", entity_id=user.id,
              organization_id=row.organization_id, user_id=user.id, request_id=request_id,
              detail={"sessions_ended": ended})
    return client_session


# ---------------------------------------------------------------- roles, chapters, (de)activation


async def set_user_roles(db: Database, actor: Actor, user_id: uuid.UUID, roles: list[str]) -> MemberView:
    _require(actor)
    org_id = actor.organization_id
    async with db.transaction() as s:
        await lock_organization(s, org_id)
        _, m = await _member(s, org_id, user_id)
        wanted = await _check_roles(s, org_id, roles)
        current = await _roles_of(s, org_id, user_id)
        await _check_target(s, actor, current | set(wanted))
        if ADMIN in current and ADMIN not in wanted and m.active:
            await _keep_an_admin(s, org_id, user_id)
        changed = current != set(wanted)
        if changed:
            await s.execute(delete(PolicyRule).where(
                PolicyRule.organization_id == org_id, PolicyRule.ptype == "g",
                PolicyRule.v0 == user_subject(user_id), PolicyRule.v2 == str(org_id)))
            for role in wanted:
                s.add(PolicyRule(organization_id=org_id, ptype="g", v0=user_subject(user_id), v1=role,
                                 v2=str(org_id), v3=""))
            await bump_policy_version(s, org_id)
            # security: new roles, new session id (browser sessions at their next request; an admin changing
            # their own roles at once, in the resolver)
            await rotate_sessions_of(s, org_id, user_id)
        audit(s, actor, "user.roles", entity_type="user", entity_id=user_id,
              detail={"from": sorted(current), "to": wanted, "changed": changed})
        await s.flush()
        return await _view(s, org_id, user_id)


async def set_user_chapters(db: Database, actor: Actor, user_id: uuid.UUID,
                            chapter_ids: list[uuid.UUID]) -> MemberView:
    """The chapters whose records the member works with (their record scope); empty: none of them."""
    _require(actor)
    org_id = actor.organization_id
    async with db.transaction() as s:
        await _member(s, org_id, user_id)
        wanted = await _check_chapters(s, org_id, chapter_ids)
        await _check_target(s, actor, await _roles_of(s, org_id, user_id))
        current = list(await s.scalars(select(MembershipChapter.chapter_id).where(
            MembershipChapter.organization_id == org_id, MembershipChapter.user_id == user_id)))
        await s.execute(delete(MembershipChapter).where(MembershipChapter.organization_id == org_id,
                                                        MembershipChapter.user_id == user_id))
        for ch in wanted:
            s.add(MembershipChapter(organization_id=org_id, user_id=user_id, chapter_id=ch))
        audit(s, actor, "user.chapters", entity_type="user", entity_id=user_id,
              detail={"from": sorted(str(c) for c in current), "to": sorted(str(c) for c in wanted)})
        await s.flush()
        return await _view(s, org_id, user_id)


async def deactivate_user(db: Database, actor: Actor, user_id: uuid.UUID) -> MemberView:
    """The member can no longer sign in here: their sessions in this organization end at once, links stop working."""
    _require(actor)
    org_id = actor.organization_id
    async with db.transaction() as s:
        await lock_organization(s, org_id)
        _, m = await _member(s, org_id, user_id, lock=True)
        if user_id == actor.user_id:
            raise invalid("You cannot deactivate yourself.", "userId")
        roles = await _roles_of(s, org_id, user_id)
        await _check_target(s, actor, roles)
        ended = 0
        if m.deactivated_at is None:
            if ADMIN in roles and m.active:
                await _keep_an_admin(s, org_id, user_id)
            m.active = False
            m.deactivated_at = utcnow()
            ended = await _end_sessions(s, user_id, org_id)
            await _void_tokens(s, user_id=user_id, organization_id=org_id)
        audit(s, actor, "user.deactivate", entity_type="user", entity_id=user_id, detail={"sessions_ended": ended})
        await s.flush()
        return await _view(s, org_id, user_id)


async def reactivate_user(db: Database, actor: Actor, user_id: uuid.UUID) -> MemberView:
    """Undo a deactivation (a member who never accepted their invitation goes back to INVITED: resend it)."""
    _require(actor)
    org_id = actor.organization_id
    async with db.transaction() as s:
        _, m = await _member(s, org_id, user_id, lock=True)
        await _check_target(s, actor, await _roles_of(s, org_id, user_id))
        was = status_of(m)
        m.deactivated_at = None
        m.active = m.joined_at is not None
        audit(s, actor, "user.reactivate", entity_type="user", entity_id=user_id,
              detail={"from": was.value, "to": status_of(m).value})
        await s.flush()
        return await _view(s, org_id, user_id)


# ---------------------------------------------------------------- my own account


def _language_code(raw: str | None) -> str:
    return (raw or "").strip().lower().replace("_", "-")


async def _offered_language(s: AsyncSession, org_id: uuid.UUID, raw: str | None) -> str:
    """`raw` as a language code the organization offers (Organization.languages), else VALIDATION on `language`."""
    code = _language_code(raw)
    offered = [_language_code(c) for c in (await s.get(Organization, org_id)).languages or []]
    if code not in offered:
        raise invalid(f"Choose one of the languages your organization offers: {', '.join(offered)}.", "language")
    return code


async def set_my_language(db: Database, actor: Actor, *, language: str) -> str:
    """The language of my mail (daily digest, notices, password resets): one the organization offers
    (Organization.languages, e.g. en, es). Anything else is a VALIDATION error and changes nothing. The choice is
    the account's, so it holds in every organization I belong to. Everyone may make it for themselves."""
    async with db.transaction() as s:
        code = await _offered_language(s, actor.organization_id, language)
        user = await s.get(User, actor.user_id, with_for_update=True)
        before = user.preferred_language
        user.preferred_language = code
        audit(s, actor, "user.language", entity_type="user", entity_id=user.id,
              detail={"from": before, "to": code, "changed": before != code})
    return code
