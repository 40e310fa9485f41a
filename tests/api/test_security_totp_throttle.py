"""Wrong second-factor codes of a signed-in member (disableTwoFactor, confirmTwoFactorEnrollment) are throttled
per member, like failed sign-ins: a stolen session cannot guess its way to turning the second factor off."""

from __future__ import annotations

import asyncio
import time

import pyotp
from sqlalchemy import select

from domain.identity.models import User
from domain.security.models import LoginThrottle
from tests.conftest import PASSWORD
from tests.api.test_security_login import (BEGIN, CONFIRM, DISABLE, ME, REQUIRE, Caller, code_of, make_caller,
                                           shift_back)

LIMITS = dict(login_free_failures=3, login_lockout_failures=6)


def valid_codes(secret: str) -> set[str]:
    """Every code accepted right now (one step of drift either way)."""
    totp = pyotp.TOTP(secret)
    return {totp.at(time.time() + d) for d in (-30, 0, 30)}


def wrong_code(secret: str, i: int = 0) -> str:
    """A well-formed 6-digit code that is certainly not right now."""
    valid = valid_codes(secret)
    n = i
    while f"{n:06d}" in valid:
        n += 1000
    return f"{n:06d}"


def next_code(secret: str) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30)


async def data(c: Caller, query: str, variables: dict | None, token: str, field: str) -> dict:
    body = await c.gql(query, variables, token)
    assert "errors" not in body, body
    return body["data"][field]


async def disable(c: Caller, token: str, code: str) -> dict:
    return await data(c, DISABLE, {"i": {"code": code}}, token, "disableTwoFactor")


async def confirm(c: Caller, token: str, code: str) -> dict:
    return await data(c, CONFIRM, {"i": {"code": code}}, token, "confirmTwoFactorEnrollment")


async def begin(c: Caller, token: str) -> str:
    begun = await data(c, BEGIN, {"i": {"password": PASSWORD}}, token, "beginTwoFactorEnrollment")
    assert begun["errors"] == [], begun
    return begun["secret"]


async def enroll(c: Caller, token: str) -> tuple[str, str]:
    """Second factor on, straight away: (secret, the new session token)."""
    secret = await begin(c, token)
    done = await confirm(c, token, pyotp.TOTP(secret).now())
    assert done["ok"] is True and done["token"], done
    return secret, done["token"]


async def two_factor_on(db, user_id) -> bool:
    async with db.reader() as s:
        user = await s.get(User, user_id)
        return user.totp_enabled_at is not None and user.totp_secret is not None


async def failures(db, user_id) -> int | None:
    async with db.reader() as s:
        row = await s.scalar(select(LoginThrottle).where(LoginThrottle.scope == "totp",
                                                         LoginThrottle.key == str(user_id)))
        return None if row is None else row.failures


async def test_wrong_codes_to_turn_it_off_meet_growing_delays_then_a_lockout(db, app_db, settings, world):
    user_id, key = world.users["viewer"], str(world.users["viewer"])
    async with make_caller(app_db, settings, **LIMITS) as client:
        c = Caller(client)
        secret, token = await enroll(c, world.tokens["viewer"])
        for i in range(3):
            wrong = await disable(c, token, wrong_code(secret, i))
            assert wrong["ok"] is False and wrong["errors"][0]["code"] == "VALIDATION"
        refused = await disable(c, token, wrong_code(secret, 3))
        assert refused["ok"] is False and code_of(refused) == "RATE_LIMITED"
        assert "Try again in 2 seconds" in refused["errors"][0]["message"]
        # the right code does not get through while it must wait, and changes nothing
        right = await disable(c, token, next_code(secret))
        assert right["ok"] is False and code_of(right) == "RATE_LIMITED"
        assert await two_factor_on(db, user_id) and await failures(db, user_id) == 3
        await shift_back(db, 2, "totp", key)
        assert code_of(await disable(c, token, wrong_code(secret, 4))) == "VALIDATION"  # 4th failure
        assert "Try again in 4 seconds" in (await disable(c, token, next_code(secret)))["errors"][0]["message"]
        await shift_back(db, 4, "totp", key)
        assert code_of(await disable(c, token, wrong_code(secret, 5))) == "VALIDATION"  # 5th
        await shift_back(db, 8, "totp", key)
        assert code_of(await disable(c, token, wrong_code(secret, 6))) == "VALIDATION"  # 6th: locked
        await shift_back(db, 300, "totp", key)  # past any delay, not past the lock
        locked = await disable(c, token, next_code(secret))
        assert code_of(locked) == "RATE_LIMITED" and "locked" in locked["errors"][0]["message"]
        assert "10 minutes" in locked["errors"][0]["message"]
        me = await data(c, ME, None, token, "me")
        assert me["twoFactorEnabled"] is True and await two_factor_on(db, user_id)
        await shift_back(db, 15 * 60, "totp", key)  # the lock is over
        assert await disable(c, token, next_code(secret)) == {"ok": True, "errors": []}
        assert not await two_factor_on(db, user_id) and await failures(db, user_id) == 0


