"""Families, students and consents: use cases, each one authorized and in one unit of work."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import validate as v
from domain.audit.service import read_detail, record as audit
from domain.db import Database, among, utcnow
from domain.directory.models import School
from domain.errors import DomainError, ErrorCode, conflict, invalid, not_found, require
from domain.identity.models import Chapter
from domain.paging import Page, keyset, make_page
from domain.people.models import (
    Consent, ConsentKind, ConsentMethod, EnglishLearnerStatus, Family, SpecialEducationStatus, Student,
)
from domain.people.rules import CONTACT_CHANNELS, GRADES, LANGUAGES
from domain.scope import visible_families
from policies import Actor

GUARDIAN_KEYS = {"name", "relationship", "phone", "email", "language"}


def _guardians(value: list[dict] | None) -> list[dict]:
    if value is None:
        return []
    out = []
    for i, g in enumerate(value):
        field = f"guardians.{i}"
        name = v.text(g.get("name"), f"{field}.name", required=True, max_len=200)
        out.append({
            "name": name,
            "relationship": v.text(g.get("relationship"), f"{field}.relationship", max_len=60),
            "phone": v.phone(g.get("phone"), f"{field}.phone"),
            "email": v.email(g.get("email"), f"{field}.email"),
            "language": v.one_of(g.get("language"), LANGUAGES, f"{field}.language"),
        })
    if len(out) > 10:
        raise invalid("At most 10 guardians.", "guardians")
    return out


def _channels(value: list[str] | None) -> list[str]:
    value = value or []
    for ch in value:
        v.one_of(ch, CONTACT_CHANNELS, "contactChannels")
    if len(set(value)) != len(value):
        raise invalid("Each channel once, in order of preference.", "contactChannels")
    return list(value)


async def _family_fields(s: AsyncSession, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    """Validate the family fields present in `data`; returns column values."""
    out: dict[str, Any] = {}
    if "chapter_id" in data:
        await v.in_org(s, Chapter, data["chapter_id"], actor.organization_id, "chapterId")
        out["chapter_id"] = data["chapter_id"]
    out.update(family_values({k: val for k, val in data.items() if k != "chapter_id"}))
    return out


def family_values(data: dict[str, Any]) -> dict[str, Any]:
    """The rules on a family's own fields (all but the chapter, which needs the database); also used by imports."""
    out: dict[str, Any] = {}
    if "display_name" in data:
        out["display_name"] = v.text(data["display_name"], "displayName", required=True)
    if "guardians" in data:
        out["guardians"] = _guardians(data["guardians"])
    if "phone" in data:
        out["phone"] = v.phone(data["phone"])
    if "email" in data:
        out["email"] = v.email(data["email"])
    if "address_area" in data:
        out["address_area"] = v.text(data["address_area"], "addressArea", max_len=120)
    if "preferred_language" in data:
        lang = data["preferred_language"]
        if lang is None:
            raise invalid("This field is required.", "preferredLanguage")
        out["preferred_language"] = v.one_of(lang, LANGUAGES, "preferredLanguage")
    if "interpreter_needed" in data:
        out["interpreter_needed"] = bool(data["interpreter_needed"])
    if "contact_channels" in data:
        out["contact_channels"] = _channels(data["contact_channels"])
    if "contact_notes" in data:
        out["contact_notes"] = v.text(data["contact_notes"], "contactNotes", max_len=2000)
    return out


async def create_family(db: Database, actor: Actor, data: dict[str, Any]) -> Family:
    require(actor, "family", "create")
    async with db.transaction() as s:
        return await add_family(s, actor, data)


async def add_family(s: AsyncSession, actor: Actor, data: dict[str, Any]) -> Family:
    """A new family in the unit of work `s` (createFamily, and the intake with its student and case)."""
    fields = await _family_fields(s, actor, {"preferred_language": "en", **data})
    if "display_name" not in fields:
        raise invalid("This field is required.", "displayName")
    family = Family(organization_id=actor.organization_id, created_by_id=actor.user_id, **fields)
    s.add(family)
    await s.flush()
    audit(s, actor, "family.create", entity_type="family", entity_id=family.id)
    return family


async def _family_for_write(s: AsyncSession, actor: Actor, family_id: uuid.UUID, field: str = "id") -> Family:
    family = await s.scalar(select(Family).where(Family.id == family_id, visible_families(actor.case_scope())))
    if family is None:
        raise not_found("family", field)
    return family


async def update_family(db: Database, actor: Actor, family_id: uuid.UUID, version: int, data: dict) -> Family:
    require(actor, "family", "update")
    async with db.transaction() as s:
        family = await _family_for_write(s, actor, family_id)
        if family.version != version:
            raise conflict("family", family.version)
        fields = await _family_fields(s, actor, data)
        for k, val in fields.items():
            setattr(family, k, val)
        family.updated_at = utcnow()  # a save always moves the version, even with no field changed
        await s.flush()
        audit(s, actor, "family.update", entity_type="family", entity_id=family.id,
              detail={"fields": sorted(fields)})
    return family


