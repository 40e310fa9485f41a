"""The transactional outbox against a real local SMTP server (aiosmtpd): what arrives, once, and when.

The session database is shared, so every test uses its own organization and recipient addresses and
starts by sending whatever earlier tests left due (to a throwaway server).
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import uuid
from dataclasses import replace
from datetime import date, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from api.app import create_app
from domain.config import MailSettings, Settings
from domain.db import Database, utcnow
from domain.errors import DomainError
from domain.identity.service import create_organization
from domain.outbox import worker
from domain.outbox.models import OutboxMessage, OutboxStatus
from domain.outbox.service import enqueue, messages_for
from domain.outbox.worker import deliver_all_due, deliver_due, outbox_counts
from migrations import upgrade

PASSWORD = "correct horse battery"
FAR_FUTURE = timedelta(days=3650)


# Python folds a long header before its first word ("Subject:\r\n Update ..."), so parsed values may keep
# a leading space; mail clients trim it. Compare headers .strip()ed.


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts; refuses recipients named nobody@."""

    def __init__(self):
        self.envelopes = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody@"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def to(self, tag: str) -> list:
        """(envelope, parsed message) for the messages of one test (its tag is in every address)."""
        return [(e, message_from_bytes(e.content, policy=policy.default))
                for e in self.envelopes if any(tag in r for r in e.rcpt_tos)]


class SmtpServer:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.inbox = Inbox()
        self.controller = None

    def start(self) -> "SmtpServer":
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None

    @property
    def settings(self) -> MailSettings:
        return MailSettings(host="127.0.0.1", port=self.port, starttls=False, timeout_seconds=5,
                            mail_from="Advocase <outbox@advocase.example.org>")


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
async def org(db):
    """A fresh organization, and an outbox with nothing due left by earlier tests."""
    sink = SmtpServer().start()
    try:
        await deliver_all_due(db, sink.settings, now=utcnow() + FAR_FUTURE * 2)
    finally:
        sink.stop()
    tag = uuid.uuid4().hex[:8]
    async with db.transaction() as s:
        o, _ = await create_organization(s, name=f"Outbox Parents {tag}", admin_email=f"admin-{tag}@example.org",
                                         admin_password=PASSWORD)
    return o.id, tag


def letter_context(**extra) -> dict:
    return {
        "organization_name": "Lynn Parents United", "contact_name": "Dr. Maria Lopez",
        "contact_title": "Director", "contact_office": "Office of Special Education", "level_name": "District office",
        "case_reference": "LPU-2026-0042", "issue_category": "Special education", "student_first_name": "Mateo",
        "student_grade": "7", "school_name": "Riverton High School",
        "summary": "No speech therapy since September.", "remedy_requested": "Compensatory services.",
        "sent_on": date(2026, 12, 1), "response_due_on": date(2026, 12, 15), "response_window_school_days": 10,
        "advocate_name": "Ana Advocate", "advocate_email": "ana@lpu.example.org", **extra,
    }


def notice_context(**extra) -> dict:
    return {
        "organization_name": "Lynn Parents United", "guardian_name": "Rosa Rivera", "level_name": "District office",
        "escalated_on": date(2026, 12, 1), "response_due_on": date(2026, 12, 15), "advocate_name": "Ana Advocate",
        **extra,
    }


async def queue_letter(db: Database, org_id, tag, **extra) -> OutboxMessage:
    async with db.transaction() as s:
        return await enqueue(
            s, organization_id=org_id, kind="escalation_letter", template="escalation_letter", language="en",
            to=[f"lopez-{tag}@district.example.org"], cc=[f"ana-{tag}@lpu.example.org"],
            reply_to=f"Ana Advocate <ana-{tag}@lpu.example.org>", context=letter_context(**extra),
            related_type="Escalation", related_id=uuid.uuid4())


