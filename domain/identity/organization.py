"""Organization settings that admins change (organization:configure): name, chapters, privacy threshold, languages,
time zone.

The escalation ladder, the deadline profile and the district calendars are configured in domain/escalations.
"""

from __future__ import annotations

import re
import uuid
from typing import Any
from zoneinfo import available_timezones

from sqlalchemy import func, select

from domain import validate as v
from domain.audit.service import record as audit
from domain.db import Database
from domain.errors import DomainError, ErrorCode, conflict, invalid, not_found, require
from domain.identity.models import Chapter, Organization
from policies import Actor

MIN_SUPPRESSION_THRESHOLD = 5  # cells smaller than this are never shown, whatever an admin sets
MAX_SUPPRESSION_THRESHOLD = 1000
MAX_LANGUAGES = 30
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")


def languages(values: list[str] | None, field: str = "languages") -> list[str]:
    """BCP 47-style codes ("en", "es", "pt-br", "ht", "kea"), lower case, no duplicates, at least one."""
    out: list[str] = []
    for raw in values or []:
        code = (raw or "").strip().lower().replace("_", "-")
        if not LANGUAGE_RE.fullmatch(code):
            raise invalid(f"{raw!r} is not a language code such as en, es, pt-br or ht.", field)
        if code not in out:
            out.append(code)
    if not out:
        raise invalid("Offer at least one language.", field)
    if len(out) > MAX_LANGUAGES:
        raise invalid(f"At most {MAX_LANGUAGES} languages.", field)
    return out


def time_zone(value: str | None, field: str = "timeZone") -> str | None:
    """An IANA time zone name ("America/Los_Angeles"), or None for the deployment's (ADVOCASE_TIME_ZONE)."""
    if value is None or not value.strip():
        return None
    name = value.strip()
    if name not in available_timezones():
        raise invalid(f"{value!r} is not a time zone name such as America/Chicago or America/Los_Angeles.", field)
    return name


def suppression_threshold(value: int, field: str = "suppressionThreshold") -> int:
    if value is None or not (MIN_SUPPRESSION_THRESHOLD <= value <= MAX_SUPPRESSION_THRESHOLD):
        raise invalid(f"The suppression threshold is between {MIN_SUPPRESSION_THRESHOLD} and "
                      f"{MAX_SUPPRESSION_THRESHOLD}.", field)
    return value


async def update_settings(db: Database, actor: Actor, data: dict[str, Any], *, version: int) -> Organization:
    """data: the keys the client sent among name, suppression_threshold, languages, time_zone (None: the
    deployment's).

    Optimistic locking: `version` is the one the editor read; a newer one is a CONFLICT and changes nothing."""
    require(actor, "organization", "configure")
    new: dict[str, Any] = {}
    if "name" in data:
        new["name"] = v.text(data["name"], "name", required=True, max_len=200)
    if "suppression_threshold" in data:
        new["suppression_threshold"] = suppression_threshold(data["suppression_threshold"])
    if "languages" in data:
        new["languages"] = languages(data["languages"])
    if "time_zone" in data:
        new["time_zone"] = time_zone(data["time_zone"])
    async with db.transaction() as s:
        org = await s.get(Organization, actor.organization_id)
        if org.version != version:
            raise conflict("organization's settings", org.version)
        changes = {}
        for key, value in new.items():
            if getattr(org, key) != value:
                changes[key] = {"from": getattr(org, key), "to": value}
                setattr(org, key, value)
        await s.flush()
        audit(s, actor, "organization.settings", entity_type="organization", entity_id=org.id, detail=changes)
    return org


async def _name_taken(s, org_id: uuid.UUID, name: str, except_id: uuid.UUID | None = None) -> bool:
    q = select(Chapter.id).where(Chapter.organization_id == org_id, func.lower(Chapter.name) == name.lower())
    if except_id is not None:
        q = q.where(Chapter.id != except_id)
    return (await s.scalar(q)) is not None


async def create_chapter(db: Database, actor: Actor, name: str) -> Chapter:
    require(actor, "organization", "configure")
    name = v.text(name, "name", required=True, max_len=120)
    async with db.transaction() as s:
        if await _name_taken(s, actor.organization_id, name):
            raise DomainError(ErrorCode.CONFLICT, f"There is already a chapter named {name}.", "name")
        chapter = Chapter(organization_id=actor.organization_id, name=name)
        s.add(chapter)
        await s.flush()
        audit(s, actor, "chapter.create", entity_type="chapter", entity_id=chapter.id, detail={"name": name})
    return chapter


async def rename_chapter(db: Database, actor: Actor, chapter_id: uuid.UUID, name: str, *, version: int) -> Chapter:
    """Optimistic locking as for the settings."""
    require(actor, "organization", "configure")
    name = v.text(name, "name", required=True, max_len=120)
    async with db.transaction() as s:
        chapter = await s.scalar(select(Chapter).where(Chapter.id == chapter_id,
                                                       Chapter.organization_id == actor.organization_id))
        if chapter is None:
            raise not_found("chapter")
        if chapter.version != version:
            raise conflict("chapter", chapter.version)
        if await _name_taken(s, actor.organization_id, name, except_id=chapter.id):
            raise DomainError(ErrorCode.CONFLICT, f"There is already a chapter named {name}.", "name")
        previous, chapter.name = chapter.name, name
        await s.flush()
        audit(s, actor, "chapter.rename", entity_type="chapter", entity_id=chapter.id,
              detail={"from": previous, "to": name})
    return chapter
