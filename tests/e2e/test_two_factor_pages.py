"""The second factor (TOTP) in real Chromium: a member turns it on from the Security page (the secret shown on the
page, codes computed with pyotp as an authenticator app would), signs in again with a code (a wrong one first),
and turns it off; an admin requires it in Settings, and a member without one lands on the Security page at
sign-in, enrolls and then works normally; too many wrong codes at sign-in are explained beside the code field.

The module runs its own server (the demo data, a fresh SQLite file): requiring a second factor and turning it on
changes the organization and demo users that the other e2e modules sign in as."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

from domain.demo import DEMO_PASSWORD
from tests.e2e.conftest import axe_violations, graphql, running_server, sign_in

ADMIN = "admin@mpu.demo.advocase.org"
MEMBER = "advocate.lowell@mpu.demo.advocase.org"        # turns it on and off herself
NEWCOMER = "advocate.springfield@mpu.demo.advocase.org"  # must enroll once the organization requires it
EARLY = "advocate.lawrence@mpu.demo.advocase.org"  # signed in before it is required


@pytest.fixture(scope="module")
def server(web_dist, tmp_path_factory) -> str:
    """Overrides the shared server: the same demo data and built web app, in a database of this module's own."""
    with running_server(tmp_path_factory, "e2e-2fa") as base:
        yield base


class Authenticator:
    """An authenticator app holding one secret. Each code works once (the server accepts one 30-second step of
    drift either side, and only steps after the last one used), so it hands out a code of a step not used yet,
    waiting for the clock when the next one is not yet acceptable."""

    def __init__(self, secret: str):
        self.totp = pyotp.TOTP(secret)
        self.last_step: int | None = None

    def code(self) -> str:
        while True:
            now = self.totp.timecode(time.time())
            for step in (now - 1, now, now + 1):  # the earliest acceptable step: later ones stay available
                if self.last_step is None or step > self.last_step:
                    self.last_step = step
                    return self.totp.generate_otp(step)
            time.sleep(1)

    def wrong_code(self) -> str:
        right = {self.totp.generate_otp(self.totp.timecode(time.time()) + d) for d in (-1, 0, 1)}
        return next(c for c in ("000000", "111111", "222222") if c not in right)


def turn_on_from_security_page(page) -> Authenticator:
    """On the Security page: the password, "Turn on", read the key shown (as one would type it into the app),
    confirm with a code from it."""
    page.get_by_label("Your password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Turn on the second factor").click()
    expect(page.get_by_role("heading", name="Set up your authenticator app")).to_be_focused()
    expect(page.get_by_role("img", name="QR code that adds Advocase to your authenticator app")).to_be_visible()
    secret = page.locator("code.secret").inner_text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), secret
    app = Authenticator(secret)
    page.get_by_label("Code from your authenticator app").fill(app.code())
    page.get_by_role("button", name="Turn on", exact=True).click()
    expect(page.get_by_role("status").get_by_text("Your second factor is on. From now on")).to_be_visible()
    return app


