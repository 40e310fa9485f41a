from __future__ import annotations

from datetime import datetime

import strawberry

from api.relay import Node, to_global_id
from domain.identity.models import Chapter, Organization, User


@strawberry.type(name="User", description="A staff account.")
class UserType(Node):
    display_name: str
    email: str

    @classmethod
    def of(cls, u: User, display_name: str | None = None) -> "UserType":
        """`display_name`: the name to show instead of the account's (a pending member's, see MemberView)."""
        return cls(id=to_global_id("User", u.id), display_name=display_name or u.display_name, email=u.email)


@strawberry.type(name="Chapter")
class ChapterType(Node):
    name: str
    version: int = strawberry.field(default=1, description="Send it back with renameChapter (optimistic locking).")

    @classmethod
    def of(cls, c: Chapter) -> "ChapterType":
        return cls(id=to_global_id("Chapter", c.id), name=c.name, version=c.version)


@strawberry.type(name="Organization")
class OrganizationType(Node):
    name: str
    slug: str
    deadline_profile: str = strawberry.field(description="The statutory deadline profile followed (see deadlineProfiles).")
    suppression_threshold: int = strawberry.field(
        description="Aggregates never show a group smaller than this (at least 5; default 10).")
    languages: list[str] = strawberry.field(description="Languages the organization offers, e.g. [\"en\", \"es\"].")
    require_two_factor: bool = strawberry.field(
        default=False, description="Every member must sign in with a second factor (setTwoFactorRequirement).")
    time_zone: str | None = strawberry.field(
        default=None, description="Where \"today\" is for this organization (IANA name, e.g. America/Los_Angeles): "
                                  "opened-on dates, \"not in the future\", answers, deadlines. Null: the server's "
                                  "default (ADVOCASE_TIME_ZONE).")
    version: int = strawberry.field(
        default=1, description="Of the settings; send it back with updateOrganizationSettings (optimistic locking).")

    @classmethod
    def of(cls, o: Organization) -> "OrganizationType":
        return cls(id=to_global_id("Organization", o.id), name=o.name, slug=o.slug,
                   deadline_profile=o.deadline_profile, suppression_threshold=o.suppression_threshold,
                   languages=list(o.languages or []), require_two_factor=bool(o.require_two_factor),
                   time_zone=o.time_zone, version=o.version)


@strawberry.type
class OrganizationMembership:
    organization: OrganizationType
    roles: list[str]
    chapters: list[ChapterType]


@strawberry.type
class Me:
    user: UserType
    organization: OrganizationType = strawberry.field(description="The organization this session acts in.")
    roles: list[str]
    permissions: list[str] = strawberry.field(description="resource:action grants in this organization.")
    chapters: list[ChapterType] = strawberry.field(description="My chapters (my record scope) here.")
    memberships: list[OrganizationMembership] = strawberry.field(description="Every organization I belong to.")
    organization_chapters: list[ChapterType] = strawberry.field(
        description="All chapters of this organization (needs organization:read, else empty).")
    preferred_language: str = strawberry.field(
        default="en", description="The language of my mail (daily digest, notices, password resets); set it "
                                  "with setMyLanguage.")
    two_factor_enabled: bool = strawberry.field(default=False, description="My second factor (TOTP) is on.")
    two_factor_enrollment_required: bool = strawberry.field(
        default=False, description="My organization requires a second factor I have not turned on: until I do "
                                   "(beginTwoFactorEnrollment, confirmTwoFactorEnrollment) I have no permissions.")


@strawberry.type
class LoginPayload:
    token: str | None = strawberry.field(description="Send as `Authorization: Bearer <token>`; also set as a cookie.")
    expires_at: datetime | None
    me: Me | None
    errors: list["UserError"]


@strawberry.type
class LogoutPayload:
    ok: bool
    errors: list["UserError"]


from api.errors import UserError  # noqa: E402  (resolves the forward references above)
