"""Escalating cases up the ladder, answers from districts, the ladder itself and district calendars."""

from __future__ import annotations

import uuid
from email.utils import formataddr
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.ext.asyncio import AsyncSession

from domain import validate as v
from domain.audit.service import read_detail, record as audit
from domain.cases import taxonomy
from domain.cases.models import Case, CaseAssignee, CaseEvent, CaseEventKind, case_reference
from domain.cases.workflow import ACTIVE, CaseStatus, TransitionError, check_transition
from domain.db import Database, among, utcnow
from domain.directory.models import District, DistrictContact, School
from domain.errors import DomainError, ErrorCode, conflict, invalid, not_found, require
from domain.escalations import responsiveness as measures
from domain.escalations.calendar import Closure, SchoolCalendar
from domain.escalations.models import (
    DistrictClosure, Escalation, EscalationChannel, EscalationLevel, EscalationStatus,
)
from domain.identity.models import Organization, User
from domain.notifications.models import NotificationKind
from domain.notifications.service import notify
from domain.outbox.models import OutboxMessage
from domain.outbox.service import enqueue, render
from domain.paging import Page, keyset, make_page
from domain.people.models import Consent, ConsentKind, Family, Student
from domain.people.rules import consent_active
from domain.scope import visible_cases
from policies import Actor

OPEN_STATUSES = measures.OPEN_STATUSES
MAX_LEVELS = 8


# ---------------------------------------------------------------- calendars


async def district_calendar(s: AsyncSession, org_id: uuid.UUID, district_id: uuid.UUID | None) -> SchoolCalendar:
    if district_id is None:
        return SchoolCalendar()
    rows = await s.execute(select(DistrictClosure.starts_on, DistrictClosure.ends_on).where(
        DistrictClosure.organization_id == org_id, DistrictClosure.district_id == district_id))
    return SchoolCalendar([Closure(a, b) for a, b in rows])


async def calendars(s: AsyncSession, org_id: uuid.UUID, district_ids) -> dict[uuid.UUID | None, SchoolCalendar]:
    ids = {d for d in district_ids if d is not None}
    closures: dict[uuid.UUID, list[Closure]] = {d: [] for d in ids}
    if ids:
        rows = await s.execute(select(DistrictClosure.district_id, DistrictClosure.starts_on, DistrictClosure.ends_on)
                               .where(DistrictClosure.organization_id == org_id, DistrictClosure.district_id.in_(ids)))
        for d, a, b in rows:
            closures[d].append(Closure(a, b))
    out: dict[uuid.UUID | None, SchoolCalendar] = {d: SchoolCalendar(c) for d, c in closures.items()}
    out[None] = SchoolCalendar()
    return out


# ---------------------------------------------------------------- the ladder


async def ladder(db: Database, actor: Actor) -> list[EscalationLevel]:
    require(actor, "organization", "read")
    async with db.reader() as s:
        return list(await s.scalars(select(EscalationLevel).where(
            EscalationLevel.organization_id == actor.organization_id).order_by(EscalationLevel.level)))


async def configure_ladder(db: Database, actor: Actor, levels: list[tuple[str, int]]) -> list[EscalationLevel]:
    """Replace the ladder: `levels` are (name, response window in school days), lowest rung first."""
    require(actor, "organization", "configure")
    if not 1 <= len(levels) <= MAX_LEVELS:
        raise invalid(f"A ladder has 1 to {MAX_LEVELS} levels.", "levels")
    clean = []
    for i, (name, days) in enumerate(levels):
        name = v.text(name, f"levels.{i}.name", required=True, max_len=80)
        if not isinstance(days, int) or not 1 <= days <= 180:
            raise invalid("A response window is 1 to 180 school days.", f"levels.{i}.responseWindowSchoolDays")
        clean.append((i + 1, name, days))
    async with db.transaction() as s:
        stranded = await s.scalar(select(DistrictContact.name).where(
            DistrictContact.organization_id == actor.organization_id, DistrictContact.active.is_(True),
            DistrictContact.ladder_level > len(clean)).limit(1))
        if stranded:
            raise invalid(f"Contacts such as {stranded} are above level {len(clean)}; move them first.", "levels")
        rows = {r.level: r for r in await s.scalars(select(EscalationLevel).where(
            EscalationLevel.organization_id == actor.organization_id))}
        for level, name, days in clean:
            row = rows.pop(level, None) or EscalationLevel(organization_id=actor.organization_id, level=level)
            row.name, row.response_window_school_days = name, days
            s.add(row)
        for row in rows.values():
            await s.delete(row)
        audit(s, actor, "ladder.configure", entity_type="organization", entity_id=actor.organization_id,
              detail={"levels": [[n, d] for _, n, d in clean]})
        await s.flush()
    return await ladder(db, actor)


