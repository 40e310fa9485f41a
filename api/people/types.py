from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from api.context import Info

from api.directory.types import SchoolType
from api.identity.types import ChapterType, UserType
from api.relay import Node, to_global_id
from domain.people.models import (
    Consent, ConsentKind as DomainConsentKind, ConsentMethod as DomainConsentMethod,
    EnglishLearnerStatus as DomainEL, Family, SpecialEducationStatus as DomainSped, Student,
)
from policies import Actor

if TYPE_CHECKING:
    from api.cases.types import CaseConnection

ConsentKind = strawberry.enum(DomainConsentKind, name="ConsentKind")
ConsentMethod = strawberry.enum(DomainConsentMethod, name="ConsentMethod")
SpecialEducationStatus = strawberry.enum(DomainSped, name="SpecialEducationStatus")
EnglishLearnerStatus = strawberry.enum(DomainEL, name="EnglishLearnerStatus")


@strawberry.enum(description="How a family wants to be reached.")
class ContactChannel(enum.Enum):
    PHONE = "PHONE"
    SMS = "SMS"
    WHATSAPP = "WHATSAPP"
    EMAIL = "EMAIL"
    IN_PERSON = "IN_PERSON"
    MAIL = "MAIL"


@strawberry.enum
class ConsentStatus(enum.Enum):
    ACTIVE = "ACTIVE"
    EXPIRED = "EXPIRED"
    REVOKED = "REVOKED"
    NOT_YET_VALID = "NOT_YET_VALID"


@strawberry.type
class Guardian:
    name: str
    relationship: str | None
    phone: str | None
    email: str | None
    language: str | None


@strawberry.type(name="Consent")
class ConsentType(Node):
    kind: ConsentKind
    status: ConsentStatus
    method: ConsentMethod
    signed_on: date
    expires_on: date | None
    recipient: str | None
    purpose: str | None
    records: str | None
    recorded_at: datetime
    revoked_at: datetime | None
    revocation_method: ConsentMethod | None
    revocation_reason: str | None
    recorded_by_id_: strawberry.Private[uuid.UUID | None]
    revoked_by_id_: strawberry.Private[uuid.UUID | None]

    @strawberry.field
    async def recorded_by(self, info: Info) -> UserType | None:
        u = self.recorded_by_id_ and await info.context.loaders.user.load(self.recorded_by_id_)
        return UserType.of(u) if u else None

    @strawberry.field
    async def revoked_by(self, info: Info) -> UserType | None:
        u = self.revoked_by_id_ and await info.context.loaders.user.load(self.revoked_by_id_)
        return UserType.of(u) if u else None

    @classmethod
    def of(cls, c: Consent, today: date) -> "ConsentType":
        if c.revoked_at is not None:
            status = ConsentStatus.REVOKED
        elif c.signed_on > today:
            status = ConsentStatus.NOT_YET_VALID
        elif c.expires_on is not None and c.expires_on < today:
            status = ConsentStatus.EXPIRED
        else:
            status = ConsentStatus.ACTIVE
        return cls(id=to_global_id("Consent", c.id), kind=c.kind, status=status, method=c.method,
                   signed_on=c.signed_on, expires_on=c.expires_on, recipient=c.recipient, purpose=c.purpose,
                   records=c.records, recorded_at=c.recorded_at, revoked_at=c.revoked_at,
                   revocation_method=c.revocation_method, revocation_reason=c.revocation_reason,
                   recorded_by_id_=c.recorded_by_id, revoked_by_id_=c.revoked_by_id)


@strawberry.type(name="Student", description="Identity fields are null without the family identity permission.")
class StudentType(Node):
    first_name: str | None
    last_name: str | None
    grade: str | None
    special_education: SpecialEducationStatus
    english_learner: EnglishLearnerStatus
    race_ethnicity: list[str] | None
    gender: str | None
    version: int
    redacted: bool
    school_id_: strawberry.Private[uuid.UUID | None]
    family_id_: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def school(self, info: Info) -> SchoolType | None:
        s = self.school_id_ and await info.context.loaders.school.load(self.school_id_)
        return SchoolType.of(s) if s else None

    @classmethod
    def of(cls, s: Student, actor: Actor) -> "StudentType":
        shown = actor.can("family", "identity")
        return cls(id=to_global_id("Student", s.id), first_name=s.first_name if shown else None,
                   last_name=s.last_name if shown else None, grade=s.grade, special_education=s.special_education,
                   english_learner=s.english_learner, race_ethnicity=s.race_ethnicity if shown else None,
                   gender=s.gender if shown else None, version=s.version, redacted=not shown,
                   school_id_=s.school_id, family_id_=s.family_id)


@strawberry.type(name="Family", description="A household. Identity fields are null without the identity permission.")
class FamilyType(Node):
    display_name: str | None
    guardians: list[Guardian] | None
    phone: str | None
    email: str | None
    address_area: str | None
    contact_notes: str | None
    preferred_language: str
    interpreter_needed: bool
    contact_channels: list[ContactChannel]
    version: int
    redacted: bool = strawberry.field(description="True when identity fields are hidden from me.")
    created_at: datetime
    updated_at: datetime
    chapter_id_: strawberry.Private[uuid.UUID | None]
    model_id_: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def chapter(self, info: Info) -> ChapterType | None:
        c = self.chapter_id_ and await info.context.loaders.chapter.load(self.chapter_id_)
        return ChapterType.of(c) if c else None

    @strawberry.field
    async def students(self, info: Info) -> list[StudentType]:
        rows = await info.context.loaders.students_of_family.load(self.model_id_)
        return [StudentType.of(s, info.context.actor) for s in rows]

    @strawberry.field
    async def consents(self, info: Info) -> list[ConsentType]:
        rows = await info.context.loaders.consents_of_family.load(self.model_id_)
        return [ConsentType.of(c, info.context.today) for c in rows]

    @strawberry.field(description="This family's cases that I may see, newest first.")
    async def cases(self, info: Info, first: int | None = None, after: str | None = None
                    ) -> Annotated["CaseConnection", strawberry.lazy("api.cases.types")]:
        from api.cases.schema import list_cases_for
        return await list_cases_for(info, family_id=self.model_id_, first=first, after=after)

    @classmethod
    def of(cls, f: Family, actor: Actor) -> "FamilyType":
        shown = actor.can("family", "identity")
        return cls(
            id=to_global_id("Family", f.id), display_name=f.display_name if shown else None,
            guardians=[Guardian(**g) for g in f.guardians] if shown else None,
            phone=f.phone if shown else None, email=f.email if shown else None,
            address_area=f.address_area if shown else None, contact_notes=f.contact_notes if shown else None,
            preferred_language=f.preferred_language, interpreter_needed=f.interpreter_needed,
            contact_channels=[ContactChannel(c) for c in f.contact_channels], version=f.version,
            redacted=not shown, created_at=f.created_at, updated_at=f.updated_at, chapter_id_=f.chapter_id,
            model_id_=f.id)