async def queue_notice(db: Database, org_id, tag, language: str) -> OutboxMessage:
    async with db.transaction() as s:
        return await enqueue(
            s, organization_id=org_id, kind="family_notice", template="family_notice", language=language,
            to=[f"rosa-{tag}@family.example.org"], context=notice_context(student_first_name="Mateo"))


async def reload(db: Database, message_id) -> OutboxMessage | None:
    async with db.reader() as s:
        return await s.get(OutboxMessage, message_id)


async def test_rolled_back_transaction_leaves_nothing_in_the_outbox(db, org):
    org_id, tag = org
    with pytest.raises(RuntimeError):
        async with db.transaction() as s:
            m = await enqueue(s, organization_id=org_id, kind="escalation_letter", template="escalation_letter",
                              language="en", to=[f"lopez-{tag}@district.example.org"], context=letter_context(),
                              related_type="Escalation", related_id=uuid.uuid4())
            await s.flush()
            raise RuntimeError("the escalation failed")
    assert await reload(db, m.id) is None
    assert (await outbox_counts(db, org_id)) == {"PENDING": 0, "SENDING": 0, "SENT": 0, "FAILED": 0}


async def test_committed_letter_is_sent_once_with_text_and_html(db, org, smtp):
    org_id, tag = org
    m = await queue_letter(db, org_id, tag, summary='Told to "stay home" <script>alert(1)</script>')
    assert (await reload(db, m.id)).status is OutboxStatus.PENDING
    assert await deliver_due(db, smtp.settings) == 1
    [(envelope, mail)] = smtp.inbox.to(tag)
    assert sorted(envelope.rcpt_tos) == sorted([f"lopez-{tag}@district.example.org", f"ana-{tag}@lpu.example.org"])
    assert envelope.mail_from == "outbox@advocase.example.org"
    assert mail["To"] == f"lopez-{tag}@district.example.org" and mail["Cc"] == f"ana-{tag}@lpu.example.org"
    assert mail["From"] == "Ana Advocate via Advocase <outbox@advocase.example.org>"
    assert mail["Reply-To"] == f"Ana Advocate <ana-{tag}@lpu.example.org>"
    assert mail["Subject"].strip() == ("Special education concern, case LPU-2026-0042: response requested by "
                               "Tuesday, December 15, 2026 (Lynn Parents United)")
    assert mail["Message-ID"] == f"<outbox-{m.id}@advocase.example.org>"
    assert mail.get_content_type() == "multipart/alternative"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "Dear Dr. Maria Lopez," in text and "Mateo, a student in grade 7 at Riverton High School" in text
    assert '<script>alert(1)</script>' in text  # plain text as written
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;stay home&#34;" in html or "&quot;stay home&quot;" in html

    sent = await reload(db, m.id)
    assert sent.status is OutboxStatus.SENT and sent.sent_at is not None and sent.attempts == 1
    assert sent.locked_until is None and sent.last_error is None
    # nothing more, now or much later
    assert await deliver_due(db, smtp.settings) == 0
    assert await deliver_due(db, smtp.settings, now=utcnow() + FAR_FUTURE) == 0
    assert len(smtp.inbox.to(tag)) == 1
    async with db.reader() as s:
        [listed] = await messages_for(s, organization_id=org_id, related_type="Escalation", related_id=m.related_id)
    assert listed.id == m.id and listed.status is OutboxStatus.SENT


async def test_family_notice_in_spanish_and_english_fallback(db, org, smtp):
    org_id, tag = org
    es = await queue_notice(db, org_id, tag, "es")
    ht = await queue_notice(db, org_id, tag, "ht")
    assert (es.language, ht.language) == ("es", "en")
    assert await deliver_due(db, smtp.settings) == 2
    by_id = {mail["Message-ID"]: mail for _, mail in smtp.inbox.to(tag)}
    spanish = by_id[f"<outbox-{es.id}@advocase.example.org>"]
    english = by_id[f"<outbox-{ht.id}@advocase.example.org>"]
    assert spanish["Subject"].strip().startswith("Novedades de su caso: nos comunicamos con la oficina del distrito")
    assert spanish["Content-Language"] == "es" and spanish["Cc"] is None
    assert "el martes 1 de diciembre de 2026 presentamos el caso de Mateo ante la oficina del distrito" in \
        spanish.get_body(("plain",)).get_content()
    assert "a más tardar el <strong>martes 15 de diciembre de 2026</strong>" in spanish.get_body(("html",)).get_content()
    assert english["Subject"].strip().startswith("Update on your case: we contacted the district office")
    assert "Your advocate, Ana Advocate, will follow up" in english.get_body(("plain",)).get_content()