# ---------------------------------------------------------------- escalating


@dataclass
class EscalateInput:
    case_id: uuid.UUID
    contact_id: uuid.UUID
    channel: EscalationChannel
    summary: str
    remedy_requested: str
    previous_id: uuid.UUID | None = None
    idempotency_key: str | None = None
    notify_family: bool = True


def _release(consents: list[Consent], today: date) -> Consent | None:
    """The family's active release to share with the district (the latest signed), if any."""
    active = [c for c in consents if c.kind is ConsentKind.SHARE_WITH_DISTRICT and consent_active(
        signed_on=c.signed_on, expires_on=c.expires_on, revoked=c.revoked_at is not None, today=today)]
    return max(active, key=lambda c: (c.signed_on or date.min, c.id.hex), default=None)


def _event(actor: Actor, case_id: uuid.UUID, kind: CaseEventKind, body: str, data: dict) -> CaseEvent:
    return CaseEvent(organization_id=actor.organization_id, case_id=case_id, kind=kind, body=body, data=data,
                     author_id=actor.user_id, occurred_at=utcnow())


async def _replay(s: AsyncSession, actor: Actor, key: str, inp: EscalateInput, *, summary: str,
                  remedy: str) -> Escalation | None:
    """The escalation already sent with this key, if the input is the same one (a retry); a different input
    under a used key is refused rather than silently answered with the first escalation."""
    done = await s.scalar(select(Escalation).where(
        Escalation.organization_id == actor.organization_id, Escalation.idempotency_key == key))
    if done is None:
        return None
    sent = (done.case_id, done.contact_id, done.channel, done.summary, done.remedy_requested, done.previous_id)
    if sent != (inp.case_id, inp.contact_id, inp.channel, summary, remedy, inp.previous_id):
        raise invalid("This idempotency key was already used for a different escalation.", "idempotencyKey")
    return done


async def escalate_case(db: Database, actor: Actor, inp: EscalateInput, *, today: date) -> Escalation:
    require(actor, "escalation", "send")
    summary = v.text(inp.summary, "summary", required=True, max_len=10000)
    remedy = v.text(inp.remedy_requested, "remedyRequested", required=True, max_len=5000)
    key = v.text(inp.idempotency_key, "idempotencyKey", max_len=100)
    if key:
        async with db.reader() as s:
            done = await _replay(s, actor, key, inp, summary=summary, remedy=remedy)
        if done is not None:
            return done
    try:
        return await _escalate(db, actor, inp, summary=summary, remedy=remedy, key=key, today=today)
    except (IntegrityError, StaleDataError):
        # A concurrent retry with the same key committed first (caught by the key's unique index, or by the
        # case's version when both moved the case at once): answer with its result.
        async with db.reader() as s:
            done = await _replay(s, actor, key, inp, summary=summary, remedy=remedy) if key else None
        if done is None:
            raise
        return done


@dataclass
class _Plan:
    """An escalation about to be sent: everything checked, nothing written."""
    case: Case
    contact: DistrictContact
    level: EscalationLevel
    previous: Escalation | None
    family: Family
    district_id: uuid.UUID | None
    due: date
    release_signed_on: date | None  # the family's release, named in the letter