async def get_family(db: Database, actor: Actor, family_id: uuid.UUID) -> Family | None:
    if not actor.can("family", "read"):
        return None
    async with db.transaction() as s:
        family = await s.scalar(select(Family).where(Family.id == family_id, visible_families(actor.case_scope())))
        if family is not None:
            audit(s, actor, "family.read", entity_type="family", entity_id=family.id)
    return family


async def list_families(
    db: Database, actor: Actor, *, search: str | None = None, chapter_id: uuid.UUID | None = None,
    language: str | None = None, first: int | None = None, after: str | None = None,
) -> Page[Family]:
    require(actor, "family", "read")
    scope = actor.case_scope()
    # the page walks the families newest first: through the actor's own chapters unless filtered to another
    q = select(Family).where(visible_families(
        scope, chapters_admit_most=chapter_id is None or chapter_id in scope.chapter_ids))
    if search:
        if not actor.can("family", "identity"):
            raise DomainError(ErrorCode.FORBIDDEN, "Searching families by name needs the family identity permission.",
                              "search")
        term = search.strip().lower()[:200]  # literally: % and _ are not wildcards
        student = select(Student.id).where(
            Student.organization_id == actor.organization_id, Student.family_id == Family.id,
            or_(func.lower(Student.first_name + " " + Student.last_name).contains(term, autoescape=True),
                func.lower(Student.last_name + " " + Student.first_name).contains(term, autoescape=True)))
        q = q.where(or_(func.lower(Family.display_name).contains(term, autoescape=True),
                        func.lower(Family.phone).contains(term, autoescape=True), student.exists()))
    if chapter_id:
        q = q.where(Family.chapter_id == chapter_id)
    if language:
        q = q.where(Family.preferred_language == language)
    q, size = keyset(q, [Family.created_at, Family.id], True, first, after)
    async with db.transaction() as s:
        rows = list(await s.scalars(q))
        audit(s, actor, "family.list", entity_type="family", detail=read_detail(rows[:size]))
    return make_page(rows, lambda f: (f.created_at, f.id), size)


# ---------------------------------------------------------------- students


