from __future__ import annotations

import uuid
from datetime import date, datetime

import strawberry

from api.cases.types import CaseType
from api.context import Info
from api.directory.types import DistrictContactType, DistrictType
from api.identity.types import UserType
from api.relay import Connection, Node, to_global_id
from domain.escalations import deadlines as rules
from domain.escalations.models import CaseDeadline, Escalation
from domain.escalations.models import EscalationChannel as DomainChannel
from domain.escalations.models import EscalationStatus as DomainEscalationStatus
from domain.escalations.service import Responsiveness, is_overdue
from domain.outbox.models import OutboxMessage
from domain.outbox.models import OutboxStatus as DomainOutboxStatus
from policies import Actor

EscalationChannel = strawberry.enum(DomainChannel, name="EscalationChannel")
EscalationStatus = strawberry.enum(DomainEscalationStatus, name="EscalationStatus")
Milestone = strawberry.enum(rules.Milestone, name="Milestone", description="Events that start or meet statutory deadlines.")
DeadlineStatus = strawberry.enum(rules.DeadlineStatus, name="DeadlineStatus")
DayCount = strawberry.enum(rules.DayCount, name="DayCount")
MailStatus = strawberry.enum(DomainOutboxStatus, name="MailStatus",
                             description="PENDING: not sent yet (also when no SMTP server is configured).")


@strawberry.type(name="EscalationLevel", description="A rung of the organization's escalation ladder.")
class EscalationLevelType:
    level: int
    name: str
    response_window_school_days: int


@strawberry.type(description="An email written for an escalation, and whether it went out.")
class MailDelivery:
    kind: str
    to: list[str] | None = strawberry.field(
        description="The family notice's addresses (the family's own) are null without the family identity "
                    "permission.")
    cc: list[str] | None = strawberry.field(description="Null where `to` is.")
    subject: str
    language: str
    status: MailStatus
    attempts: int
    sent_at: datetime | None
    last_error: str | None = strawberry.field(description="Null where `to` is (a refusal may quote the address).")

    @classmethod
    def of(cls, m: OutboxMessage, actor: Actor) -> "MailDelivery":
        shown = m.kind != "family_notice" or actor.can("family", "identity")
        return cls(kind=m.kind, to=list(m.to_addrs) if shown else None, cc=list(m.cc_addrs) if shown else None,
                   subject=m.subject, language=m.language, status=m.status, attempts=m.attempts, sent_at=m.sent_at,
                   last_error=m.last_error if shown else None)


@strawberry.type(name="Escalation", description="A case taken to a contact at one level of the ladder.")
class EscalationType(Node):
    level: int
    level_name: str
    office: str | None
    channel: EscalationChannel
    summary: str | None = strawberry.field(description="Null without the family identity permission.")
    remedy_requested: str | None = strawberry.field(description="Null without the family identity permission.")
    status: EscalationStatus
    sent_at: datetime
    sent_on: date
    response_window_school_days: int
    response_due_on: date = strawberry.field(description="On the district's school-day calendar.")
    overdue: bool = strawberry.field(description="Not answered and past the response due date.")
    acknowledged_at: datetime | None
    responded_on: date | None
    response_notes: str | None = strawberry.field(description="Null without the family identity permission.")
    response_school_days: int | None = strawberry.field(description="School days from sending to the answer.")
    answered_within_window: bool | None
    closed_at: datetime | None
    version: int
    model_id_: strawberry.Private[uuid.UUID]
    case_id_: strawberry.Private[uuid.UUID]
    contact_id_: strawberry.Private[uuid.UUID]
    district_id_: strawberry.Private[uuid.UUID | None]
    previous_id_: strawberry.Private[uuid.UUID | None]
    created_by_id_: strawberry.Private[uuid.UUID | None]

    @strawberry.field
    async def case(self, info: Info) -> CaseType | None:
        c = await info.context.loaders.case.load(self.case_id_)
        return CaseType.of(c, info.context.actor, info.context.today) if c else None

    @strawberry.field
    async def contact(self, info: Info) -> DistrictContactType | None:
        c = await info.context.loaders.contact.load(self.contact_id_)
        return DistrictContactType.of(c) if c else None

    @strawberry.field
    async def district(self, info: Info) -> DistrictType | None:
        d = self.district_id_ and await info.context.loaders.district.load(self.district_id_)
        return DistrictType.of(d) if d else None

    @strawberry.field(description="The escalation at the level below that this one followed.")
    async def previous(self, info: Info) -> "EscalationType | None":
        e = self.previous_id_ and await info.context.loaders.escalation.load(self.previous_id_)
        return EscalationType.of(e, info.context.actor, info.context.today) if e else None

    @strawberry.field
    async def sent_by(self, info: Info) -> UserType | None:
        u = self.created_by_id_ and await info.context.loaders.user.load(self.created_by_id_)
        return UserType.of(u) if u else None

    @strawberry.field(description="The letter to the contact and the notice to the family, with delivery status.")
    async def mail(self, info: Info) -> list[MailDelivery]:
        actor = info.context.actor
        return [MailDelivery.of(m, actor) for m in await info.context.loaders.escalation_mail.load(self.model_id_)]

    @classmethod
    def of(cls, e: Escalation, actor: Actor, today: date) -> "EscalationType":
        shown = actor.can("family", "identity")
        return cls(
            id=to_global_id("Escalation", e.id), level=e.level, level_name=e.level_name, office=e.office,
            channel=e.channel, summary=e.summary if shown else None,
            remedy_requested=e.remedy_requested if shown else None, status=e.status, sent_at=e.sent_at,
            sent_on=e.sent_on, response_window_school_days=e.response_window_school_days,
            response_due_on=e.response_due_on, overdue=is_overdue(e, today), acknowledged_at=e.acknowledged_at,
            responded_on=e.responded_on, response_notes=e.response_notes if shown else None,
            response_school_days=e.response_school_days,
            answered_within_window=None if e.responded_on is None else e.responded_on <= e.response_due_on,
            closed_at=e.closed_at, version=e.version, model_id_=e.id, case_id_=e.case_id,
            contact_id_=e.contact_id, district_id_=e.district_id, previous_id_=e.previous_id,
            created_by_id_=e.created_by_id)