async def _plan(s: AsyncSession, actor: Actor, inp: EscalateInput, today: date) -> _Plan:
    """The checks of an escalation (case in scope, active contact on the ladder, above the previous level, the
    family's consent) and its answer's due date on the district's school calendar."""
    org_id = actor.organization_id
    case = await s.scalar(select(Case).where(Case.id == inp.case_id, visible_cases(actor.case_scope())))
    if case is None:
        raise not_found("case", "caseId")
    contact = await s.scalar(select(DistrictContact).where(
        DistrictContact.id == inp.contact_id, DistrictContact.organization_id == org_id))
    if contact is None:
        raise not_found("district contact", "contactId")
    if not contact.active:
        raise invalid(f"{contact.name} is no longer an active contact.", "contactId")
    # The family's release is for the case's district: a letter about their child goes to no other district.
    if case.district_id is None:
        raise invalid("Set the case's school (or district) first: an escalation goes to a contact of the case's "
                      "district.", "caseId")
    if contact.district_id != case.district_id:
        raise invalid(f"{contact.name} is a contact of another district than this case's.", "contactId")
    if case.status is not CaseStatus.ESCALATED:
        try:
            check_transition(case.status, CaseStatus.ESCALATED, None, by_hand=False)
        except TransitionError as e:
            raise DomainError(ErrorCode.INVALID_TRANSITION, str(e), "caseId") from None
    level = await s.get(EscalationLevel, (org_id, contact.ladder_level))
    if level is None:
        raise invalid(f"Level {contact.ladder_level} is not on your escalation ladder.", "contactId")
    previous = None
    if inp.previous_id is not None:
        previous = await s.scalar(select(Escalation).where(
            Escalation.id == inp.previous_id, Escalation.organization_id == org_id,
            Escalation.case_id == case.id))
        if previous is None:
            raise not_found("escalation", "previousEscalationId")
        if level.level <= previous.level:
            raise invalid(f"The next escalation must go above level {previous.level} ({previous.level_name}).",
                          "contactId")
    family = await s.get(Family, case.family_id)
    consents = list(await s.scalars(select(Consent).where(Consent.family_id == family.id)))
    release = _release(consents, today)
    if release is None:
        raise DomainError(ErrorCode.CONSENT_REQUIRED,
                          "The family has no active consent to share their case with the district. "
                          "Record it before escalating.", "caseId")
    district_id = case.district_id
    calendar = await district_calendar(s, org_id, district_id)
    due = calendar.add_school_days(today, level.response_window_school_days)
    return _Plan(case=case, contact=contact, level=level, previous=previous, family=family,
                 district_id=district_id, due=due, release_signed_on=release.signed_on)


async def _escalate(db: Database, actor: Actor, inp: EscalateInput, *, summary: str, remedy: str, key: str | None,
                    today: date) -> Escalation:
    org_id = actor.organization_id
    async with db.transaction() as s:
        plan = await _plan(s, actor, inp, today)
        case, contact, level, previous, due = plan.case, plan.contact, plan.level, plan.previous, plan.due
        district_id = plan.district_id
        esc = Escalation(
            id=uuid.uuid4(), organization_id=org_id, case_id=case.id, district_id=district_id,
            contact_id=contact.id, previous_id=previous.id if previous else None, level=level.level,
            level_name=level.name, office=contact.office, channel=inp.channel, summary=summary,
            remedy_requested=remedy, sent_on=today, response_window_school_days=level.response_window_school_days,
            response_due_on=due, status=EscalationStatus.SENT, idempotency_key=key, created_by_id=actor.user_id)
        s.add(esc)
        if previous is not None and previous.status in OPEN_STATUSES:
            previous.status, previous.closed_at = EscalationStatus.CLOSED, utcnow()
        from_status = case.status
        case.status = CaseStatus.ESCALATED
        case.updated_at = utcnow()
        await s.flush()
        via = inp.channel.value.lower()
        s.add(_event(actor, case.id, CaseEventKind.ESCALATION,
                     f"Escalated to {contact.name} ({level.name}) by {via}; answer due {due.isoformat()}.",
                     {"escalationId": str(esc.id), "level": level.level, "contactId": str(contact.id),
                      "from": from_status.value, "to": CaseStatus.ESCALATED.value, "dueOn": due.isoformat()}))
        await _send_mail(s, actor, esc, plan, inp)
        audit(s, actor, "escalation.send", entity_type="case", entity_id=case.id,
              detail={"escalationId": str(esc.id), "level": level.level, "channel": inp.channel.value})
    return esc


