from __future__ import annotations

from datetime import date

import strawberry

from api.context import Info
from api.errors import UserError
from api.people.types import (
    ConsentKind, ConsentMethod, ConsentType, ContactChannel, EnglishLearnerStatus, FamilyType,
    SpecialEducationStatus, StudentType,
)
from api.relay import Connection, decode, decode_opt
from api.resolve import attempt, fetch, given, query
from domain.people import service
from domain.people.erasure import erase_family


@strawberry.input
class GuardianInput:
    name: str
    relationship: str | None = None
    phone: str | None = None
    email: str | None = None
    language: str | None = strawberry.field(default=None, description="BCP-47 code, e.g. es, pt, ht, kea.")


FAMILY_FIELDS = {
    "display_name": "display_name", "chapter_id": "chapter_id", "guardians": "guardians", "phone": "phone",
    "email": "email", "address_area": "address_area", "preferred_language": "preferred_language",
    "interpreter_needed": "interpreter_needed", "contact_channels": "contact_channels",
    "contact_notes": "contact_notes",
}


def family_data(inp) -> dict:
    data = given(inp, FAMILY_FIELDS)
    if "chapter_id" in data:
        data["chapter_id"] = decode_opt(data["chapter_id"], "Chapter", "chapterId")
    if "guardians" in data:
        data["guardians"] = [vars(g) for g in data["guardians"] or []]
    if "contact_channels" in data:
        data["contact_channels"] = [getattr(c, "value", c) for c in data["contact_channels"] or []]
    return data


@strawberry.input
class CreateFamilyInput:
    display_name: str = strawberry.field(description="How staff refer to the household, e.g. 'Rivera family'.")
    chapter_id: strawberry.ID | None = None
    guardians: list[GuardianInput] = strawberry.field(default_factory=list)
    phone: str | None = None
    email: str | None = None
    address_area: str | None = strawberry.field(default=None, description="Neighborhood or ZIP, not a street address.")
    preferred_language: str = "en"
    interpreter_needed: bool = False
    contact_channels: list[ContactChannel] = strawberry.field(default_factory=list)
    contact_notes: str | None = None


@strawberry.input
class UpdateFamilyInput:
    id: strawberry.ID
    version: int = strawberry.field(description="The version you read; a stale one gets CONFLICT.")
    display_name: str | None = strawberry.UNSET
    chapter_id: strawberry.ID | None = strawberry.UNSET
    guardians: list[GuardianInput] | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    address_area: str | None = strawberry.UNSET
    preferred_language: str | None = strawberry.UNSET
    interpreter_needed: bool | None = strawberry.UNSET
    contact_channels: list[ContactChannel] | None = strawberry.UNSET
    contact_notes: str | None = strawberry.UNSET


STUDENT_FIELDS = {
    "first_name": "first_name", "last_name": "last_name", "school_id": "school_id", "grade": "grade",
    "special_education": "special_education", "english_learner": "english_learner",
    "race_ethnicity": "race_ethnicity", "gender": "gender",
}


def student_data(inp) -> dict:
    data = given(inp, STUDENT_FIELDS)
    if "school_id" in data:
        data["school_id"] = decode_opt(data["school_id"], "School", "schoolId")
    for key in ("special_education", "english_learner"):
        if key in data and data[key] is not None:
            data[key] = data[key].value
    return data


@strawberry.input(description="A new student's own fields (createStudent adds the family; recordIntake records "
                                "the family with the student).")
class NewStudentInput:
    first_name: str
    last_name: str
    school_id: strawberry.ID | None = None
    grade: str | None = strawberry.field(default=None, description="PK, K, 1 … 12.")
    special_education: SpecialEducationStatus = SpecialEducationStatus.UNKNOWN
    english_learner: EnglishLearnerStatus = EnglishLearnerStatus.UNKNOWN
    race_ethnicity: list[str] | None = strawberry.field(default=None, description="Self-reported; aggregates only.")
    gender: str | None = strawberry.field(default=None, description="Self-reported; aggregates only.")


@strawberry.input
class CreateStudentInput(NewStudentInput):
    family_id: strawberry.ID


@strawberry.input
class UpdateStudentInput:
    id: strawberry.ID
    version: int
    first_name: str | None = strawberry.UNSET
    last_name: str | None = strawberry.UNSET
    school_id: strawberry.ID | None = strawberry.UNSET
    grade: str | None = strawberry.UNSET
    special_education: SpecialEducationStatus | None = strawberry.UNSET
    english_learner: EnglishLearnerStatus | None = strawberry.UNSET
    race_ethnicity: list[str] | None = strawberry.UNSET
    gender: str | None = strawberry.UNSET


@strawberry.input
class RecordConsentInput:
    family_id: strawberry.ID
    kind: ConsentKind
    method: ConsentMethod = strawberry.field(description="How the family gave it.")
    signed_on: date | None = strawberry.field(default=None, description="Default: today.")
    expires_on: date | None = None
    recipient: str | None = strawberry.field(default=None, description="Who may receive records (district release).")
    purpose: str | None = None
    records: str | None = strawberry.field(default=None, description="Which records may be shared.")


@strawberry.input
class RevokeConsentInput:
    id: strawberry.ID
    method: ConsentMethod = strawberry.field(description="How the family revoked it.")
    reason: str | None = None


