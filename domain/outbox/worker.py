"""Send the outbox through SMTP: claim what is due, send each message once, record what happened.

A message is claimed in a short transaction (PENDING and due, or SENDING whose claim expired because
its worker died): status SENDING, `locked_until` = now + lease, `attempts` + 1. On PostgreSQL the claim
uses FOR UPDATE SKIP LOCKED, so many workers can run; on SQLite the write lock (BEGIN IMMEDIATE)
serialises claims. Each message is then sent and, right away, marked SENT in its own transaction, or
put back as PENDING with an exponential backoff (FAILED after MAX_ATTEMPTS or a permanent refusal).
Updates are fenced on (status SENDING, attempts): a worker whose claim was taken over changes nothing.

Exactly once: a message is never claimed by two workers at a time, and a SENT message is never sent
again. The one window left is a crash after the SMTP server accepted a message but before SENT was
committed; that message is sent again after its lease, with the same Message-ID
(`<outbox-id@mail-from-domain>`) so that receivers can drop the duplicate.

Without SMTP settings (ADVOCASE_SMTP_HOST) nothing is sent: messages stay PENDING ("unsent").
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

import aiosmtplib
from sqlalchemy import and_, func, or_, select, update

import domain.models  # noqa: F401  (every mapper, for a worker that runs on its own)
from domain.config import MailSettings
from domain.db import Database, tenant, utcnow
from domain.outbox.models import OutboxMessage, OutboxStatus
from domain.outbox.service import redacted_bodies
from domain.tenancy import enter_tenant, outbox_due_organizations, outbox_status_counts

__all__ = ["MailSettings", "backoff", "build_email", "deliver_all_due", "deliver_due", "outbox_counts",
           "run_worker"]

log = logging.getLogger("advocase.outbox")

MAX_ATTEMPTS = 10                      # ~6 hours of retries with the backoff below
BACKOFF_BASE = timedelta(minutes=1)    # 1, 2, 4, ... minutes
BACKOFF_CAP = timedelta(hours=2)

# Failures that say the server (or our configuration) is unusable right now: the rest of the batch
# would fail the same way, so it is put back with the same error without trying.
_SERVER_ERRORS = (OSError, aiosmtplib.SMTPAuthenticationError, aiosmtplib.SMTPSenderRefused,
                  aiosmtplib.SMTPNotSupported)


def backoff(attempts: int) -> timedelta:
    """The wait before the next try after `attempts` failed tries."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_CAP)


def _lease(settings: MailSettings, batch: int) -> timedelta:
    # long enough for the whole batch to be sent at the slowest the timeout allows
    return timedelta(seconds=settings.timeout_seconds * (batch + 1) + 60)


def _due(now: datetime):
    return or_(
        and_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.locked_until < now),
    )


def message_id(message: OutboxMessage, mail_from: str) -> str:
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "advocase.invalid"
    return f"<outbox-{message.id}@{domain}>"


def build_email(message: OutboxMessage, settings: MailSettings) -> EmailMessage:
    """The MIME message: multipart/alternative (text, html), stable Message-ID, advocate as Reply-To."""
    from_name, from_addr = parseaddr(settings.mail_from)
    email = EmailMessage()
    if message.reply_to:
        reply_name, reply_addr = parseaddr(message.reply_to)
        email["Reply-To"] = Address(display_name=reply_name, addr_spec=reply_addr)
        if reply_name:
            from_name = f"{reply_name} via {from_name}" if from_name else reply_name
    email["From"] = Address(display_name=from_name, addr_spec=from_addr)
    email["To"] = ", ".join(message.to_addrs)
    if message.cc_addrs:
        email["Cc"] = ", ".join(message.cc_addrs)
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    email["Message-ID"] = message_id(message, settings.mail_from)
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    email["Content-Language"] = message.language  # after the body: set_content drops Content-* headers
    return email


async def _send(message: OutboxMessage, settings: MailSettings) -> dict:
    """Hands the message to the SMTP server; returns the recipients it refused (others got it)."""
    email = build_email(message, settings)
    refused, _ = await aiosmtplib.send(
        email, sender=parseaddr(settings.mail_from)[1], recipients=[*message.to_addrs, *message.cc_addrs],
        hostname=settings.host, port=settings.port, username=settings.username, password=settings.password,
        use_tls=settings.tls, start_tls=False if settings.tls else settings.starttls,
        timeout=settings.timeout_seconds)
    return refused


