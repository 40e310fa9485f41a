"""De-identified stories: drafted from a case, approved by a second person, shown in evidence only while the
family's SHARE_STORY consent is active (revoking it removes the story from evidence at once)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import validate as v
from domain.audit.service import record as audit
from domain.campaigns.deidentify import describe, find_identifiers
from domain.campaigns.models import Campaign, Story, StoryStatus
from domain.campaigns.stats import active_consent, counted_cases
from domain.cases.models import Case
from domain.db import Database, utcnow
from domain.directory.models import School
from domain.errors import DomainError, ErrorCode, conflict, not_found
from domain.paging import Page, keyset, make_page
from domain.people.models import ConsentKind, Family, Student
from domain.scope import visible_cases
from policies import Actor


def _can_list(actor: Actor) -> bool:
    return actor.can("story", "read")


async def _identifiers(s: AsyncSession, case: Case) -> tuple[list[str], list[str]]:
    family = await s.get(Family, case.family_id)
    names = [family.display_name] + [g.get("name") or "" for g in family.guardians or []]
    for first, last in await s.execute(select(Student.first_name, Student.last_name).where(
            Student.organization_id == case.organization_id, Student.family_id == family.id)):
        names += [first, last]
    schools = list(await s.scalars(select(School.name).where(School.organization_id == case.organization_id)))
    return names, schools


async def _check(s: AsyncSession, actor: Actor, case: Case, title: str, body: str, *, reveal: bool) -> None:
    names, schools = await _identifiers(s, case)
    for field, text in (("title", title), ("body", body)):
        found = find_identifiers(text, names=names, schools=schools)
        if found:
            raise DomainError(ErrorCode.VALIDATION, describe(found, reveal=reveal), field)


def _texts(title: str | None, body: str | None) -> tuple[str, str]:
    return (v.text(title, "title", required=True, max_len=200),
            v.text(body, "body", required=True, max_len=5000))


async def draft_story(db: Database, actor: Actor, case_id: uuid.UUID, *, title: str, body: str) -> Story:
    if not actor.can("story", "draft"):
        raise DomainError(ErrorCode.FORBIDDEN, "You do not have permission to draft stories.")
    title, body = _texts(title, body)
    async with db.transaction() as s:
        case = await s.scalar(select(Case).where(Case.id == case_id, visible_cases(actor.case_scope())))
        if case is None:
            raise not_found("case", "caseId")
        await _check(s, actor, case, title, body, reveal=actor.can("family", "identity"))
        story = Story(organization_id=actor.organization_id, case_id=case.id, title=title, body=body,
                      status=StoryStatus.DRAFT, drafted_by_id=actor.user_id, updated_by_id=actor.user_id)
        s.add(story)
        await s.flush()
        audit(s, actor, "story.draft", entity_type="story", entity_id=story.id, detail={"case_id": str(case.id)})
    return story


async def update_story(db: Database, actor: Actor, story_id: uuid.UUID, version: int, *, title: str | None = None,
                       body: str | None = None) -> Story:
    """Edit a story (any status): it goes back to DRAFT and needs a new approval."""
    if not actor.can("story", "draft"):
        raise DomainError(ErrorCode.FORBIDDEN, "You do not have permission to edit stories.")
    async with db.transaction() as s:
        row = (await s.execute(select(Story, Case).join(Case, Case.id == Story.case_id).where(
            Story.id == story_id, Story.organization_id == actor.organization_id,
            visible_cases(actor.case_scope())))).first()
        if row is None:
            raise not_found("story")
        story, case = row
        if story.version != version:
            raise conflict("story", story.version)
        title, body = _texts(story.title if title is None else title, story.body if body is None else body)
        await _check(s, actor, case, title, body, reveal=actor.can("family", "identity"))
        story.title, story.body, story.status = title, body, StoryStatus.DRAFT
        story.updated_by_id = actor.user_id
        story.reviewed_by_id, story.reviewed_at, story.review_note = None, None, None
        story.updated_at = utcnow()
        await s.flush()
        audit(s, actor, "story.update", entity_type="story", entity_id=story.id)
    return story


async def _for_review(s: AsyncSession, actor: Actor, story_id: uuid.UUID, version: int | None) -> tuple[Story, Case]:
    if not actor.can("story", "approve"):
        raise DomainError(ErrorCode.FORBIDDEN, "You do not have permission to review stories.")
    row = (await s.execute(select(Story, Case).join(Case, Case.id == Story.case_id).where(
        Story.id == story_id, Story.organization_id == actor.organization_id))).first()
    if row is None:
        raise not_found("story")
    story, case = row
    if version is not None and story.version != version:
        raise conflict("story", story.version)
    return story, case


async def approve_story(db: Database, actor: Actor, story_id: uuid.UUID, *, version: int | None = None,
                        today: date) -> Story:
    async with db.transaction() as s:
        story, case = await _for_review(s, actor, story_id, version)
        if story.status is not StoryStatus.DRAFT:
            raise DomainError(ErrorCode.INVALID_TRANSITION, f"Only a draft can be approved; this story is "
                                                            f"{story.status.value}.", "id")
        if actor.user_id in (story.drafted_by_id, story.updated_by_id):
            raise DomainError(ErrorCode.FORBIDDEN, "A second person approves a story: not its author or last editor.",
                              "id")
        consented = await s.scalar(select(Case.id).where(Case.id == case.id,
                                                         active_consent(ConsentKind.SHARE_STORY, today)))
        if consented is None:
            raise DomainError(ErrorCode.CONSENT_REQUIRED,
                              "The family has no active consent to share their story.", "id")
        await _check(s, actor, case, story.title, story.body, reveal=False)
        story.status, story.reviewed_by_id, story.reviewed_at, story.review_note = (
            StoryStatus.APPROVED, actor.user_id, utcnow(), None)
        story.updated_at = utcnow()
        await s.flush()
        audit(s, actor, "story.approve", entity_type="story", entity_id=story.id)
    return story


async def reject_story(db: Database, actor: Actor, story_id: uuid.UUID, *, note: str | None,
                       version: int | None = None) -> Story:
    """Send a draft back, or withdraw an approved story from evidence."""
    note = v.text(note, "note", max_len=2000)
    async with db.transaction() as s:
        story, _ = await _for_review(s, actor, story_id, version)
        if story.status is StoryStatus.REJECTED:
            raise DomainError(ErrorCode.INVALID_TRANSITION, "This story is already rejected.", "id")
        story.status, story.reviewed_by_id, story.reviewed_at, story.review_note = (
            StoryStatus.REJECTED, actor.user_id, utcnow(), note)
        story.updated_at = utcnow()
        await s.flush()
        audit(s, actor, "story.reject", entity_type="story", entity_id=story.id)
    return story


def _visible(actor: Actor):
    """With story:read, approvers see every story of the organization (they are de-identified); anyone else those
    of the cases in their record scope."""
    q = select(Story).join(Case, Case.id == Story.case_id).where(Story.organization_id == actor.organization_id)
    if not actor.can("story", "approve"):
        q = q.where(visible_cases(actor.case_scope()))
    return q


async def get_story(db: Database, actor: Actor, story_id: uuid.UUID) -> Story | None:
    if not _can_list(actor):
        return None
    async with db.reader() as s:
        return await s.scalar(_visible(actor).where(Story.id == story_id))


async def list_stories(db: Database, actor: Actor, *, statuses: list[StoryStatus] | None = None,
                       campaign_id: uuid.UUID | None = None, case_id: uuid.UUID | None = None,
                       first: int | None = None, after: str | None = None) -> Page[Story]:
    if not _can_list(actor):
        raise DomainError(ErrorCode.FORBIDDEN, "You do not have permission to read stories.")
    q = _visible(actor)
    if statuses:
        q = q.where(Story.status.in_(statuses))
    if campaign_id is not None:
        from domain.campaigns.service import campaign_clause
        async with db.reader() as s:
            campaign = await s.scalar(select(Campaign).where(Campaign.id == campaign_id,
                                                             Campaign.organization_id == actor.organization_id))
        if campaign is None:
            raise not_found("campaign", "filter.campaignId")
        q = q.where(campaign_clause(campaign))
    if case_id is not None:
        q = q.where(Story.case_id == case_id)
    q, size = keyset(q, [Story.created_at, Story.id], True, first, after)
    async with db.reader() as s:
        rows = list(await s.scalars(q))
    return make_page(rows, lambda st: (st.created_at, st.id), size)


async def consent_by_story(db: Database, org_id: uuid.UUID, ids: list[uuid.UUID], today: date) -> dict[uuid.UUID, bool]:
    async with db.reader() as s:
        active = set(await s.scalars(select(Story.id).join(Case, Case.id == Story.case_id).where(
            Story.organization_id == org_id, Story.id.in_(ids), active_consent(ConsentKind.SHARE_STORY, today))))
    return {i: i in active for i in ids}


@dataclass
class PublishedStory:
    title: str
    body: str
    category: str
    approved_at: datetime | None


async def published_stories(db: Database, campaign: Campaign, *, today: date) -> list[PublishedStory]:
    """Approved stories of the campaign's cases whose family's SHARE_STORY consent is active today (and who have
    not opted out of aggregates: such a family is left out of the evidence entirely)."""
    from domain.campaigns.service import campaign_clause
    async with db.reader() as s:
        rows = await s.execute(
            select(Story.title, Story.body, Case.category, Story.reviewed_at).join(Case, Case.id == Story.case_id)
            .where(Story.organization_id == campaign.organization_id, Story.status == StoryStatus.APPROVED,
                   campaign_clause(campaign), active_consent(ConsentKind.SHARE_STORY, today),
                   counted_cases(today))
            .order_by(Story.reviewed_at, Story.id))
        return [PublishedStory(*r) for r in rows]

