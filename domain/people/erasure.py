"""Erasing a family for good, when it asks to be forgotten (`family:erase`, admins by default).

One transaction removes the family, its students and consents, and every case of the family with everything on
it: timeline, assignees, escalations and their deadlines, the escalation letters and family notices in the outbox
(sent or not: a letter still waiting is not sent; one the worker is handing to the mail server at that moment
goes out), campaign links, stories and notifications (foreign keys
cascade from the case); the idempotency key of the intake that recorded a case keeps no trace of it (a late
retry with it is refused, not recorded again). The family's cases leave campaign evidence and statistics from then on. What stays: the
audit log, which holds ids and never a family's identity, with a `family.erase` event saying how much went;
daily digests already mailed to staff (case titles are written without names).

The admin types the family's name to confirm (`confirm`): a wrong or stale page cannot erase another family.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update

from domain.audit.service import record as audit
from domain.cases.models import Case
from domain.db import Database, among
from domain.errors import invalid, require
from domain.escalations.models import Escalation
from domain.idempotency import IdempotencyKey
from domain.outbox.models import OutboxMessage
from domain.people.models import Family, Student
from domain.people.service import _family_for_write
from policies import Actor


@dataclass(frozen=True)
class Erased:
    cases: int
    students: int
    escalations: int
    messages: int


def _same_name(typed: str | None, name: str) -> bool:
    return " ".join((typed or "").split()).casefold() == " ".join(name.split()).casefold()


async def erase_family(db: Database, actor: Actor, family_id: uuid.UUID, *, confirm: str | None) -> Erased:
    require(actor, "family", "erase")
    async with db.transaction() as s:
        family = await _family_for_write(s, actor, family_id)
        if not _same_name(confirm, family.display_name):
            raise invalid("Type the family's name exactly as it is shown to confirm.", "confirmDisplayName")
        org = actor.organization_id
        # Locks first (PostgreSQL; SQLite's write lock is the whole unit of work): a case opened for the family or
        # an escalation sent on one of its cases meanwhile commits before these are read, or waits and then fails
        # on the rows gone; so no letter of the family is left behind in the outbox.
        await s.execute(select(Family.id).where(Family.id == family.id).with_for_update())
        case_ids = list(await s.scalars(select(Case.id).where(Case.organization_id == org,
                                                              Case.family_id == family.id).with_for_update()))
        esc_ids = list(await s.scalars(select(Escalation.id).where(
            Escalation.organization_id == org, among(db.is_sqlite, Escalation.case_id, case_ids)))) if case_ids else []
        students = await s.scalar(select(func.count()).select_from(Student).where(
            Student.organization_id == org, Student.family_id == family.id))
        messages = 0
        if esc_ids:
            messages = (await s.execute(delete(OutboxMessage).where(
                OutboxMessage.organization_id == org, OutboxMessage.related_type == "Escalation",
                among(db.is_sqlite, OutboxMessage.related_id, esc_ids)))).rowcount
        if case_ids:  # the intake that recorded it: its hash of the family's details goes, the key stays used (a
            # late retry is refused rather than recording the family again)
            await s.execute(update(IdempotencyKey).where(
                IdempotencyKey.organization_id == org, IdempotencyKey.operation == "recordIntake",
                among(db.is_sqlite, IdempotencyKey.result_id, case_ids)).values(request_hash="", result_id=None))
        if case_ids:  # cascades: assignees, timeline, escalations, deadlines, campaign links, stories, notifications
            await s.execute(delete(Case).where(Case.organization_id == org, among(db.is_sqlite, Case.id, case_ids)))
        await s.execute(delete(Family).where(Family.organization_id == org, Family.id == family.id))  # students, consents
        erased = Erased(cases=len(case_ids), students=students or 0, escalations=len(esc_ids), messages=messages)
        audit(s, actor, "family.erase", entity_type="family", entity_id=family_id,
              detail={"cases": erased.cases, "students": erased.students, "escalations": erased.escalations,
                      "messages": erased.messages})
    return erased