@strawberry.type
class EscalationConnection(Connection[EscalationType]):
    pass


@strawberry.type(name="CaseDeadline", description="A statutory deadline started by a milestone on a case.")
class CaseDeadlineType(Node):
    rule_code: str
    label: str
    citation: str
    milestone: Milestone
    trigger_on: date
    due_on: date
    met_on: date | None
    status: DeadlineStatus
    case_id_: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def case(self, info: Info) -> CaseType | None:
        c = await info.context.loaders.case.load(self.case_id_)
        return CaseType.of(c, info.context.actor, info.context.today) if c else None

    @classmethod
    def of(cls, d: CaseDeadline, today: date) -> "CaseDeadlineType":
        return cls(id=to_global_id("CaseDeadline", d.id), rule_code=d.rule_code, label=d.label, citation=d.citation,
                   milestone=rules.Milestone(d.milestone), trigger_on=d.trigger_on, due_on=d.due_on,
                   met_on=d.met_on, status=rules.status(due_on=d.due_on, met_on=d.met_on, today=today),
                   case_id_=d.case_id)


@strawberry.type(name="DeadlineRule")
class DeadlineRuleType:
    code: str
    label: str
    citation: str
    trigger: Milestone
    days: int
    count: DayCount
    met_by: Milestone

    @classmethod
    def of(cls, r: rules.Rule) -> "DeadlineRuleType":
        return cls(code=r.code, label=r.label, citation=r.citation, trigger=r.trigger, days=r.days, count=r.count,
                   met_by=r.met_by)


@strawberry.type(name="DeadlineProfile")
class DeadlineProfileType:
    code: str
    name: str
    rules: list[DeadlineRuleType]


DEADLINE_PROFILES = [DeadlineProfileType(code=code, name=name, rules=[DeadlineRuleType.of(r) for r in rs])
                     for code, (name, rs) in rules.PROFILES.items()]


@strawberry.type(description="How a district (or one of its offices) answers escalations. No family data.")
class DistrictResponsiveness:
    office: str | None
    sent: int
    answered: int
    answered_within_window: int
    share_answered_within_window: float | None = strawberry.field(description="0..1 of those sent.")
    median_school_days_to_answer: float | None
    overdue_now: int
    district_id_: strawberry.Private[uuid.UUID | None]

    @strawberry.field
    async def district(self, info: Info) -> DistrictType | None:
        d = self.district_id_ and await info.context.loaders.district.load(self.district_id_)
        return DistrictType.of(d) if d else None

    @classmethod
    def of(cls, r: Responsiveness) -> "DistrictResponsiveness":
        return cls(office=r.office, sent=r.sent, answered=r.answered, answered_within_window=r.answered_within_window,
                   share_answered_within_window=r.share_answered_within_window,
                   median_school_days_to_answer=r.median_school_days_to_answer, overdue_now=r.overdue_now,
                   district_id_=r.district_id)