async def test_server_down_then_back_retries_with_backoff(db, org):
    org_id, tag = org
    down = SmtpServer()  # nothing listens on its port yet
    m = await queue_letter(db, org_id, tag)
    t0 = utcnow()
    assert await deliver_due(db, down.settings, now=t0) == 0
    failed = await reload(db, m.id)
    assert failed.status is OutboxStatus.PENDING and failed.attempts == 1
    assert failed.next_attempt_at == t0 + worker.backoff(1) and failed.next_attempt_at > utcnow()
    assert failed.last_error and "SMTPConnectError" in failed.last_error and failed.locked_until is None

    down.start()
    try:
        assert await deliver_due(db, down.settings, now=t0 + timedelta(seconds=30)) == 0  # not due yet
        assert down.inbox.to(tag) == []
        assert await deliver_due(db, down.settings, now=t0 + worker.backoff(1)) == 1
        assert len(down.inbox.to(tag)) == 1
        sent = await reload(db, m.id)
        assert sent.status is OutboxStatus.SENT and sent.attempts == 2
        assert await deliver_due(db, down.settings, now=t0 + FAR_FUTURE) == 0
        assert len(down.inbox.to(tag)) == 1
    finally:
        down.stop()


async def test_backoff_grows_and_gives_up(db, org):
    org_id, tag = org
    assert [worker.backoff(n) for n in (1, 2, 3)] == [timedelta(minutes=1), timedelta(minutes=2),
                                                       timedelta(minutes=4)]
    assert worker.backoff(30) == worker.BACKOFF_CAP
    down = SmtpServer()
    m = await queue_letter(db, org_id, tag)
    now = utcnow()
    for attempt in range(1, worker.MAX_ATTEMPTS + 1):
        await deliver_due(db, down.settings, now=now)
        row = await reload(db, m.id)
        assert row.attempts == attempt
        now = row.next_attempt_at
    assert row.status is OutboxStatus.FAILED
    assert await deliver_due(db, down.settings, now=now + FAR_FUTURE) == 0
    assert (await reload(db, m.id)).attempts == worker.MAX_ATTEMPTS


async def test_refused_recipient(db, org, smtp):
    org_id, tag = org
    async with db.transaction() as s:
        nobody = await enqueue(s, organization_id=org_id, kind="family_notice", template="family_notice",
                               language="en", to=[f"nobody@{tag}.example.org"], context=notice_context())
        partly = await enqueue(s, organization_id=org_id, kind="family_notice", template="family_notice",
                               language="en", to=[f"rosa-{tag}@family.example.org"],
                               cc=[f"nobody@{tag}.example.org"], context=notice_context())
    assert await deliver_due(db, smtp.settings) == 1
    refused = await reload(db, nobody.id)  # permanent: no retry
    assert refused.status is OutboxStatus.FAILED and refused.attempts == 1 and "550" in refused.last_error
    half = await reload(db, partly.id)  # the family got it; the refusal is noted
    assert half.status is OutboxStatus.SENT and "nobody@" in half.last_error
    assert [e.rcpt_tos for e, _ in smtp.inbox.to(tag)] == [[f"rosa-{tag}@family.example.org"]]


class Crash(BaseException):
    """The process dies (not an exception the worker handles)."""