async def test_aliases_in_one_request_count_each_code(db, app_db, settings, world):
    user_id = world.users["advocate"]
    async with make_caller(app_db, settings, **LIMITS) as client:
        c = Caller(client)
        secret, token = await enroll(c, world.tokens["advocate"])
        guesses = " ".join(f'g{i}: disableTwoFactor(input: {{code: "{wrong_code(secret, i)}"}}) '
                           f'{{ ok errors {{ code }} }}' for i in range(6))
        right = f'right: disableTwoFactor(input: {{code: "{next_code(secret)}"}}) {{ ok errors {{ code }} }}'
        body = await c.gql(f"mutation {{ {guesses} {right} }}", token=token)
    got = [body["data"][f"g{i}"]["errors"][0]["code"] for i in range(6)]
    assert got == ["VALIDATION"] * 3 + ["RATE_LIMITED"] * 3
    assert body["data"]["right"] == {"ok": False, "errors": [{"code": "RATE_LIMITED"}]}
    assert await two_factor_on(db, user_id)


async def test_parallel_requests_count_each_code(db, app_db, settings, world):
    user_id = world.users["campaign_lead"]
    async with make_caller(app_db, settings, **LIMITS) as client:
        c = Caller(client)
        secret, token = await enroll(c, world.tokens["campaign_lead"])
        results = await asyncio.gather(*[disable(c, token, wrong_code(secret, i)) for i in range(8)])
    assert sorted(code_of(r) for r in results) == ["RATE_LIMITED"] * 5 + ["VALIDATION"] * 3
    assert await two_factor_on(db, user_id)


async def test_a_right_code_before_the_limit_works_and_starts_the_count_afresh(db, app_db, settings, world):
    user_id = world.users["advocate_south"]
    async with make_caller(app_db, settings, **LIMITS) as client:
        c = Caller(client)
        secret, token = await enroll(c, world.tokens["advocate_south"])
        for i in range(2):
            assert code_of(await disable(c, token, wrong_code(secret, i))) == "VALIDATION"
        assert await disable(c, token, next_code(secret)) == {"ok": True, "errors": []}
        assert not await two_factor_on(db, user_id) and await failures(db, user_id) == 0
        # enrolling again: three free wrong codes once more (not one), then the wait
        secret = await begin(c, token)
        for i in range(3):
            assert code_of(await confirm(c, token, wrong_code(secret, i))) == "VALIDATION"
        assert code_of(await confirm(c, token, wrong_code(secret, 3))) == "RATE_LIMITED"


async def test_wrong_codes_to_turn_it_on_are_throttled_too(db, app_db, settings, world):
    user_id = world.users["viewer"]
    async with make_caller(app_db, settings, **LIMITS) as client:
        c = Caller(client)
        token = world.tokens["viewer"]
        secret = await begin(c, token)
        for i in range(3):
            assert code_of(await confirm(c, token, wrong_code(secret, i))) == "VALIDATION"
        refused = await confirm(c, token, pyotp.TOTP(secret).now())
        assert refused == {"ok": False, "token": None, "errors": [
            {"code": "RATE_LIMITED", "field": None,
             "message": "Too many wrong second-factor codes. Try again in 2 seconds."}]}
        assert (await data(c, ME, None, token, "me"))["twoFactorEnabled"] is False  # same session, still off
        await shift_back(db, 2, "totp", str(user_id))
        done = await confirm(c, token, pyotp.TOTP(secret).now())
        assert done["ok"] is True and done["errors"] == [] and await two_factor_on(db, user_id)
        assert await failures(db, user_id) == 0


async def test_refusals_that_need_no_code_use_up_no_attempt(db, app_db, settings, world):
    user_id = world.users["advocate"]
    async with make_caller(app_db, settings, **LIMITS) as client:
        c = Caller(client)
        token = world.tokens["advocate"]
        for _ in range(5):  # nothing to turn off; nothing to confirm
            assert code_of(await disable(c, token, "123456")) == "CONFLICT"
            assert code_of(await confirm(c, token, "123456")) == "VALIDATION"
        assert await failures(db, user_id) is None
        secret, token = await enroll(c, token)
        required = await data(c, REQUIRE, {"i": {"required": True}}, world.tokens["admin"],
                              "setTwoFactorRequirement")
        assert required["errors"] == []
        for _ in range(5):
            assert code_of(await disable(c, token, next_code(secret))) == "FORBIDDEN"
        assert await failures(db, user_id) == 0 and await two_factor_on(db, user_id)