async def _mail_contexts(s: AsyncSession, actor: Actor, case: Case, contact: DistrictContact, *, level_name: str,
                         summary: str, remedy: str, sent_on: date, due: date, window: int,
                         district_id: uuid.UUID | None, release_signed_on: date | None) -> tuple[dict, dict]:
    """What the letter to the contact and the family's notice say (templates escalation_letter, family_notice):
    one source for the mail queued and the letter previewed before sending."""
    org = await s.get(Organization, actor.organization_id)
    advocate = await s.get(User, actor.user_id)
    student = await s.get(Student, case.student_id) if case.student_id else None
    school = await s.get(School, case.school_id) if case.school_id else None
    district = await s.get(District, district_id) if district_id else None
    common = {"organization_name": org.name, "level_name": level_name, "response_due_on": due,
              "advocate_name": advocate.display_name, "advocate_email": advocate.email,
              "case_reference": case_reference(case.id), "response_window_school_days": window,
              "student_first_name": student.first_name if student else None, "contact_office": contact.office}
    letter = {**common, "contact_name": contact.name, "contact_title": contact.title,
              "issue_category": taxonomy.category_label(case.category),
              "issue_subcategory": taxonomy.subcategory_label(case.subcategory),
              "summary": summary, "remedy_requested": remedy, "sent_on": sent_on,
              "student_last_name": student.last_name if student else None,
              "student_grade": student.grade if student else None, "consent_signed_on": release_signed_on,
              "school_name": school.name if school else None, "district_name": district.name if district else None}
    return letter, common


async def _send_mail(s: AsyncSession, actor: Actor, esc: Escalation, plan: _Plan, inp: EscalateInput) -> None:
    """The letter to the contact (advocate in copy) and the family's notice, queued in this transaction."""
    case, family, contact = plan.case, plan.family, plan.contact
    letter, common = await _mail_contexts(
        s, actor, case, contact, level_name=esc.level_name, summary=esc.summary, remedy=esc.remedy_requested,
        sent_on=esc.sent_on, due=esc.response_due_on, window=esc.response_window_school_days,
        district_id=esc.district_id, release_signed_on=plan.release_signed_on)
    advocate = await s.get(User, actor.user_id)
    reply_to = formataddr((advocate.display_name, advocate.email))
    if inp.channel is EscalationChannel.EMAIL and contact.email:
        await enqueue(
            s, organization_id=actor.organization_id, kind="escalation_letter", template="escalation_letter",
            language="en", to=[contact.email], cc=[advocate.email], reply_to=reply_to, related_type="Escalation",
            related_id=esc.id, context=letter)
    if inp.notify_family and family.email:
        guardian = family.guardians[0]["name"] if family.guardians else family.display_name
        await enqueue(
            s, organization_id=actor.organization_id, kind="family_notice", template="family_notice",
            language=family.preferred_language, to=[family.email], reply_to=reply_to, related_type="Escalation",
            related_id=esc.id, context={**common, "guardian_name": guardian, "escalated_on": esc.sent_on})


@dataclass
class LetterPreview:
    subject: str
    text: str
    response_due_on: date
    mailed_to: str | None  # the contact's address when the channel is email (else the advocate sends it)