async def test_crash_after_claim_is_sent_once_after_the_claim_expires(db, org, smtp, monkeypatch):
    org_id, tag = org
    m = await queue_letter(db, org_id, tag)

    async def crash(message, settings):
        raise Crash()
    monkeypatch.setattr(worker, "_send", crash)
    t0 = utcnow()
    with pytest.raises(Crash):
        await deliver_due(db, smtp.settings, now=t0)
    claimed = await reload(db, m.id)
    assert claimed.status is OutboxStatus.SENDING and claimed.locked_until > t0 and claimed.attempts == 1
    monkeypatch.undo()

    assert await deliver_due(db, smtp.settings, now=t0 + timedelta(seconds=1)) == 0  # still claimed
    assert smtp.inbox.to(tag) == []
    assert await deliver_due(db, smtp.settings, now=claimed.locked_until + timedelta(seconds=1)) == 1
    assert len(smtp.inbox.to(tag)) == 1
    row = await reload(db, m.id)
    assert row.status is OutboxStatus.SENT and row.attempts == 2
    assert await deliver_due(db, smtp.settings, now=t0 + FAR_FUTURE) == 0
    assert len(smtp.inbox.to(tag)) == 1


async def test_crash_between_smtp_and_commit_resends_with_the_same_message_id(db, org, smtp, monkeypatch):
    """The one window SMTP leaves open: the receiver can drop the copy by its Message-ID."""
    org_id, tag = org
    m = await queue_letter(db, org_id, tag)

    async def crash(*args, **kwargs):
        raise Crash()
    monkeypatch.setattr(worker, "_mark_sent", crash)
    t0 = utcnow()
    with pytest.raises(Crash):
        await deliver_due(db, smtp.settings, now=t0)
    monkeypatch.undo()
    lease_over = (await reload(db, m.id)).locked_until + timedelta(seconds=1)
    assert await deliver_due(db, smtp.settings, now=lease_over) == 1
    ids = [mail["Message-ID"] for _, mail in smtp.inbox.to(tag)]
    assert ids == [f"<outbox-{m.id}@advocase.example.org>"] * 2


async def test_concurrent_workers_send_each_message_once(db, org, smtp):
    org_id, tag = org
    ids = [(await queue_notice(db, org_id, tag, "en")).id for _ in range(7)]
    results = await asyncio.gather(*(deliver_due(db, smtp.settings, batch=2) for _ in range(4)))
    assert sum(results) == 7  # 4 workers x 2 claims >= 7 messages, none twice
    assert sorted(mail["Message-ID"] for _, mail in smtp.inbox.to(tag)) == \
        sorted(f"<outbox-{i}@advocase.example.org>" for i in ids)


async def test_without_smtp_mail_stays_unsent(db, org):
    org_id, tag = org
    m = await queue_letter(db, org_id, tag)
    assert not MailSettings().configured
    assert await deliver_due(db, MailSettings(), now=utcnow() + FAR_FUTURE) == 0
    row = await reload(db, m.id)
    assert row.status is OutboxStatus.PENDING and row.attempts == 0 and row.last_error is None
    assert (await outbox_counts(db, org_id))["PENDING"] == 1


async def test_bad_addresses_are_validation_errors(db, org):
    org_id, tag = org
    for to, cc, field in (([], [], "to"), (["not an address"], [], "to"), (["a@b.org\r\nBcc: x@y.org"], [], "to"),
                          (["a@b.org"], ["<x@y.org>"], "cc")):
        with pytest.raises(DomainError) as e:
            async with db.transaction() as s:
                await enqueue(s, organization_id=org_id, kind="family_notice", template="family_notice",
                              language="en", to=to, cc=cc, context=notice_context())
        assert e.value.field == field
    async with db.transaction() as s:  # cc that repeats a to is dropped
        m = await enqueue(s, organization_id=org_id, kind="family_notice", template="family_notice", language="en",
                          to=[f"rosa-{tag}@family.example.org"], cc=[f"ROSA-{tag}@family.example.org"],
                          context=notice_context())
    assert m.cc_addrs == []