def test_member_turns_the_second_factor_on_signs_in_with_a_code_and_turns_it_off(page):
    sign_in(page, MEMBER)
    page.get_by_role("banner").get_by_role("link", name="Security").click()
    expect(page).to_have_url(re.compile("/account/security$"))
    expect(page.get_by_role("heading", level=1, name="Security")).to_be_visible()
    expect(page.get_by_text("Your second factor is off.")).to_be_visible()

    # turning it on: the password is asked again (a wrong one is refused beside the field, nothing starts);
    # then a wrong code is refused next to its field, the right one turns it on
    password = page.get_by_label("Your password")
    assert password.get_attribute("autocomplete") == "current-password"
    page.get_by_role("button", name="Turn on the second factor").click()
    expect(page.get_by_text("Enter your password.")).to_be_visible()
    password.fill("not my password")
    page.get_by_role("button", name="Turn on the second factor").click()
    expect(page.get_by_text("That password is not right.")).to_be_visible()
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_be_focused()
    expect(page.locator("code.secret")).to_have_count(0)
    password.fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Turn on the second factor").click()
    expect(page.get_by_role("img", name="QR code that adds Advocase to your authenticator app")).to_be_visible()
    assert axe_violations(page) == []
    secret = page.locator("code.secret").inner_text().replace(" ", "")
    app = Authenticator(secret)
    box = page.get_by_label("Code from your authenticator app")
    assert box.get_attribute("inputmode") == "numeric" and box.get_attribute("autocomplete") == "one-time-code"
    box.fill(app.wrong_code())
    page.get_by_role("button", name="Turn on", exact=True).click()
    expect(page.get_by_text("That code is not right.")).to_be_visible()
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(box).to_be_focused()
    box.fill(app.code())
    page.get_by_role("button", name="Turn on", exact=True).click()
    done = page.get_by_role("status").get_by_text("Your second factor is on. From now on")
    expect(done).to_be_visible()
    expect(done).to_be_focused()
    expect(page.get_by_text("Your second factor is on.", exact=True)).to_be_visible()
    assert graphql(page, "query { me { twoFactorEnabled } }")["me"]["twoFactorEnabled"] is True  # still signed in
    assert axe_violations(page) == []

    # signing in again: email and password, then the code (a wrong one first)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile("/sign-in"))
    page.get_by_label("Email").fill(MEMBER)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    code_box = page.get_by_label("Code from your authenticator app")
    expect(code_box).to_be_focused()
    assert code_box.get_attribute("inputmode") == "numeric"
    assert code_box.get_attribute("autocomplete") == "one-time-code"
    expect(page).to_have_url(re.compile("/sign-in"))
    code_box.fill(app.wrong_code())
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("That code is not right.")).to_be_visible()
    expect(code_box).to_have_attribute("aria-invalid", "true")
    expect(page).to_have_url(re.compile("/sign-in"))
    code_box.fill(app.code())
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()

    # turning it off needs a current code too
    page.get_by_role("banner").get_by_role("link", name="Security").click()
    expect(page.get_by_text("Your second factor is on.", exact=True)).to_be_visible()
    page.get_by_label("Code from your authenticator app").fill(app.code())
    page.get_by_role("button", name="Turn off the second factor").click()
    expect(page.get_by_role("status").get_by_text("Your second factor is off. You sign in")).to_be_visible()
    expect(page.get_by_role("button", name="Turn on the second factor")).to_be_visible()

    # and signing in needs no code any more
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile("/sign-in"))
    sign_in(page, MEMBER)
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()