async def preview_escalation(db: Database, actor: Actor, inp: EscalateInput, *, today: date) -> LetterPreview:
    """The letter escalateCase would send with this input, rendered from the same template and context, with the
    same checks; nothing is written but the audit row (it shows the student's name; to someone without
    family:identity, "a student")."""
    require(actor, "escalation", "send")
    summary = v.text(inp.summary, "summary", required=True, max_len=10000)
    remedy = v.text(inp.remedy_requested, "remedyRequested", required=True, max_len=5000)
    async with db.transaction() as s:
        plan = await _plan(s, actor, inp, today)
        letter, _ = await _mail_contexts(
            s, actor, plan.case, plan.contact, level_name=plan.level.name, summary=summary, remedy=remedy,
            sent_on=today, due=plan.due, window=plan.level.response_window_school_days, district_id=plan.district_id,
            release_signed_on=plan.release_signed_on)
        audit(s, actor, "escalation.preview", entity_type="case", entity_id=plan.case.id,
              detail={"level": plan.level.level, "contactId": str(plan.contact.id)})
    if not actor.can("family", "identity"):  # who the student is stays hidden from them here too ("a student")
        letter = {**letter, "student_first_name": None, "student_last_name": None}
    mail = render("escalation_letter", "en", letter)
    mailed = plan.contact.email if inp.channel is EscalationChannel.EMAIL and plan.contact.email else None
    return LetterPreview(subject=mail.subject, text=mail.text, response_due_on=plan.due, mailed_to=mailed)


# ---------------------------------------------------------------- answers


async def _escalation_for_write(s: AsyncSession, actor: Actor, escalation_id: uuid.UUID,
                                version: int | None) -> tuple[Escalation, Case]:
    row = (await s.execute(select(Escalation, Case).join(Case, Case.id == Escalation.case_id).where(
        Escalation.id == escalation_id, Escalation.organization_id == actor.organization_id,
        visible_cases(actor.case_scope())))).first()
    if row is None:
        raise not_found("escalation")
    esc, case = row
    if version is not None and esc.version != version:
        raise conflict("escalation", esc.version)
    return esc, case


async def acknowledge_escalation(db: Database, actor: Actor, escalation_id: uuid.UUID, *,
                                 version: int | None = None) -> Escalation:
    require(actor, "escalation", "update")
    async with db.transaction() as s:
        esc, case = await _escalation_for_write(s, actor, escalation_id, version)
        if esc.status is not EscalationStatus.SENT:
            raise DomainError(ErrorCode.INVALID_TRANSITION,
                              f"Only a SENT escalation can be acknowledged; this one is {esc.status.value}.", "id")
        esc.status, esc.acknowledged_at = EscalationStatus.ACKNOWLEDGED, utcnow()
        s.add(_event(actor, case.id, CaseEventKind.RESPONSE, f"{esc.level_name} acknowledged the escalation.",
                     {"escalationId": str(esc.id), "status": esc.status.value}))
        await s.flush()
        audit(s, actor, "escalation.acknowledge", entity_type="case", entity_id=case.id,
              detail={"escalationId": str(esc.id)})
    return esc


async def record_response(db: Database, actor: Actor, escalation_id: uuid.UUID, *, responded_on: date, notes: str,
                          version: int | None = None, today: date) -> Escalation:
    require(actor, "escalation", "update")
    notes = v.text(notes, "notes", required=True, max_len=10000)
    v.not_future(responded_on, "respondedOn", today)
    async with db.transaction() as s:
        esc, case = await _escalation_for_write(s, actor, escalation_id, version)
        if esc.status not in OPEN_STATUSES:
            raise DomainError(ErrorCode.INVALID_TRANSITION,
                              f"This escalation is already {esc.status.value}.", "id")
        if responded_on < esc.sent_on:
            raise invalid("The answer cannot come before the escalation was sent.", "respondedOn")
        calendar = await district_calendar(s, actor.organization_id, esc.district_id)
        esc.status, esc.responded_on, esc.response_notes = EscalationStatus.RESPONDED, responded_on, notes
        esc.response_school_days = calendar.school_days_between(esc.sent_on, responded_on)
        if esc.acknowledged_at is None:
            esc.acknowledged_at = utcnow()
        late = responded_on > esc.response_due_on
        s.add(_event(actor, case.id, CaseEventKind.RESPONSE,
                     f"{esc.level_name} answered on {responded_on.isoformat()}"
                     f"{' (late)' if late else ''}: {notes}",
                     {"escalationId": str(esc.id), "status": esc.status.value, "respondedOn": responded_on.isoformat(),
                      "schoolDays": esc.response_school_days, "late": late}))
        case.updated_at = utcnow()
        await s.flush()
        # the case's assignees and whoever sent the escalation learn that the district answered
        assignees = set(await s.scalars(select(CaseAssignee.user_id).where(CaseAssignee.case_id == case.id)))
        await notify(s, organization_id=actor.organization_id,
                     user_ids=(assignees | {esc.created_by_id}) - {actor.user_id},
                     kind=NotificationKind.ESCALATION_ANSWERED, dedupe_key=f"escalation_answered:{esc.id}",
                     case_id=case.id, escalation_id=esc.id,
                     data={"caseReference": case_reference(case.id), "caseTitle": case.title,
                           "levelName": esc.level_name, "respondedOn": responded_on.isoformat(), "late": late})
        audit(s, actor, "escalation.respond", entity_type="case", entity_id=case.id,
              detail={"escalationId": str(esc.id)})
    return esc