async def test_serve_sends_in_the_background_and_stops_cleanly(db, db_url, org, smtp):
    org_id, tag = org
    settings = Settings.from_env({}, database_url=db_url, env="test",
                                 mail=replace(smtp.settings, poll_seconds=0.05), inprocess_worker=True)
    assert settings.run_inprocess_worker
    app = create_app(settings, db=db)
    async with app.router.lifespan_context(app):
        m = await queue_letter(db, org_id, tag)
        for _ in range(200):
            if smtp.inbox.to(tag):
                break
            await asyncio.sleep(0.05)
    assert len(smtp.inbox.to(tag)) == 1
    assert (await reload(db, m.id)).status is OutboxStatus.SENT
    tasks = [t for t in asyncio.all_tasks() if t.get_name() == "advocase-outbox-worker"]
    assert tasks == []


def test_inprocess_worker_defaults():
    smtp = {"ADVOCASE_SMTP_HOST": "mail.example.org"}
    assert Settings.from_env(smtp).run_inprocess_worker  # SQLite default
    assert Settings.from_env({}).run_inprocess_worker  # no SMTP: the notification jobs still run
    pg = {**smtp, "ADVOCASE_DATABASE_URL": "postgresql+psycopg://u@h/db"}
    assert not Settings.from_env(pg).run_inprocess_worker
    assert Settings.from_env({**pg, "ADVOCASE_INPROCESS_WORKER": "1"}).run_inprocess_worker
    assert not Settings.from_env({**smtp, "ADVOCASE_INPROCESS_WORKER": "off"}).run_inprocess_worker
    m = Settings.from_env({**smtp, "ADVOCASE_SMTP_STARTTLS": "on", "ADVOCASE_SMTP_USERNAME": "u",
                           "ADVOCASE_SMTP_PASSWORD": "p", "ADVOCASE_MAIL_FROM": "LPU <mail@lpu.org>"}).mail
    assert (m.host, m.port, m.starttls, m.tls, m.username, m.mail_from) == \
        ("mail.example.org", 587, True, False, "u", "LPU <mail@lpu.org>")
    assert Settings.from_env({**smtp, "ADVOCASE_SMTP_TLS": "1"}).mail.port == 465
    assert Settings.from_env(smtp).mail.port == 25 and Settings.from_env(smtp).mail.starttls is None
    with pytest.raises(ValueError, match="ADVOCASE_MAIL_FROM"):
        Settings.from_env({**smtp, "ADVOCASE_ENV": "production", "ADVOCASE_SECRET_KEY": "x" * 40}).validate()


BIN = Path(sys.executable).parent / "advocase"