def _permanent(error: Exception) -> bool:
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        return all(r.code >= 500 for r in error.recipients)
    if isinstance(error, aiosmtplib.SMTPDataError):
        return error.code >= 500
    return False


def _describe(error: BaseException) -> str:
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        text = "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in error.recipients)
        return f"SMTPRecipientsRefused: {text}"[:2000]
    return f"{type(error).__name__}: {error}"[:2000]


async def _claim(db: Database, *, now: datetime, batch: int, lease: timedelta) -> list[OutboxMessage]:
    # cheap check first (on SQLite an idle poll takes no write lock): which organizations have mail due;
    # each one's messages are then claimed inside it (row-level security, domain.tenancy)
    async with db.reader() as s:
        org_ids = await outbox_due_organizations(s, now)
    claimed: list[OutboxMessage] = []
    for org_id in org_ids:
        if len(claimed) >= batch:
            break
        with tenant(org_id):
            async with db.transaction() as s:
                rows = list(await s.scalars(
                    select(OutboxMessage).where(_due(now), OutboxMessage.organization_id == org_id)
                    .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                    .limit(batch - len(claimed)).with_for_update(skip_locked=True)))
                for m in rows:
                    if m.attempts >= MAX_ATTEMPTS:  # its last claim died mid-send too often: stop trying
                        m.status, m.locked_until = OutboxStatus.FAILED, None
                        for key, value in redacted_bodies(m).items():  # security: no usable link stays stored
                            setattr(m, key, value)
                        m.last_error = (m.last_error or "worker stopped while sending")[:2000]
                        continue
                    m.status, m.locked_until, m.attempts = OutboxStatus.SENDING, now + lease, m.attempts + 1
                    claimed.append(m)
    return claimed


def _fenced(m: OutboxMessage):
    return and_(OutboxMessage.id == m.id, OutboxMessage.status == OutboxStatus.SENDING,
                OutboxMessage.attempts == m.attempts)