async def close_escalation(db: Database, actor: Actor, escalation_id: uuid.UUID, *, note: str | None = None,
                           version: int | None = None) -> Escalation:
    require(actor, "escalation", "update")
    note = v.text(note, "note", max_len=5000)
    async with db.transaction() as s:
        esc, case = await _escalation_for_write(s, actor, escalation_id, version)
        if esc.status is EscalationStatus.CLOSED:
            raise DomainError(ErrorCode.INVALID_TRANSITION, "This escalation is already closed.", "id")
        esc.status, esc.closed_at = EscalationStatus.CLOSED, utcnow()
        s.add(_event(actor, case.id, CaseEventKind.RESPONSE, note or f"Escalation to {esc.level_name} closed.",
                     {"escalationId": str(esc.id), "status": esc.status.value}))
        await s.flush()
        audit(s, actor, "escalation.close", entity_type="case", entity_id=case.id,
              detail={"escalationId": str(esc.id)})
    return esc


# ---------------------------------------------------------------- reads


@dataclass
class EscalationFilter:
    statuses: list[EscalationStatus] | None = None
    levels: list[int] | None = None
    district_ids: list[uuid.UUID] | None = None
    contact_ids: list[uuid.UUID] | None = None
    case_id: uuid.UUID | None = None
    overdue: bool | None = None
    due_before: date | None = None
    assigned_to_me: bool = False


def _overdue(today: date):
    return and_(Escalation.status.in_(OPEN_STATUSES), Escalation.response_due_on < today)


def _visible(actor: Actor):
    return select(Escalation).join(Case, Case.id == Escalation.case_id).where(
        Escalation.organization_id == actor.organization_id, visible_cases(actor.case_scope()))


async def list_escalations(db: Database, actor: Actor, f: EscalationFilter, *, today: date, first: int | None,
                           after: str | None) -> Page[Escalation]:
    require(actor, "escalation", "read")
    q = _visible(actor)
    if f.statuses:
        q = q.where(Escalation.status.in_(f.statuses))
    if f.levels:
        q = q.where(Escalation.level.in_(f.levels))
    if f.district_ids:
        q = q.where(Escalation.district_id.in_(f.district_ids))
    if f.contact_ids:
        q = q.where(Escalation.contact_id.in_(f.contact_ids))
    if f.case_id:
        q = q.where(Escalation.case_id == f.case_id)
    if f.overdue is True:
        q = q.where(_overdue(today))
    elif f.overdue is False:
        q = q.where(~_overdue(today))
    if f.due_before:
        q = q.where(Escalation.status.in_(OPEN_STATUSES), Escalation.response_due_on < f.due_before)
    q, size = keyset(q, [Escalation.response_due_on, Escalation.id], False, first, after)
    async with db.transaction() as s:  # an escalation tells about a child's case: its reads are on the record
        rows = list(await s.scalars(q))
        audit(s, actor, "escalation.list", entity_type="escalation", detail=read_detail(
            rows[:size], cases=sorted({str(e.case_id) for e in rows[:size]})))
    return make_page(rows, lambda e: (e.response_due_on, e.id), size)


