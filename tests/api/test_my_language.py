"""My language (setMyLanguage, me.preferredLanguage): the language of my mail. Only languages my organization offers;
anything else is a VALIDATION error and changes nothing. (The digest in it: test_notifications.)"""

from __future__ import annotations

from sqlalchemy import select

from domain.audit.models import AuditEvent
from domain.identity.models import User
from tests.api.admin_ops import REQUEST_RESET, SETTINGS, mails_to

ERR = "errors { code message field }"
SET_LANGUAGE = f"""mutation($i: SetMyLanguageInput!) {{ setMyLanguage(input: $i) {{
  me {{ user {{ email }} preferredLanguage }} {ERR} }} }}"""
MY_LANGUAGE = "query { me { preferredLanguage } }"
MEMBERS = "query { users(first: 100) { edges { node { user { email } preferredLanguage } } } }"


async def set_language(api, token, language) -> dict:
    return (await api.data(SET_LANGUAGE, {"i": {"language": language}}, token))["setMyLanguage"]


async def stored(db, world, role) -> str:
    async with db.reader() as s:
        return await s.scalar(select(User.preferred_language).where(User.id == world.users[role]))


async def test_i_set_spanish_me_shows_it_admins_see_it_and_my_mail_is_in_spanish(api, db, world):
    token = world.tokens["advocate"]
    assert await api.data(MY_LANGUAGE, None, token) == {"me": {"preferredLanguage": "en"}}  # the default

    body = await set_language(api, token, " ES ")  # as a person might type it
    assert body == {"me": {"user": {"email": world.emails["advocate"]}, "preferredLanguage": "es"}, "errors": []}
    assert await api.data(MY_LANGUAGE, None, token) == {"me": {"preferredLanguage": "es"}}
    assert await api.data(MY_LANGUAGE, None, world.tokens["viewer"]) == {"me": {"preferredLanguage": "en"}}

    # admins see each member's language in the member list
    members = {e["node"]["user"]["email"]: e["node"]["preferredLanguage"]
               for e in (await api.data(MEMBERS, None, world.tokens["admin"]))["users"]["edges"]}
    assert members[world.emails["advocate"]] == "es" and members[world.emails["viewer"]] == "en"

    # audited
    async with db.reader() as s:
        events = list(await s.scalars(select(AuditEvent).where(
            AuditEvent.organization_id == world.org_id, AuditEvent.action == "user.language",
            AuditEvent.entity_id == world.users["advocate"])))
    assert [(e.actor_user_id, e.detail) for e in events] == [
        (world.users["advocate"], {"from": "en", "to": "es", "changed": True})]

    # my next mail is in Spanish (a password reset here; the daily digest: test_notifications)
    sent = await api.data(REQUEST_RESET, {"i": {"email": world.emails["advocate"]}})
    assert sent["requestPasswordReset"]["ok"] is True
    mail = (await mails_to(db, world.users["advocate"], "password_reset"))[-1]
    assert mail.language == "es"
    assert mail.subject.startswith("Restablezca su contraseña de Advocase")

    # and back to English
    assert (await set_language(api, token, "en"))["me"]["preferredLanguage"] == "en"
    assert await stored(db, world, "advocate") == "en"


async def test_a_language_my_organization_does_not_offer_is_refused_and_changes_nothing(api, db, world):
    token = world.tokens["viewer"]
    assert (await set_language(api, token, "es"))["errors"] == []
    for bad in ("fr", "", "   ", "español", "x" * 200, "es; DROP TABLE users"):
        body = await set_language(api, token, bad)
        assert body["me"] is None, bad
        assert [(e["code"], e["field"]) for e in body["errors"]] == [("VALIDATION", "language")], (bad, body)
        assert "en, es" in body["errors"][0]["message"]  # it names the ones offered
        assert await stored(db, world, "viewer") == "es"
    assert await api.data(MY_LANGUAGE, None, token) == {"me": {"preferredLanguage": "es"}}

    # once the organization offers Portuguese, it can be chosen (mail falls back to English until translated)
    version = (await api.data("query { me { organization { version } } }", None,
                              world.tokens["admin"]))["me"]["organization"]["version"]
    offered = (await api.data(SETTINGS, {"i": {"version": version, "languages": ["en", "es", "pt"]}},
                              world.tokens["admin"]))["updateOrganizationSettings"]
    assert offered["errors"] == [] and offered["organization"]["languages"] == ["en", "es", "pt"]
    assert (await set_language(api, token, "pt"))["me"]["preferredLanguage"] == "pt"
    assert await stored(db, world, "viewer") == "pt"


async def test_anonymous_callers_cannot_set_a_language(api, db, world):
    body = await api.data(SET_LANGUAGE, {"i": {"language": "es"}})
    assert body["setMyLanguage"]["me"] is None
    assert [e["code"] for e in body["setMyLanguage"]["errors"]] == ["UNAUTHENTICATED"]