async def _student_fields(s: AsyncSession, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "school_id" in data:
        await v.in_org(s, School, data["school_id"], actor.organization_id, "schoolId")
        out["school_id"] = data["school_id"]
    out.update(student_values({k: val for k, val in data.items() if k != "school_id"}))
    return out


def student_values(data: dict[str, Any]) -> dict[str, Any]:
    """The rules on a student's own fields (all but the school); also used by imports."""
    out: dict[str, Any] = {}
    for key, field in (("first_name", "firstName"), ("last_name", "lastName")):
        if key in data:
            out[key] = v.text(data[key], field, required=True, max_len=100)
    if "grade" in data:
        out["grade"] = v.one_of(data["grade"], GRADES, "grade")
    if "special_education" in data:
        out["special_education"] = SpecialEducationStatus(data["special_education"] or "UNKNOWN")
    if "english_learner" in data:
        out["english_learner"] = EnglishLearnerStatus(data["english_learner"] or "UNKNOWN")
    if "race_ethnicity" in data:
        r = data["race_ethnicity"]
        out["race_ethnicity"] = [v.text(x, "raceEthnicity", required=True, max_len=60) for x in r] if r else None
    if "gender" in data:
        out["gender"] = v.text(data["gender"], "gender", max_len=40)
    return out


async def create_student(db: Database, actor: Actor, family_id: uuid.UUID, data: dict) -> Student:
    require(actor, "family", "create")
    async with db.transaction() as s:
        return await add_student(s, actor, await _family_for_write(s, actor, family_id, "familyId"), data)


async def add_student(s: AsyncSession, actor: Actor, family: Family, data: dict) -> Student:
    """A new student of `family` (one the actor may write) in the unit of work `s`."""
    fields = await _student_fields(s, actor, data)
    for key, field in (("first_name", "firstName"), ("last_name", "lastName")):
        if key not in fields:
            raise invalid("This field is required.", field)
    student = Student(organization_id=actor.organization_id, family_id=family.id, **fields)
    s.add(student)
    await s.flush()
    audit(s, actor, "student.create", entity_type="student", entity_id=student.id)
    return student


async def update_student(db: Database, actor: Actor, student_id: uuid.UUID, version: int, data: dict) -> Student:
    require(actor, "family", "update")
    async with db.transaction() as s:
        student = await s.scalar(select(Student).join(Family, Family.id == Student.family_id).where(
            Student.id == student_id, visible_families(actor.case_scope())))
        if student is None:
            raise not_found("student")
        if student.version != version:
            raise conflict("student", student.version)
        for k, val in (await _student_fields(s, actor, data)).items():
            setattr(student, k, val)
        student.updated_at = utcnow()
        await s.flush()
        audit(s, actor, "student.update", entity_type="student", entity_id=student.id)
    return student


# ---------------------------------------------------------------- consents


async def record_consent(db: Database, actor: Actor, family_id: uuid.UUID, data: dict, *, today: date) -> Consent:
    require(actor, "consent", "record")
    kind = ConsentKind(data["kind"])
    method = ConsentMethod(data["method"])
    signed_on = v.not_future(data.get("signed_on") or today, "signedOn", today)
    expires_on = data.get("expires_on")
    if expires_on is not None and expires_on <= signed_on:
        raise invalid("The expiry date must be after the signed date.", "expiresOn")
    recipient = v.text(data.get("recipient"), "recipient", max_len=200)
    purpose = v.text(data.get("purpose"), "purpose", max_len=2000)
    records = v.text(data.get("records"), "records", max_len=2000)
    if kind is ConsentKind.SHARE_WITH_DISTRICT:
        # A FERPA-style release names what is shared, with whom and why.
        for value, field in ((recipient, "recipient"), (purpose, "purpose"), (records, "records")):
            if not value:
                raise invalid("A district-sharing release must say the recipient, purpose and records.", field)
    async with db.transaction() as s:
        await _family_for_write(s, actor, family_id, "familyId")
        consent = Consent(organization_id=actor.organization_id, family_id=family_id, kind=kind, method=method,
                          signed_on=signed_on, expires_on=expires_on, recipient=recipient, purpose=purpose,
                          records=records, recorded_by_id=actor.user_id)
        s.add(consent)
        await s.flush()
        audit(s, actor, "consent.record", entity_type="consent", entity_id=consent.id,
              detail={"family_id": str(family_id), "kind": kind.value})
    return consent


async def revoke_consent(db: Database, actor: Actor, consent_id: uuid.UUID, *, method: str,
                         reason: str | None) -> Consent:
    require(actor, "consent", "revoke")
    async with db.transaction() as s:
        consent = await s.scalar(select(Consent).join(Family, Family.id == Consent.family_id).where(
            Consent.id == consent_id, visible_families(actor.case_scope())))
        if consent is None:
            raise not_found("consent")
        if consent.revoked_at is not None:
            raise DomainError(ErrorCode.CONFLICT, "This consent was already revoked.", "id")
        consent.revoked_at = utcnow()
        consent.revoked_by_id = actor.user_id
        consent.revocation_method = ConsentMethod(method)
        consent.revocation_reason = v.text(reason, "reason", max_len=2000)
        audit(s, actor, "consent.revoke", entity_type="consent", entity_id=consent.id,
              detail={"family_id": str(consent.family_id), "kind": consent.kind.value})
    return consent


# ---------------------------------------------------------------- batch loads (tenant-scoped)


async def families_by_ids(db: Database, org_id: uuid.UUID, ids: list[uuid.UUID]) -> dict[uuid.UUID, Family]:
    async with db.reader() as s:
        rows = await s.scalars(select(Family).where(Family.organization_id == org_id,
                                                    among(db.is_sqlite, Family.id, ids)))
        return {r.id: r for r in rows}


async def students_by_ids(db: Database, org_id: uuid.UUID, ids: list[uuid.UUID]) -> dict[uuid.UUID, Student]:
    async with db.reader() as s:
        rows = await s.scalars(select(Student).where(Student.organization_id == org_id,
                                                     among(db.is_sqlite, Student.id, ids)))
        return {r.id: r for r in rows}


async def students_by_family(db: Database, org_id: uuid.UUID, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Student]]:
    async with db.reader() as s:
        rows = await s.scalars(select(Student).where(Student.organization_id == org_id,
                                                     among(db.is_sqlite, Student.family_id, ids))
                               .order_by(Student.created_at, Student.id))
        out: dict[uuid.UUID, list[Student]] = {i: [] for i in ids}
        for r in rows:
            out[r.family_id].append(r)
        return out


async def consents_by_family(db: Database, org_id: uuid.UUID, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Consent]]:
    async with db.reader() as s:
        rows = await s.scalars(select(Consent).where(Consent.organization_id == org_id, Consent.family_id.in_(ids))
                               .order_by(Consent.recorded_at.desc(), Consent.id))
        out: dict[uuid.UUID, list[Consent]] = {i: [] for i in ids}
        for r in rows:
            out[r.family_id].append(r)
        return out


async def get_student(db: Database, actor: Actor, student_id: uuid.UUID) -> Student | None:
    if not actor.can("family", "read"):
        return None
    async with db.reader() as s:
        return await s.scalar(select(Student).join(Family, Family.id == Student.family_id).where(
            Student.id == student_id, visible_families(actor.case_scope())))


async def get_consent(db: Database, actor: Actor, consent_id: uuid.UUID) -> Consent | None:
    if not actor.can("family", "read"):
        return None
    async with db.reader() as s:
        return await s.scalar(select(Consent).join(Family, Family.id == Consent.family_id).where(
            Consent.id == consent_id, visible_families(actor.case_scope())))
