"""Throttling failed sign-ins, per account (the email typed) and per client address; and wrong second-factor
codes of a signed-in member (turning the factor on or off), per member (scope "totp", keyed by the user id).

Every attempt is counted *before* the password is checked, in a locked row of the database, and undone only
when the sign-in succeeds: so several attempts in one request (aliases), parallel requests and several API
workers all count, and none can slip past the check. After `free` failures each further attempt must wait
2, 4, 8, ... seconds (at most 5 minutes) after the previous one; at `lockout` failures the account (or address)
is locked for the window. Failures older than the window are forgotten.

A browser recognized by its device cookie (domain/security/devices.py) is counted on its own (scope "device",
limits as an account's) instead of per account and address: a stranger failing on purpose locks the account for
unknown clients only, not for the browser its member signs in with.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import Database, new_id, utcnow
from domain.errors import DomainError, ErrorCode
from domain.security.models import LoginThrottle

MAX_DELAY_SECONDS = 300


@dataclass(frozen=True)
class ThrottlePolicy:
    free_failures: int = 3
    lockout_failures: int = 10
    address_free_failures: int = 20
    address_lockout_failures: int = 100
    window: timedelta = timedelta(minutes=15)

    @classmethod
    def of(cls, settings) -> "ThrottlePolicy":
        return cls(free_failures=settings.login_free_failures, lockout_failures=settings.login_lockout_failures,
                   address_free_failures=settings.login_address_free_failures,
                   address_lockout_failures=settings.login_address_lockout_failures,
                   window=timedelta(minutes=settings.login_lockout_minutes))

    def limits(self, scope: str) -> tuple[int, int]:
        """(free, lockout) failures of a scope: a member's codes ("totp") count like an account's sign-ins."""
        return ((self.free_failures, self.lockout_failures) if scope in ("account", "totp", "device")
                else (self.address_free_failures, self.address_lockout_failures))


def delay_after(failures: int, free: int) -> timedelta:
    """How long after the previous attempt the next one may come: 0 until `free` failures, then doubling."""
    if failures < free:
        return timedelta(0)
    return timedelta(seconds=min(2 ** (failures - free + 1), MAX_DELAY_SECONDS))


_REASONS = {  # (locked, must wait)
    "sign-in": ("Sign-in is locked after too many failed attempts", "Too many failed sign-in attempts"),
    "code": ("Second-factor codes are locked after too many wrong ones", "Too many wrong second-factor codes"),
}


def rate_limited(wait: timedelta, locked: bool, *, of: str = "sign-in") -> DomainError:
    seconds = max(1, math.ceil(wait.total_seconds()))
    when = f"{seconds} seconds" if seconds < 120 else f"{math.ceil(seconds / 60)} minutes"
    why = _REASONS[of][0 if locked else 1]
    return DomainError(ErrorCode.RATE_LIMITED, f"{why}. Try again in {when}.", None)


async def _locked_row(s: AsyncSession, scope: str, key: str) -> LoginThrottle:
    """The counter row, created if missing, locked for this unit of work (FOR UPDATE; SQLite: the write lock)."""
    stmt = select(LoginThrottle).where(LoginThrottle.scope == scope, LoginThrottle.key == key).with_for_update()
    row = await s.scalar(stmt)
    if row is None:
        dialect = s.bind.dialect.name
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        await s.execute(insert(LoginThrottle).values(id=new_id(), scope=scope, key=key, failures=0)
                        .on_conflict_do_nothing(index_elements=["scope", "key"]))
        row = await s.scalar(stmt.execution_options(populate_existing=True))
    return row


def _forget_old(row: LoginThrottle, now: datetime, window: timedelta) -> None:
    locked = row.locked_until is not None and row.locked_until > now
    if not locked and row.first_failure_at is not None and now - row.first_failure_at > window:
        row.failures, row.first_failure_at, row.locked_until = 0, None, None


def _keys(email: str, address: str | None, device: str | None) -> list[tuple[str, str]]:
    if device:
        return [("device", device[:254])]
    return [("account", (email or "").strip().lower()[:254]), ("address", (address or "unknown")[:254])]


async def reserve_attempt(db: Database, policy: ThrottlePolicy, *, email: str, address: str | None,
                          device: str | None = None) -> None:
    """Refuse (RATE_LIMITED) if the account or address (or the recognized `device`, instead of them) is locked or
    must still wait; else count this attempt as a failure until `attempt_succeeded` says otherwise."""
    await _reserve(db, policy, _keys(email, address, device), of="sign-in")


async def reserve_code_attempt(db: Database, policy: ThrottlePolicy, *, user_id: uuid.UUID) -> None:
    """Before a signed-in member's second-factor code is checked: refuse (RATE_LIMITED) if their wrong codes
    must still wait or are locked; else count this attempt as a failure until `code_attempt_succeeded`."""
    await _reserve(db, policy, [("totp", str(user_id))], of="code")


async def code_attempt_succeeded(s: AsyncSession, *, user_id: uuid.UUID) -> None:
    """A right code: the member's count starts afresh, in the caller's unit of work (with what the code allowed)."""
    _start_afresh(await _locked_row(s, "totp", str(user_id)))


def _start_afresh(row: LoginThrottle) -> None:
    row.failures, row.first_failure_at, row.last_attempt_at, row.locked_until = 0, None, None, None


async def _reserve(db: Database, policy: ThrottlePolicy, keys: list[tuple[str, str]], *, of: str) -> None:
    """Counts one attempt against every (scope, key), in its own committed unit of work, or refuses it."""
    async with db.transaction() as s:
        now = utcnow()
        rows = [(await _locked_row(s, scope, key), scope) for scope, key in keys]
        for row, scope in rows:
            _forget_old(row, now, policy.window)
            free, _ = policy.limits(scope)
            if row.locked_until is not None and row.locked_until > now:
                refusal = rate_limited(row.locked_until - now, locked=True, of=of)
                break
            wait = (row.last_attempt_at + delay_after(row.failures, free) - now) if row.last_attempt_at else None
            if row.failures >= free and wait is not None and wait > timedelta(0):
                refusal = rate_limited(wait, locked=False, of=of)
                break
        else:
            refusal = None
            for row, scope in rows:
                _, lockout = policy.limits(scope)
                row.failures += 1
                row.first_failure_at = row.first_failure_at or now
                row.last_attempt_at = now
                if row.failures >= lockout:
                    row.locked_until = now + policy.window
    if refusal is not None:  # committed: old failures forgotten; the refused attempt itself is not counted
        raise refusal


async def attempt_succeeded(db: Database, policy: ThrottlePolicy, *, email: str, address: str | None,
                            device: str | None = None) -> None:
    """A successful sign-in: the account (or the recognized device) starts afresh; the address gets its attempt
    back."""
    async with db.transaction() as s:
        if device:
            _start_afresh(await _locked_row(s, "device", device[:254]))
            return
        (_, account_key), (_, address_key) = _keys(email, address, None)
        _start_afresh(await _locked_row(s, "account", account_key))
        here = await _locked_row(s, "address", address_key)
        here.failures = max(0, here.failures - 1)
        if here.failures < policy.address_lockout_failures:
            here.locked_until = None
