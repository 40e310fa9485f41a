"""The periodic notification job: what became overdue or due soon, and the daily email digest.

Run by the worker (domain/outbox/worker.py `run_worker`, so `advocase worker` and the in-process worker of
`advocase serve`) every JOB_INTERVAL, and by `advocase worker --once`. Idempotent: each event has a dedupe
key (domain/notifications/service.py), and a digest is claimed per member and day with a conditional UPDATE,
so running the job again, or on several workers at once, never notifies or mails twice.

- ESCALATION_OVERDUE: an escalation still SENT or ACKNOWLEDGED after its response_due_on; to the case's
  assignees and whoever sent it.
- DEADLINE_UPCOMING: an unmet statutory deadline (CaseDeadline) due within DUE_SOON_SCHOOL_DAYS school days
  on the district's calendar (domain/escalations/calendar.py); DEADLINE_MISSED once it is past due.
  To the case's assignees (its creator when nobody is assigned). Only active cases.
- Each organization's events are judged on its own date (its time zone, else ADVOCASE_TIME_ZONE): an
  escalation due today is not overdue at 7 pm in New York because the server's clock has passed midnight UTC.
- Events older than LOOK_BACK_DAYS are not notified (a first run on old data does not flood anyone).
- The digest: once a day, from the digest hour (ADVOCASE_DIGEST_HOUR, default 7) of the organization's own
  clock (its time zone, else ADVOCASE_TIME_ZONE), each member with unread notifications not yet mailed, who has
  not opted out, gets one mail in their language (template notification_digest, en/es) through the outbox.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select, update

from domain.cases.models import Case, CaseAssignee, case_reference
from domain.cases.workflow import ACTIVE
from domain.config import date_in
from domain.db import Database, utcnow, tenant
from domain.tenancy import job_scopes
from domain.escalations.models import CaseDeadline, Escalation, EscalationStatus
from domain.escalations.service import calendars
from domain.identity.models import Membership, Organization, User
from domain.notifications.models import Notification, NotificationKind, NotificationSetting
from domain.notifications.service import _insert, notify
from domain.outbox.service import enqueue

log = logging.getLogger("advocase.notifications")

DUE_SOON_SCHOOL_DAYS = 5
LOOK_BACK_DAYS = 30
JOB_INTERVAL = timedelta(minutes=5)
DIGEST_MAX_ITEMS = 50
OPEN = (EscalationStatus.SENT, EscalationStatus.ACKNOWLEDGED)


async def _recipients(s, case_ids: set[uuid.UUID]) -> dict[uuid.UUID, set[uuid.UUID]]:
    out: dict[uuid.UUID, set] = defaultdict(set)
    ids = list(case_ids)
    for i in range(0, len(ids), 1000):
        for cid, uid in await s.execute(select(CaseAssignee.case_id, CaseAssignee.user_id).where(
                CaseAssignee.case_id.in_(ids[i:i + 1000]))):
            out[cid].add(uid)
    return out


async def detect(db: Database, *, now: datetime, time_zone: str) -> int:
    """Notify overdue escalations and upcoming / missed deadlines, each on its organization's date at `now` (its
    time zone, else `time_zone`: the deployment's); returns how many notifications were new."""
    created = 0
    async with db.transaction() as s:
        today_of = {org_id: date_in(zone or time_zone, now)
                    for org_id, zone in await s.execute(select(Organization.id, Organization.time_zone))}
        days = set(today_of.values())
        if not days:
            return 0
        # the window of every organization's date (time zones are at most a day apart); each row is then judged on
        # its own organization's
        since = min(days) - timedelta(days=LOOK_BACK_DAYS)
        horizon = max(days) + timedelta(days=DUE_SOON_SCHOOL_DAYS * 2 + 21)  # any run of weekends and closures
        overdue = [(esc, title) for esc, title in (await s.execute(
            select(Escalation, Case.title).join(Case, Case.id == Escalation.case_id).where(
                Escalation.status.in_(OPEN), Escalation.response_due_on < max(days),
                Escalation.response_due_on >= since)
            .order_by(Escalation.organization_id, Escalation.id))).all()
            if esc.response_due_on < today_of[esc.organization_id]]
        deadlines = (await s.execute(select(CaseDeadline, Case).join(Case, Case.id == CaseDeadline.case_id).where(
            CaseDeadline.met_on.is_(None), Case.status.in_(ACTIVE), CaseDeadline.due_on >= since,
            CaseDeadline.due_on <= horizon).order_by(CaseDeadline.organization_id, CaseDeadline.id))).all()
        who = await _recipients(s, {e.case_id for e, _ in overdue} | {c.id for _, c in deadlines})
        for esc, title in overdue:
            created += await notify(
                s, organization_id=esc.organization_id, user_ids=who[esc.case_id] | {esc.created_by_id},
                kind=NotificationKind.ESCALATION_OVERDUE, dedupe_key=f"escalation_overdue:{esc.id}",
                case_id=esc.case_id, escalation_id=esc.id, due_on=esc.response_due_on,
                data={"caseReference": case_reference(esc.case_id), "caseTitle": title, "levelName": esc.level_name,
                      "dueOn": esc.response_due_on.isoformat()})
        by_org: dict[uuid.UUID, set] = defaultdict(set)
        for _, case in deadlines:
            by_org[case.organization_id].add(case.district_id)
        cals = {org: await calendars(s, org, ids) for org, ids in by_org.items()}
        for d, case in deadlines:
            today = today_of[case.organization_id]
            if d.due_on < today:
                kind, key = NotificationKind.DEADLINE_MISSED, f"deadline_missed:{d.id}"
            elif d.due_on <= cals[case.organization_id][case.district_id].add_school_days(today, DUE_SOON_SCHOOL_DAYS):
                kind, key = NotificationKind.DEADLINE_UPCOMING, f"deadline_upcoming:{d.id}"
            else:
                continue
            created += await notify(
                s, organization_id=d.organization_id, user_ids=who[case.id] or {case.created_by_id}, kind=kind,
                dedupe_key=key, case_id=case.id, deadline_id=d.id, due_on=d.due_on,
                data={"caseReference": case_reference(case.id), "caseTitle": case.title, "label": d.label,
                      "citation": d.citation, "dueOn": d.due_on.isoformat()})
    return created


