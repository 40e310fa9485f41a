"""Password resets in real Chromium, with the mail delivered by the server's own outbox worker to a real local SMTP
server (aiosmtpd): "Forgot your password?" on the sign-in page answers the same for any address and mails the
member a link that opens /reset-password; an admin sends a member a reset link from the Users page; an invitation
mailed in Spanish opens /accept-invite in Spanish, and accepting it signs the invitee in. Both pages are pages of
the web app (axe-checked), reached signed out.

This module runs its own server (the demo data, a fresh SQLite file) with SMTP configured and its public URL set
to itself, so that mailed links point at it."""

from __future__ import annotations

import re
import time
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect

from tests.e2e.conftest import ADVOCATE, _free_port, axe_violations, graphql, running_server, sign_in

ADMIN = "admin@mpu.demo.advocase.org"
VIEWER = "viewer@mpu.demo.advocase.org"
LINK_RE = re.compile(r"https?://\S+/reset-password\?token=[A-Za-z0-9_\-%]+")
INVITE_RE = re.compile(r"https?://\S+/accept-invite\?token=[A-Za-z0-9_\-%]+&lang=[a-z-]+")
NEW_PASSWORD = "a brand new passphrase for e2e"


class Inbox:
    """Keeps every message the server sends (aiosmtpd handler)."""

    def __init__(self):
        self.messages: list[tuple[list[str], object]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default)))
        return "250 Message accepted for delivery"

    def resets(self, address: str, pattern: re.Pattern = LINK_RE) -> list[str]:
        """The reset links (or others: `pattern`) mailed to `address` (other mail, such as the digest, aside)."""
        links = []
        for rcpt, m in self.messages:
            match = pattern.search(m.get_body(preferencelist=("plain",)).get_content())
            if address in rcpt and match:
                links.append(match.group(0))
        return links

    def wait_for_reset(self, address: str, timeout: float = 30, pattern: re.Pattern = LINK_RE) -> str:
        deadline = time.monotonic() + timeout
        while not self.resets(address, pattern):
            assert time.monotonic() < deadline, f"no link mailed to {address} within {timeout}s"
            time.sleep(0.2)
        [link] = self.resets(address, pattern)
        return link


@pytest.fixture(scope="module")
def inbox():
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield box, controller.port
    controller.stop()


@pytest.fixture(scope="module")
def server(web_dist, inbox, tmp_path_factory) -> str:
    """Overrides the shared server: the same (demo data, built web app), plus SMTP delivery to `inbox`."""
    _, smtp_port = inbox
    port = _free_port()
    with running_server(tmp_path_factory, "e2e-reset", port=port, extra_env={
            "ADVOCASE_SMTP_HOST": "127.0.0.1", "ADVOCASE_SMTP_PORT": str(smtp_port), "ADVOCASE_SMTP_STARTTLS": "false",
            "ADVOCASE_WORKER_POLL_SECONDS": "0.5", "ADVOCASE_PUBLIC_URL": f"http://127.0.0.1:{port}",
            "ADVOCASE_MAIL_FROM": "Advocase <outbox@advocase.example.org>"}) as base:
        yield base


def _ask_for_a_link(page, email: str) -> str:
    """Opens "Forgot your password?", asks for a link for `email`; returns the confirmation shown."""
    page.get_by_role("button", name="Forgot your password?").click()
    panel = page.get_by_role("region", name="Reset your password")
    box = panel.get_by_label("Email")
    expect(box).to_be_focused()  # focus moves into the small form
    box.fill(email)
    panel.get_by_role("button", name="Send me a reset link").click()
    confirmation = panel.get_by_role("status").get_by_text(re.compile("^If an account uses this address"))
    expect(confirmation).to_be_focused()  # and then onto the confirmation (announced: role=status)
    return confirmation.inner_text()


def test_forgot_password_answers_the_same_and_mails_a_working_link(page, server, inbox):
    box, _ = inbox
    page.goto("/sign-in")
    # the email typed for signing in is carried over; a malformed one is refused beside the field, nothing sent
    page.get_by_label("Email").fill("not an address")
    page.get_by_role("button", name="Forgot your password?").click()
    panel = page.get_by_role("region", name="Reset your password")
    expect(panel.get_by_label("Email")).to_have_value("not an address")
    panel.get_by_role("button", name="Send me a reset link").click()
    expect(panel.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
    panel.get_by_text("Enter an email address such as name@example.org.").wait_for()
    assert axe_violations(page) == []
    panel.get_by_role("button", name="Back to sign in").click()
    expect(page.get_by_role("button", name="Forgot your password?")).to_be_focused()

    unknown = _ask_for_a_link(page, "nobody.here@example.org")
    assert unknown == ("If an account uses this address, we have sent a link to reset the password. "
                       "It is valid for 60 minutes.")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Back to sign in").click()
    known = _ask_for_a_link(page, ADVOCATE.upper())
    assert known == unknown  # nothing tells whether the account exists

    link = box.wait_for_reset(ADVOCATE)
    assert not [rcpt for rcpt, _ in box.messages if "nobody.here@example.org" in rcpt]
    assert link.startswith(f"{server}/reset-password?token=")
    page.goto(link)
    page.get_by_role("heading", name="Choose a new password").wait_for()
    assert "token=" not in page.url  # out of the address bar and this tab's history
    assert axe_violations(page) == []
    page.get_by_label("New password").fill("too short")  # the rule is told beside the field, nothing is sent
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_label("New password")).to_have_attribute("aria-invalid", "true")
    page.get_by_text("Choose a password of at least 10 characters.").wait_for()
    assert axe_violations(page) == []
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    page.wait_for_url("**/sign-in")
    page.get_by_role("status").get_by_text("Your password is changed. Sign in with it.").wait_for()

    # the link works once: used again, the page says so in plain words
    page.goto(link)
    page.get_by_label("New password").fill("yet another new passphrase")
    page.get_by_role("button", name="Set password").click()
    page.get_by_role("alert").get_by_text(re.compile("^This reset link does not work any more")).wait_for()
    assert axe_violations(page) == []
    sign_in(page, ADVOCATE, NEW_PASSWORD)
    assert "/sign-in" not in page.url