async def get_escalation(db: Database, actor: Actor, escalation_id: uuid.UUID) -> Escalation | None:
    if not actor.can("escalation", "read"):
        return None
    async with db.transaction() as s:
        found = await s.scalar(_visible(actor).where(Escalation.id == escalation_id))
        if found is not None:
            audit(s, actor, "escalation.read", entity_type="escalation", entity_id=found.id,
                  detail={"case": str(found.case_id)})
        return found


async def escalations_by_case(db: Database, org_id: uuid.UUID, case_ids: list[uuid.UUID]) -> dict[uuid.UUID, list]:
    out: dict[uuid.UUID, list] = {c: [] for c in case_ids}
    async with db.reader() as s:
        rows = await s.scalars(select(Escalation).where(
            Escalation.organization_id == org_id, among(db.is_sqlite, Escalation.case_id, case_ids))
            .order_by(Escalation.sent_at, Escalation.id))
        for e in rows:
            out[e.case_id].append(e)
    return out


async def escalations_by_ids(db: Database, org_id: uuid.UUID, ids: list[uuid.UUID]) -> dict:
    async with db.reader() as s:
        rows = await s.scalars(select(Escalation).where(Escalation.organization_id == org_id,
                                                        among(db.is_sqlite, Escalation.id, ids)))
        return {r.id: r for r in rows}


async def mail_by_escalation(db: Database, org_id: uuid.UUID, ids: list[uuid.UUID]) -> dict[uuid.UUID, list]:
    out: dict[uuid.UUID, list] = {i: [] for i in ids}
    async with db.reader() as s:
        for m in await s.scalars(select(OutboxMessage).where(
                OutboxMessage.organization_id == org_id, OutboxMessage.related_type == "Escalation",
                OutboxMessage.related_id.in_(ids)).order_by(OutboxMessage.created_at, OutboxMessage.id)):
            out[m.related_id].append(m)
    return out


def is_overdue(esc: Escalation, today: date) -> bool:
    return esc.status in OPEN_STATUSES and esc.response_due_on < today


# ---------------------------------------------------------------- responsiveness


@dataclass
class Responsiveness(measures.Counts):
    district_id: uuid.UUID | None = None
    office: str | None = None
    median_school_days_to_answer: float | None = None


async def responsiveness(db: Database, actor: Actor, *, district_id: uuid.UUID | None = None,
                         sent_from: date | None = None, sent_to: date | None = None, by_office: bool = True,
                         today: date) -> list[Responsiveness]:
    """Per district (and office): escalations sent, answered in the window, median days, overdue now.

    Aggregates over the whole organization, with no case or family data: campaign leads may see it. Computed in
    SQL by the measures of `domain.escalations.responsiveness` (campaign evidence uses the same ones).
    """
    require(actor, "escalation", "report")
    cols = [Escalation.district_id.label("district_id")] + ([Escalation.office.label("office")] if by_office else [])
    q = select(*cols, Escalation.status.label("st"), Escalation.response_due_on.label("due"),
               Escalation.responded_on.label("responded_on"), Escalation.response_school_days.label("days")).where(
        Escalation.organization_id == actor.organization_id)
    if district_id:
        q = q.where(Escalation.district_id == district_id)
    if sent_from:
        q = q.where(Escalation.sent_on >= sent_from)
    if sent_to:
        q = q.where(Escalation.sent_on <= sent_to)
    sub = q.subquery()
    keys = [sub.c.district_id] + ([sub.c.office] if by_office else [])
    agg = select(*keys, *measures.measure_columns(status=sub.c.st, responded_on=sub.c.responded_on,
                                                  due_on=sub.c.due, today=today)).group_by(*keys)
    out = []
    async with db.reader() as s:
        meds = await measures.medians(s, sub, keys, sub.c.days)
        for row in await s.execute(agg):
            key = tuple(row[:len(keys)])
            g = Responsiveness(district_id=key[0], office=key[1] if by_office else None)
            for name, value in zip(measures.MEASURES, row[len(keys):]):
                setattr(g, name, int(value or 0))
            g.median_school_days_to_answer = meds.get(key, (0, None))[1]
            out.append(g)
    return sorted(out, key=lambda g: (-g.sent, str(g.district_id), g.office or ""))