def _item(n: Notification) -> dict:
    d = n.data or {}
    return {"kind": n.kind.value, "case_reference": d.get("caseReference", ""), "case_title": d.get("caseTitle", ""),
            "level_name": d.get("levelName"), "label": d.get("label"),
            "due_on": date.fromisoformat(d["dueOn"]) if d.get("dueOn") else None,
            "responded_on": date.fromisoformat(d["respondedOn"]) if d.get("respondedOn") else None}


async def send_digests(db: Database, *, organization_id: uuid.UUID, today: date, public_url: str) -> int:
    """Queue the organization's digest of `today` (its date) for every member who has unread, unmailed
    notifications; returns how many."""
    async with db.reader() as s:
        pending = (await s.execute(
            select(Notification.organization_id, Notification.user_id).distinct()
            .join(Membership, and_(Membership.organization_id == Notification.organization_id,
                                   Membership.user_id == Notification.user_id, Membership.active.is_(True)))
            .outerjoin(NotificationSetting, and_(
                NotificationSetting.organization_id == Notification.organization_id,
                NotificationSetting.user_id == Notification.user_id))
            .where(Notification.organization_id == organization_id,
                   Notification.emailed_at.is_(None), Notification.read_at.is_(None),
                   or_(NotificationSetting.email_digest.is_(None), NotificationSetting.email_digest.is_(True)),
                   or_(NotificationSetting.last_digest_on.is_(None), NotificationSetting.last_digest_on < today))
        )).all()
    sent = 0
    for org_id, user_id in pending:
        try:
            sent += await _digest(db, org_id, user_id, today=today, public_url=public_url)
        except Exception:  # one member's problem (e.g. a malformed address) does not stop the others
            log.exception("digest for user %s in organization %s failed", user_id, org_id)
    return sent


async def _digest(db: Database, org_id: uuid.UUID, user_id: uuid.UUID, *, today: date, public_url: str) -> int:
    async with db.transaction() as s:
        await s.execute(_insert(s, NotificationSetting).values(
            organization_id=org_id, user_id=user_id, email_digest=True, updated_at=utcnow())
            .on_conflict_do_nothing(index_elements=["organization_id", "user_id"]))
        claimed = await s.execute(update(NotificationSetting).where(
            NotificationSetting.organization_id == org_id, NotificationSetting.user_id == user_id,
            NotificationSetting.email_digest.is_(True),
            or_(NotificationSetting.last_digest_on.is_(None), NotificationSetting.last_digest_on < today))
            .values(last_digest_on=today).execution_options(synchronize_session=False))
        if claimed.rowcount != 1:
            return 0  # opted out, or another worker sent today's
        rows = list(await s.scalars(select(Notification).where(
            Notification.organization_id == org_id, Notification.user_id == user_id,
            Notification.emailed_at.is_(None), Notification.read_at.is_(None))
            .order_by(Notification.created_at, Notification.id)))
        if not rows:
            return 0
        user = await s.get(User, user_id)
        org = await s.get(Organization, org_id)
        now = utcnow()
        await enqueue(s, organization_id=org_id, kind="notification_digest", template="notification_digest",
                      language=user.preferred_language, to=[user.email],
                      context={"organization_name": org.name, "user_name": user.display_name,
                               "items": [_item(n) for n in rows[:DIGEST_MAX_ITEMS]], "total": len(rows),
                               "app_url": public_url.rstrip("/") + "/", "digest_on": today},
                      related_type="User", related_id=user_id)
        for n in rows:
            n.emailed_at = now
    return 1


async def run_jobs(db: Database, *, now: datetime | None = None, public_url: str = "http://127.0.0.1:8000",
                   digest_hour: int = 7, time_zone: str = "UTC") -> dict[str, int]:
    """One pass: detection on each organization's date, then (from `digest_hour` on its clock) its digests; the
    organization's time zone, else `time_zone` (the deployment's ADVOCASE_TIME_ZONE)."""
    now = now or utcnow()
    created = digests = 0
    for scope in await job_scopes(db):  # one organization at a time under row-level security (domain.tenancy)
        with tenant(scope):
            created += await detect(db, now=now, time_zone=time_zone)
            q = select(Organization.id, Organization.time_zone)  # (organizations have no row-level security)
            async with db.reader() as s:  # the scope's organization; without row-level security, all of them
                zones = (await s.execute(q if scope is None else q.where(Organization.id == scope))).all()
            for org_id, zone in zones:
                local = now.astimezone(ZoneInfo(zone or time_zone))
                if local.hour >= digest_hour:
                    digests += await send_digests(db, organization_id=org_id, today=local.date(),
                                                  public_url=public_url)
    if created or digests:
        log.info("notifications: %d new, %d digests queued", created, digests)
    return {"notifications": created, "digests": digests}