def test_spanish_sign_in_page_offers_the_reset_in_spanish(page, server):
    page.goto("/sign-in")
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="¿Olvidó su contraseña?").click()
    panel = page.get_by_role("region", name="Restablecer la contraseña")
    panel.get_by_label("Correo electrónico").fill("nadie@example.org")
    panel.get_by_role("button", name="Enviarme un enlace").click()
    panel.get_by_text("Si alguna cuenta usa esta dirección, le hemos enviado un enlace para restablecer la "
                      "contraseña. Es válido durante 60 minutos.").wait_for()


def test_admin_sends_a_member_a_reset_link(page, server, inbox):
    box, _ = inbox
    sign_in(page, ADMIN)
    page.goto("/admin/users")
    page.get_by_role("heading", name="Users and invitations", level=1).wait_for()
    row = page.get_by_role("row").filter(has_text=VIEWER)
    row.get_by_role("button", name=re.compile("Manage")).click()
    manage = page.get_by_role("region", name=re.compile("Manage Helen O'Connor"))
    manage.get_by_role("button", name="Send password reset link").click()
    manage.get_by_role("status").get_by_text(
        re.compile(rf"^A password reset link was sent to {re.escape(VIEWER)}\. It works once, until .+\.$")).wait_for()
    assert axe_violations(page) == []

    link = box.wait_for_reset(VIEWER)
    assert link.startswith(f"{server}/reset-password?token=")
    # the member opens it in their own browser (no admin session) and chooses a password
    member = page.context.browser.new_context(base_url=server)
    try:
        tab = member.new_page()
        tab.goto(link)
        tab.get_by_role("heading", name="Choose a new password").wait_for()
        tab.get_by_label("New password").fill(NEW_PASSWORD)
        tab.get_by_role("button", name="Set password").click()
        tab.get_by_text("Your password is changed. Sign in with it.").wait_for()
        sign_in(tab, VIEWER, NEW_PASSWORD)
    finally:
        member.close()


def test_an_invitation_mailed_in_spanish_opens_in_spanish_and_signs_the_invitee_in(page, server, inbox):
    box, _ = inbox
    email = "rosa.invitada@example.org"
    sign_in(page, ADMIN)
    invited = graphql(page, """mutation($i: InviteUserInput!) {
        inviteUser(input: $i) { member { status } errors { code message field } } }""",
                      {"i": {"email": email, "roles": ["viewer"], "language": "es"}})["inviteUser"]
    assert invited == {"member": {"status": "INVITED"}, "errors": []}
    link = box.wait_for_reset(email, pattern=INVITE_RE)
    assert link.startswith(f"{server}/accept-invite?token=") and link.endswith("&lang=es")

    # the invitee opens it in their own browser, set to English: the page follows the mail's language
    invitee = page.context.browser.new_context(base_url=server, locale="en-US")
    try:
        tab = invitee.new_page()
        tab.goto("/accept-invite")  # a link cut short: said plainly, no form
        tab.get_by_role("alert").get_by_text(re.compile("^This page opens from a link in an email")).wait_for()
        tab.goto(link)
        tab.get_by_role("heading", name="Acepte su invitación", level=1).wait_for()
        assert tab.locator("html").get_attribute("lang") == "es" and "token=" not in tab.url
        assert axe_violations(tab) == []
        tab.get_by_role("button", name="Unirme e iniciar sesión").click()  # nothing filled in: told beside each field
        tab.get_by_text("Escriba su nombre.").wait_for()
        expect(tab.get_by_label("Contraseña")).to_have_attribute("aria-invalid", "true")
        tab.get_by_text("Elija una contraseña de al menos 10 caracteres.").wait_for()
        assert axe_violations(tab) == []
        tab.get_by_label("Su nombre").fill("Rosa Invitada")
        tab.get_by_label("Contraseña").fill(NEW_PASSWORD)
        tab.get_by_role("button", name="Unirme e iniciar sesión").click()
        tab.wait_for_url(lambda url: "/accept-invite" not in url and "/sign-in" not in url)
        tab.locator("header .who").get_by_text("Rosa Invitada").wait_for()  # signed in, into the app
        me = graphql(tab, "query { me { user { email } preferredLanguage } }")["me"]
        assert me == {"user": {"email": email}, "preferredLanguage": "es"}
        # the link worked once
        tab.goto(link)
        tab.get_by_label("Su nombre").fill("Rosa Invitada")
        tab.get_by_label("Contraseña").fill("otra contraseña larga")
        tab.get_by_role("button", name="Unirme e iniciar sesión").click()
        tab.get_by_role("alert").get_by_text(re.compile("^Este enlace de invitación ya no funciona")).wait_for()
    finally:
        invitee.close()