async def test_worker_command(tmp_path, smtp):
    url = f"sqlite+aiosqlite:///{tmp_path / 'worker.sqlite3'}"
    upgrade(url)
    db = Database(url)
    try:
        async with db.transaction() as s:
            o, _ = await create_organization(s, name="Worker Parents", admin_email="admin@example.org",
                                             admin_password=PASSWORD)
        m = await queue_letter(db, o.id, "cli")
    finally:
        await db.dispose()
    env = {**os.environ, "ADVOCASE_DATABASE_URL": url}
    for k in [k for k in env if k.startswith("ADVOCASE_SMTP_")]:
        del env[k]
    unconfigured = subprocess.run([str(BIN), "worker", "--once"], env=env, capture_output=True, text=True,
                                  timeout=60)
    # without SMTP the notification jobs run and the mail stays queued, said so
    assert unconfigured.returncode == 0 and "SMTP is not configured" in unconfigured.stderr
    assert unconfigured.stdout.strip().splitlines()[-1] == "sent 0; unsent 1, failed 0"
    assert not smtp.inbox.to("cli")
    env.update(ADVOCASE_SMTP_HOST="127.0.0.1", ADVOCASE_SMTP_PORT=str(smtp.port), ADVOCASE_SMTP_STARTTLS="off",
               ADVOCASE_MAIL_FROM="LPU <mail@lpu.example.org>")
    done = subprocess.run([str(BIN), "worker", "--once"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "sent 1; unsent 0, failed 0"
    [(_, mail)] = smtp.inbox.to("cli")
    assert mail["Message-ID"] == f"<outbox-{m.id}@lpu.example.org>"
    assert mail["From"] == "Ana Advocate via LPU <mail@lpu.example.org>"


async def test_secret_links_are_redacted_once_sent_or_given_up(db, org, smtp):
    """Invitation and password-reset links are secrets: the recipient gets a working link, but once the message
    is sent (or refused for good) the stored body keeps "[redacted]" in its place; other mail is kept as is.
    The tokens themselves are stored only as digests."""
    import re

    from domain.identity import users
    from domain.identity.models import UserToken
    from domain.identity.service import login, resolve_actor, token_digest

    org_id, tag = org
    admin_email = f"admin-{tag}@example.org"
    session = await login(db, email=admin_email, password=PASSWORD, ttl=timedelta(hours=1))
    admin = await resolve_actor(db, session.token, idle=timedelta(hours=1))
    for email in (f"rosa-{tag}@example.org", f"nobody@{tag}.example.org"):  # the server refuses nobody@
        await users.invite_user(db, admin, email=email, display_name="Rosa", roles=["advocate"], chapter_ids=None,
                                language="en", public_url="http://testserver", ttl=timedelta(days=7))
    await users.request_password_reset(db, email=admin_email, public_url="http://testserver",
                                       ttl=timedelta(minutes=30))
    letter = await queue_letter(db, org_id, tag, summary="See https://example.org/form?token=not-a-secret")
    link = re.compile(r"token=([A-Za-z0-9_\-]{20,})")

    async def secret_mails() -> dict[str, OutboxMessage]:
        async with db.reader() as s:
            rows = await s.scalars(select(OutboxMessage).where(
                OutboxMessage.organization_id == org_id,
                OutboxMessage.kind.in_(["user_invitation", "password_reset"])))
            return {m.to_addrs[0]: m for m in rows}

    queued = await secret_mails()
    assert len(queued) == 3
    tokens = {to: link.search(m.body_text).group(1) for to, m in queued.items()}
    assert all(link.search(m.body_html).group(1) == tokens[to] for to, m in queued.items())  # pending: intact
    async with db.reader() as s:  # only digests are stored
        stored = set(await s.scalars(select(UserToken.token_hash).where(UserToken.organization_id == org_id)))
    assert {token_digest(t) for t in tokens.values()} <= stored and not set(tokens.values()) & stored

    assert await deliver_due(db, smtp.settings) == 3  # sent: the letter, the reset, one invitation
    delivered = {e.rcpt_tos[0]: mail for e, mail in smtp.inbox.to(tag)}
    assert tokens[admin_email] in delivered[admin_email].get_body(("plain",)).get_content()  # a working link
    assert tokens[f"rosa-{tag}@example.org"] in delivered[f"rosa-{tag}@example.org"].get_body(("html",)).get_content()

    after = await secret_mails()
    assert after[admin_email].status is OutboxStatus.SENT
    assert after[f"nobody@{tag}.example.org"].status is OutboxStatus.FAILED  # refused for good: redacted too
    for to, m in after.items():
        for body in (m.body_text, m.body_html):
            assert tokens[to] not in body and "token=[redacted]" in body
            assert not link.search(body)
    kept = await reload(db, letter.id)  # other mail is kept as sent
    assert kept.status is OutboxStatus.SENT and "token=not-a-secret" in kept.body_text

    # the link in the recipient's mailbox still works (the secret only left the database)
    await users.reset_password(db, token=tokens[admin_email], new_password="a brand new passphrase")
    assert (await login(db, email=admin_email, password="a brand new passphrase", ttl=timedelta(hours=1))).token