@strawberry.type
class FamilyPayload:
    family: FamilyType | None
    errors: list[UserError]


@strawberry.type
class StudentPayload:
    student: StudentType | None
    errors: list[UserError]


@strawberry.type
class ConsentPayload:
    consent: ConsentType | None
    errors: list[UserError]


@strawberry.input
class EraseFamilyInput:
    id: strawberry.ID
    confirm_display_name: str = strawberry.field(description="The family's name as shown, typed to confirm "
                                                             "(spaces and case aside).")


@strawberry.type(description="What an erasure removed (counts only: nothing of the family is left to show).")
class EraseFamilyPayload:
    ok: bool
    cases: int
    students: int
    escalations: int
    messages: int = strawberry.field(description="Escalation letters and family notices removed from the outbox.")
    errors: list[UserError]


@strawberry.type
class PeopleQuery:
    @strawberry.field(description="A family I may see, or null.")
    async def family(self, info: Info, id: strawberry.ID) -> FamilyType | None:
        ctx = info.context

        async def run():
            return await service.get_family(ctx.db, ctx.actor, decode(id, "Family"))
        found = await fetch(run)
        return FamilyType.of(found, ctx.actor) if found else None

    @strawberry.field(description="Families in my record scope, newest first. `search` (needs family:identity) "
                                  "looks in family names, phone numbers and their students' names.")
    async def families(self, info: Info, search: str | None = None, chapter_id: strawberry.ID | None = None,
                       preferred_language: str | None = None, first: int | None = None,
                       after: str | None = None) -> Connection[FamilyType]:
        ctx = info.context

        async def run():
            return await service.list_families(
                ctx.db, ctx.actor, search=search, chapter_id=decode_opt(chapter_id, "Chapter", "chapterId"),
                language=preferred_language, first=first, after=after)
        page = await query(run)
        return Connection.of(page, lambda f: FamilyType.of(f, ctx.actor))


@strawberry.type
class PeopleMutation:
    @strawberry.mutation
    async def create_family(self, info: Info, input: CreateFamilyInput) -> FamilyPayload:
        ctx = info.context
        family, errors = await attempt(lambda: service.create_family(ctx.db, ctx.actor, family_data(input)))
        return FamilyPayload(family=family and FamilyType.of(family, ctx.actor), errors=errors)

    @strawberry.mutation
    async def update_family(self, info: Info, input: UpdateFamilyInput) -> FamilyPayload:
        ctx = info.context
        family, errors = await attempt(lambda: service.update_family(
            ctx.db, ctx.actor, decode(input.id, "Family"), input.version, family_data(input)))
        return FamilyPayload(family=family and FamilyType.of(family, ctx.actor), errors=errors)

    @strawberry.mutation(description="Erase a family for good when it asks to be forgotten: the family, its "
                                     "students and consents, and its cases with everything on them (timeline, "
                                     "escalations and their letters, deadlines, campaign links, stories, "
                                     "notifications). Cannot be undone; audited (family.erase, counts only). "
                                     "Needs family:erase.")
    async def erase_family(self, info: Info, input: EraseFamilyInput) -> EraseFamilyPayload:
        ctx = info.context
        done, errors = await attempt(lambda: erase_family(ctx.db, ctx.actor, decode(input.id, "Family"),
                                                          confirm=input.confirm_display_name))
        return EraseFamilyPayload(ok=done is not None, cases=done.cases if done else 0,
                                  students=done.students if done else 0,
                                  escalations=done.escalations if done else 0,
                                  messages=done.messages if done else 0, errors=errors)

    @strawberry.mutation
    async def create_student(self, info: Info, input: CreateStudentInput) -> StudentPayload:
        ctx = info.context
        student, errors = await attempt(lambda: service.create_student(
            ctx.db, ctx.actor, decode(input.family_id, "Family", "familyId"), student_data(input)))
        return StudentPayload(student=student and StudentType.of(student, ctx.actor), errors=errors)

    @strawberry.mutation
    async def update_student(self, info: Info, input: UpdateStudentInput) -> StudentPayload:
        ctx = info.context
        student, errors = await attempt(lambda: service.update_student(
            ctx.db, ctx.actor, decode(input.id, "Student"), input.version, student_data(input)))
        return StudentPayload(student=student and StudentType.of(student, ctx.actor), errors=errors)

    @strawberry.mutation
    async def record_consent(self, info: Info, input: RecordConsentInput) -> ConsentPayload:
        ctx = info.context
        data = {"kind": input.kind.value, "method": input.method.value, "signed_on": input.signed_on,
                "expires_on": input.expires_on, "recipient": input.recipient, "purpose": input.purpose,
                "records": input.records}
        consent, errors = await attempt(lambda: service.record_consent(
            ctx.db, ctx.actor, decode(input.family_id, "Family", "familyId"), data, today=ctx.today))
        return ConsentPayload(consent=consent and ConsentType.of(consent, ctx.today), errors=errors)

    @strawberry.mutation
    async def revoke_consent(self, info: Info, input: RevokeConsentInput) -> ConsentPayload:
        ctx = info.context
        consent, errors = await attempt(lambda: service.revoke_consent(
            ctx.db, ctx.actor, decode(input.id, "Consent"), method=input.method.value, reason=input.reason))
        return ConsentPayload(consent=consent and ConsentType.of(consent, ctx.today), errors=errors)