def test_admin_requires_a_second_factor_and_a_member_enrolls_at_sign_in(page, browser, server):
    sign_in(page, ADMIN)
    page.goto("/admin/settings")
    switch = page.get_by_role("switch", name="Require a second factor for everyone")
    # an admin without a second factor of their own is asked to turn theirs on first
    expect(switch).not_to_be_checked()
    expect(switch).to_be_disabled()
    expect(page.get_by_text("You have not turned on your own second factor yet.")).to_be_visible()
    page.get_by_role("link", name="Open your Security page").click()
    turn_on_from_security_page(page)
    page.goto("/admin/settings")
    expect(switch).to_be_enabled()
    early_ctx = browser.new_context(base_url=server, locale="en-US", timezone_id="America/New_York")
    early_ctx.set_default_timeout(15000)
    early = early_ctx.new_page()
    sign_in(early, EARLY)
    # the dashboard fully loaded before the requirement (a query of it answered after would already be refused)
    expect(early.get_by_role("heading", name="My day", level=1)).to_be_visible()
    expect(early.get_by_text("Loading…")).to_have_count(0)
    try:
        switch.check()
        expect(page.get_by_role("status").get_by_text(
            "A second factor is now required for everyone in the organization.")).to_be_visible()
        page.reload()
        expect(switch).to_be_checked()
        assert graphql(page, "query { me { organization { requireTwoFactor } } }")["me"]["organization"] == {
            "requireTwoFactor": True}

        # a member signed in before it was required: the next page the server refuses takes them to enroll
        early.get_by_role("navigation", name="Main").get_by_role("link", name="Caseload").click()
        early.wait_for_url(re.compile("/account/security$"))
        expect(early.get_by_role("note")).to_contain_text("Your organization requires a second factor.")
        expect(early.get_by_role("navigation", name="Main")).to_have_count(0)

        # a member without one: signed in, taken to the Security page, nothing else until they enroll
        member_ctx = browser.new_context(base_url=server, locale="en-US", timezone_id="America/New_York")
        member_ctx.set_default_timeout(15000)
        try:
            member = member_ctx.new_page()
            member.goto("/sign-in?next=%2Fcases")
            member.get_by_label("Email").fill(NEWCOMER)
            member.get_by_label("Password").fill(DEMO_PASSWORD)
            member.get_by_role("button", name="Sign in").click()
            member.wait_for_url(re.compile("/account/security$"))
            expect(member.get_by_role("note")).to_contain_text("Your organization requires a second factor.")
            expect(member.get_by_role("navigation", name="Main")).to_have_count(0)
            assert axe_violations(member) == []
            member.goto("/cases")
            member.wait_for_url(re.compile("/account/security$"))

            turn_on_from_security_page(member)
            expect(member.get_by_role("note")).to_have_count(0)
            # it cannot be turned off while it is required
            expect(member.get_by_text(
                "Your organization requires a second factor, so you cannot turn it off.")).to_be_visible()
            expect(member.get_by_role("button", name="Turn off the second factor")).to_have_count(0)
            member.get_by_role("link", name="Continue to Advocase").click()
            member.wait_for_url(lambda url: "/account/security" not in url)
            nav = member.get_by_role("navigation", name="Main")
            nav.get_by_role("link", name="Caseload").click()
            member.wait_for_url(re.compile("/cases$"))
            expect(member.get_by_role("heading", level=1)).to_be_visible()
            expect(member.get_by_role("alert")).to_have_count(0)
        finally:
            member_ctx.close()
    finally:
        # leave the organization as it was for the other tests of this module
        graphql(page, "mutation { setTwoFactorRequirement(input: {required: false}) { errors { code } } }")
        early_ctx.close()

    page.reload()
    expect(switch).not_to_be_checked()
    switch.check()  # with a second factor of my own the switch works both ways
    expect(page.get_by_role("status").get_by_text("now required")).to_be_visible()
    switch.uncheck()
    expect(page.get_by_role("status").get_by_text("A second factor is no longer required.")).to_be_visible()
    assert graphql(page, "query { me { organization { requireTwoFactor } } }")["me"]["organization"] == {
        "requireTwoFactor": False}


def test_too_many_wrong_codes_at_sign_in_are_explained_beside_the_code(page):
    member = "advocate.dorchester@mpu.demo.advocase.org"
    sign_in(page, member)
    begun = graphql(page, "mutation($p: String!) { beginTwoFactorEnrollment(input: {password: $p}) "
                          "{ secret errors { code } } }", {"p": DEMO_PASSWORD})
    app = Authenticator(begun["beginTwoFactorEnrollment"]["secret"])
    confirmed = graphql(page, "mutation($c: String!) { confirmTwoFactorEnrollment(input: {code: $c}) "
                              "{ ok errors { code } } }", {"c": app.code()})["confirmTwoFactorEnrollment"]
    assert confirmed == {"ok": True, "errors": []}
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile("/sign-in"))

    page.get_by_label("Email").fill(member)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    code_box = page.get_by_label("Code from your authenticator app")
    error = page.locator(".field.invalid .error")
    # wrong codes: after the first few each further attempt must wait (2, 4, 8 ... seconds), and says how long
    limited = re.compile(r"^Too many failed attempts\. Wait (\d+) seconds?, then try again\.$")
    for _ in range(6):
        code_box.fill(app.wrong_code())
        page.get_by_role("button", name="Sign in").click()
        expect(code_box).to_have_value("")  # the answer has arrived: a refused code is cleared for the next
        expect(error).to_have_text(re.compile(r"^(That code is not right|Too many failed attempts)"))
        if limited.match(error.inner_text()):
            break
        expect(code_box).to_be_focused()
    text = error.inner_text()
    assert limited.match(text), text
    expect(code_box).to_have_attribute("aria-invalid", "true")
    expect(page).to_have_url(re.compile("/sign-in"))

    time.sleep(int(limited.match(text).group(1)) + 1)
    code_box.fill(app.code())
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