async def _mark_sent(db: Database, m: OutboxMessage, *, now: datetime, refused: dict) -> None:
    note = ("refused: " + "; ".join(f"{a}: {r.code} {r.message}" for a, r in refused.items()))[:2000] \
        if refused else None
    redacted = redacted_bodies(m)  # security: a sent invitation or reset link is not kept usable in the database
    with tenant(m.organization_id):
        async with db.transaction() as s:
            result = await s.execute(
                update(OutboxMessage).where(_fenced(m))
                .values(status=OutboxStatus.SENT, sent_at=now, locked_until=None, last_error=note, **redacted)
                .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        log.warning("outbox message %s was sent after its claim expired", m.id)
    m.status, m.sent_at, m.locked_until, m.last_error = OutboxStatus.SENT, now, None, note
    for key, value in redacted.items():
        setattr(m, key, value)


async def _mark_failed(db: Database, messages: list[OutboxMessage], error: Exception, *, now: datetime) -> None:
    permanent, text = _permanent(error), _describe(error)
    async with db.transaction() as s:
        for m in messages:
            await enter_tenant(s, m.organization_id)
            status = OutboxStatus.FAILED if permanent or m.attempts >= MAX_ATTEMPTS else OutboxStatus.PENDING
            redacted = redacted_bodies(m) if status is OutboxStatus.FAILED else {}  # given up: the link goes too
            await s.execute(
                update(OutboxMessage).where(_fenced(m))
                .values(status=status, locked_until=None, last_error=text, next_attempt_at=now + backoff(m.attempts),
                        **redacted)
                .execution_options(synchronize_session=False))
            log.warning("outbox message %s: attempt %d failed (%s)%s", m.id, m.attempts, text,
                        "; giving up" if status is OutboxStatus.FAILED else "")


async def _release(db: Database, messages: list[OutboxMessage]) -> None:
    """Give back claimed messages that were not tried (the worker is stopping)."""
    async with db.transaction() as s:
        for m in messages:
            await enter_tenant(s, m.organization_id)
            await s.execute(
                update(OutboxMessage).where(_fenced(m))
                .values(status=OutboxStatus.PENDING, locked_until=None, attempts=m.attempts - 1)
                .execution_options(synchronize_session=False))


async def _deliver_batch(db: Database, settings: MailSettings, *, now: datetime | None, batch: int,
                         stop_event: asyncio.Event | None = None) -> tuple[int, int]:
    if not settings.configured:
        return 0, 0
    clock = (lambda: now) if now is not None else utcnow
    claimed = await _claim(db, now=clock(), batch=batch, lease=_lease(settings, batch))
    sent = 0
    for i, m in enumerate(claimed):
        if stop_event is not None and stop_event.is_set():
            await _release(db, claimed[i:])
            break
        try:
            refused = await _send(m, settings)
        except Exception as e:  # noqa: BLE001 - every failure is recorded on the message
            if isinstance(e, _SERVER_ERRORS):
                await _mark_failed(db, claimed[i:], e, now=clock())
                break
            await _mark_failed(db, [m], e, now=clock())
        else:
            await _mark_sent(db, m, now=clock(), refused=refused)
            sent += 1
            log.info("outbox message %s (%s) sent", m.id, m.kind)
    return len(claimed), sent


async def deliver_due(db: Database, mail_settings: MailSettings, *, now: datetime | None = None,
                      batch: int = 20) -> int:
    """Send up to `batch` due messages; returns how many were sent. Nothing is sent without SMTP settings."""
    return (await _deliver_batch(db, mail_settings, now=now, batch=batch))[1]


async def deliver_all_due(db: Database, mail_settings: MailSettings, *, now: datetime | None = None,
                          batch: int = 20) -> int:
    """Deliver batch after batch until nothing is due; returns how many were sent."""
    total = 0
    while True:
        claimed, sent = await _deliver_batch(db, mail_settings, now=now, batch=batch)
        total += sent
        if claimed < batch:
            return total


async def _periodic_jobs(db: Database, public_url: str | None, time_zone: str, digest_hour: int) -> None:
    """Jobs that run next to the delivery (domain/notifications/jobs.py: overdue and due-soon notifications,
    daily digests, which then go out through this outbox). Idempotent, so any number of workers may run them."""
    from domain.notifications.jobs import run_jobs
    try:
        await run_jobs(db, time_zone=time_zone, digest_hour=digest_hour,
                       **({"public_url": public_url} if public_url else {}))
    except Exception:  # the database went away, ...: log, try again next time
        log.exception("periodic jobs failed")


async def run_worker(db: Database, mail_settings: MailSettings, *, poll_seconds: float | None = None,
                     stop_event: asyncio.Event, batch: int = 20, public_url: str | None = None,
                     time_zone: str = "UTC", digest_hour: int = 7) -> None:
    """Deliver until `stop_event` is set (a send in progress finishes first); run the periodic jobs every
    JOB_INTERVAL (domain/notifications/jobs.py)."""
    from domain.notifications.jobs import JOB_INTERVAL
    poll = mail_settings.poll_seconds if poll_seconds is None else poll_seconds
    if mail_settings.configured:
        log.info("outbox worker: sending through %s:%s every %ss", mail_settings.host, mail_settings.port, poll)
    else:  # in-app notifications still come; mail waits in the outbox until SMTP is configured
        log.warning("SMTP is not configured (ADVOCASE_SMTP_HOST): mail stays in the outbox, unsent; "
                    "notification jobs still run")
    loop = asyncio.get_running_loop()
    jobs_due = loop.time()
    while not stop_event.is_set():
        if loop.time() >= jobs_due:
            await _periodic_jobs(db, public_url, time_zone, digest_hour)
            jobs_due = loop.time() + JOB_INTERVAL.total_seconds()
        claimed = 0
        try:
            if mail_settings.configured:
                claimed, _ = await _deliver_batch(db, mail_settings, now=None, batch=batch, stop_event=stop_event)
        except Exception:  # the database went away, ...: log, wait, try again
            log.exception("outbox worker: delivery failed")
        if claimed >= batch:
            continue  # more may be due
        try:
            await asyncio.wait_for(stop_event.wait(), timeout=poll)
        except TimeoutError:
            pass


async def outbox_counts(db: Database, organization_id=None) -> dict[str, int]:
    """How many messages are in each status (PENDING ones are "unsent")."""
    counts = {s.value: 0 for s in OutboxStatus}
    if organization_id is None:  # the backlog of every organization (counts only: domain.tenancy)
        async with db.reader() as s:
            counts.update(await outbox_status_counts(s))
        return counts
    q = (select(OutboxMessage.status, func.count()).where(OutboxMessage.organization_id == organization_id)
         .group_by(OutboxMessage.status))
    with tenant(organization_id):
        async with db.reader() as s:
            rows = (await s.execute(q)).all()
    counts.update({status.value: n for status, n in rows})
    return counts
