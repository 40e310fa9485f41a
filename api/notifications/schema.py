"""The signed-in user's notifications and notification settings. Thin: calls domain.notifications.service."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from api.context import Info
from api.errors import UserError
from api.relay import Connection, decode, to_global_id
from api.resolve import attempt, query
from domain.notifications import service
from domain.notifications.models import Notification, NotificationKind as DomainKind

NotificationKind = strawberry.enum(DomainKind, name="NotificationKind")


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@strawberry.type(name="Notification", description="Something that happened on one of my cases. Open the case "
                                                   "by caseId (access is checked there).")
class NotificationType:
    id: strawberry.ID
    kind: NotificationKind
    case_id: strawberry.ID | None
    case_reference: str | None
    case_title: str | None
    escalation_id: strawberry.ID | None
    level_name: str | None = strawberry.field(description="Escalations: the ladder level, e.g. District office.")
    label: str | None = strawberry.field(description="Deadlines: what is due, e.g. Initial evaluation within ...")
    due_on: date | None
    responded_on: date | None
    late: bool | None = strawberry.field(description="An answered escalation: answered after its due date.")
    created_at: datetime
    read_at: datetime | None

    @strawberry.field
    def read(self) -> bool:
        return self.read_at is not None

    @classmethod
    def of(cls, n: Notification) -> "NotificationType":
        d = n.data or {}
        return cls(id=to_global_id("Notification", n.id), kind=n.kind,
                   case_id=to_global_id("Case", n.case_id) if n.case_id else None,
                   case_reference=d.get("caseReference"), case_title=d.get("caseTitle"),
                   escalation_id=to_global_id("Escalation", n.escalation_id) if n.escalation_id else None,
                   level_name=d.get("levelName"), label=d.get("label"), due_on=n.due_on or _date(d.get("dueOn")),
                   responded_on=_date(d.get("respondedOn")), late=d.get("late"), created_at=n.created_at,
                   read_at=n.read_at)


@strawberry.type
class NotificationConnection(Connection[NotificationType]):

    @strawberry.field(description="How many of my notifications are unread (whatever the page).")
    async def unread_count(self, info: Info) -> int:
        ctx = info.context
        return await query(lambda: service.unread_count(ctx.db, ctx.actor))


@strawberry.type
class NotificationPreferences:
    email_digest: bool = strawberry.field(description="A daily email of my unread notifications (default on).")


@strawberry.input
class MarkNotificationReadInput:
    id: strawberry.ID


@strawberry.input
class SetNotificationPreferencesInput:
    email_digest: bool


@strawberry.type
class MarkNotificationReadPayload:
    notification: NotificationType | None
    errors: list[UserError]


@strawberry.type
class MarkAllNotificationsReadPayload:
    count: int = strawberry.field(description="How many were unread.")
    errors: list[UserError]


@strawberry.type
class NotificationPreferencesPayload:
    preferences: NotificationPreferences | None
    errors: list[UserError]


def _wants_total(info: Info) -> bool:
    return any(sel.name == "totalCount" for f in info.selected_fields for sel in f.selections
               if hasattr(sel, "name"))


@strawberry.type
class NotificationsQuery:
    @strawberry.field(description="My notifications in this organization, newest first.")
    async def notifications(self, info: Info, unread_only: bool = False, first: int | None = None,
                            after: str | None = None) -> NotificationConnection:
        ctx = info.context
        page = await query(lambda: service.list_notifications(ctx.db, ctx.actor, unread_only=unread_only,
                                                              first=first, after=after,
                                                              with_total=_wants_total(info)))
        return NotificationConnection.of(page, NotificationType.of)

    @strawberry.field(description="My notification settings in this organization.")
    async def notification_preferences(self, info: Info) -> NotificationPreferences:
        ctx = info.context
        p = await query(lambda: service.preferences(ctx.db, ctx.actor))
        return NotificationPreferences(email_digest=p.email_digest)


@strawberry.type
class NotificationsMutation:
    @strawberry.mutation(description="Mark one of my notifications read.")
    async def mark_notification_read(self, info: Info, input: MarkNotificationReadInput) -> MarkNotificationReadPayload:
        ctx = info.context
        n, errors = await attempt(lambda: service.mark_read(ctx.db, ctx.actor, decode(input.id, "Notification")))
        return MarkNotificationReadPayload(notification=n and NotificationType.of(n), errors=errors)

    @strawberry.mutation(description="Mark all my notifications read.")
    async def mark_all_notifications_read(self, info: Info) -> MarkAllNotificationsReadPayload:
        ctx = info.context
        count, errors = await attempt(lambda: service.mark_all_read(ctx.db, ctx.actor))
        return MarkAllNotificationsReadPayload(count=count or 0, errors=errors)

    @strawberry.mutation(description="Turn my daily email digest on or off.")
    async def set_notification_preferences(self, info: Info,
                                           input: SetNotificationPreferencesInput) -> NotificationPreferencesPayload:
        ctx = info.context
        p, errors = await attempt(lambda: service.set_preferences(ctx.db, ctx.actor, email_digest=input.email_digest))
        return NotificationPreferencesPayload(preferences=p and NotificationPreferences(email_digest=p.email_digest),
                                              errors=errors)
