"""A Spanish-language session (the choice follows the user to the server: their mail, their next browser), and
axe-core on the main pages (no serious or critical violations)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from domain.demo import DEMO_PASSWORD
from tests.e2e.conftest import (
    ADVOCATE, axe_violations, choose_language, is_language_save, my_language, sign_in,
)

SPANISH_MONTHS = r"(ene|feb|mar|abr|may|jun|jul|ago|sept?|oct|nov|dic)"


def test_spanish_session(page, browser, server, back_to_english):
    page.goto("/sign-in")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("Language").select_option(label="Español")
    expect(page.get_by_role("heading", level=1)).to_have_text("Iniciar sesión")
    assert page.evaluate("document.documentElement.lang") == "es"
    page.get_by_role("button", name="Iniciar sesión").click()
    expect(page.get_by_text("Escriba su correo electrónico.")).to_be_visible()  # next to the field, in Spanish
    page.get_by_label("Correo electrónico").fill(ADVOCATE)
    page.get_by_label("Contraseña").fill("wrong")
    page.get_by_role("button", name="Iniciar sesión").click()
    expect(page.get_by_role("alert")).to_contain_text("El correo o la contraseña no son correctos")
    page.get_by_label("Contraseña").fill(DEMO_PASSWORD)
    with page.expect_response(is_language_save):  # chosen before signing in: it becomes mine on the server
        page.get_by_role("button", name="Iniciar sesión").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Mi día")
    assert my_language(page) == "es"  # my mail (the daily digest) is in Spanish now
    expect(page.get_by_role("heading", name=re.compile(r"^Mis casos abiertos \(\d+\)$"))).to_be_visible()
    nav = page.get_by_role("navigation", name="Principal")
    expect(nav.get_by_role("link", name="Casos", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Cerrar sesión")).to_be_visible()

    nav.get_by_role("link", name="Casos", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Casos")
    expect(page.get_by_text(re.compile(r"^\d[\d.\s]* casos$"))).to_be_visible()
    # dates in the Spanish way (day, then month), statuses and issues translated
    opened = page.locator("tbody tr td:nth-child(5)").first.inner_text()
    assert re.fullmatch(rf"\d{{1,2}} {SPANISH_MONTHS} \d{{4}}", opened), opened
    statuses = set(page.locator("tbody tr td:nth-child(2)").all_inner_texts())
    assert statuses <= {"Admisión", "Abierto", "Escalado", "En pausa", "Resuelto", "Cerrado"}, statuses
    expect(page.get_by_label("Problema").locator("option", has_text="Educación especial")).to_have_count(1)

    # the choice survives a reload; intake errors are in Spanish too
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Casos")
    nav.get_by_role("link", name="Nueva admisión").click()
    page.get_by_role("button", name="Crear familia y caso").click()
    expect(page.get_by_role("alert")).to_contain_text("Faltan datos obligatorios")
    expect(page.get_by_text("Este dato es obligatorio.").first).to_be_visible()

    # the case page in Spanish
    nav.get_by_role("link", name="Mi día").click()
    page.locator("#dash-open ~ ul a").first.click()
    expect(page.get_by_role("heading", name="Sobre este caso")).to_be_visible()
    expect(page.get_by_role("heading", name="Historial")).to_be_visible()
    expect(page.get_by_role("heading", name="Consentimientos de la familia")).to_be_visible()
    _assert_accessible(page, "case page in Spanish")

    # another browser (nothing chosen there, English preferred): once I sign in, the app is in my language
    other = browser.new_context(base_url=server, locale="en-US")
    try:
        elsewhere = other.new_page()
        elsewhere.goto("/sign-in")
        expect(elsewhere.get_by_role("heading", level=1)).to_have_text("Sign in")
        elsewhere.get_by_label("Email").fill(ADVOCATE)
        elsewhere.get_by_label("Password").fill(DEMO_PASSWORD)
        elsewhere.get_by_role("button", name="Sign in").click()
        expect(elsewhere.get_by_role("heading", level=1)).to_have_text("Mi día")
        assert elsewhere.evaluate("document.documentElement.lang") == "es"
    finally:
        other.close()

    # back to English in the menu, signed in: saved on the server too
    choose_language(page, "en")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert my_language(page) == "en"


def test_browser_language_is_the_default(browser, server):
    ctx = browser.new_context(base_url=server, locale="es-MX")
    try:
        page = ctx.new_page()
        page.goto("/sign-in")
        expect(page.get_by_role("heading", level=1)).to_have_text("Iniciar sesión")
    finally:
        ctx.close()


def _assert_accessible(page, what: str):
    bad = axe_violations(page)
    assert not bad, f"{what}: {bad}"


def test_main_pages_have_no_serious_accessibility_violations(page):
    page.goto("/sign-in")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    _assert_accessible(page, "sign in")

    sign_in(page)
    expect(page.get_by_role("heading", name=re.compile(r"^My open cases"))).to_be_visible()
    _assert_accessible(page, "dashboard")

    page.get_by_role("link", name="Caseload", exact=True).click()
    expect(page.locator("tbody tr").first).to_be_visible()
    _assert_accessible(page, "caseload")

    page.get_by_role("link", name="New intake", exact=True).click()
    page.get_by_role("button", name="Create family and case").click()
    expect(page.get_by_role("alert")).to_be_visible()
    _assert_accessible(page, "intake with errors")

    page.get_by_role("link", name="Caseload", exact=True).click()
    page.get_by_label("Status").select_option(label="Escalated")
    page.locator("tbody tr a").first.click()
    expect(page.get_by_role("heading", name="Escalations")).to_be_visible()
    _assert_accessible(page, "case page")
    page.get_by_role("button", name="Escalate this case").click()
    expect(page.get_by_label(re.compile(r"^Ladder level"))).to_be_visible()
    _assert_accessible(page, "escalation form")

    page.get_by_role("link", name="Families", exact=True).click()
    expect(page.locator("tbody tr").first).to_be_visible()
    _assert_accessible(page, "families")
    page.locator("tbody tr a").first.click()
    page.get_by_role("button", name="Open a new case for this family").click()
    page.get_by_role("button", name="Edit the family's details").click()
    page.get_by_role("button", name="Add a student").click()
    expect(page.get_by_role("button", name="Open the case")).to_be_visible()
    expect(page.get_by_label(re.compile(r"^First name"))).to_be_visible()
    _assert_accessible(page, "family page with its three forms")


def test_keyboard_only_sign_in(page):
    page.goto("/sign-in")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")  # a person tabs once the page is there
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.get_by_label("Email").focus()
    page.keyboard.type(ADVOCATE)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("My day")
