"""A Spanish-language session (the choice follows the user to the server: their mail, their next browser), and
axe-core on the main pages (no serious or critical violations)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from domain.demo import DEMO_PASSWORD
from tests.e2e.conftest import (
    ADVOCATE, axe_violations, choose_language, is_language_save, my_language, page_width, sign_in,
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


def test_compact_header_on_a_phone(page, back_to_english):
    """On a phone the header is one short row: the app name, the notifications link (its unread count seen and
    announced) and a "Menu" button that shows and hides the navigation, the language menu and the account links; it
    closes after choosing a page and on Escape, and works from the keyboard. At 1280px there is no button: the
    navigation is in the header as before."""
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("My day")
    menu = page.get_by_role("button", name="Menu", exact=True)
    nav = page.get_by_role("navigation", name="Main")
    panel = page.locator(f"#{menu.get_attribute('aria-controls')}")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    expect(panel).to_be_hidden()
    expect(page.get_by_role("button", name="Sign out")).to_be_hidden()
    bell = page.get_by_test_id("notification-indicator")
    expect(bell).to_be_visible()
    expect(bell).to_have_accessible_name(re.compile(r"^Notifications \d+ unread$"))
    _assert_accessible(page, "phone header, menu closed")

    # the menu opens the navigation; choosing a page closes it
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav).to_be_visible()
    _assert_accessible(page, "phone header, menu open")
    nav.get_by_role("link", name="Caseload", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Caseload")
    expect(page.locator("tbody tr").first).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    header = page.locator("header.top").bounding_box()
    assert header["height"] <= 120, header
    assert page.get_by_role("heading", level=1).bounding_box()["y"] < 150  # the page starts right under it
    assert page_width(page) <= 390

    menu.click()
    nav.get_by_role("link", name="Families", exact=True).click()
    expect(page).to_have_url(re.compile(r"/families$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Families")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()

    # the keyboard: Enter opens, Tab goes into the navigation, Escape closes and returns to the button
    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Tab")
    expect(nav.get_by_role("link").first).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    expect(menu).to_be_focused()

    # the account links and the language menu are in it
    menu.click()
    sign_out = page.get_by_role("button", name="Sign out")
    expect(sign_out).to_be_visible()
    expect(page.get_by_role("link", name="Security", exact=True)).to_be_visible()
    sign_out.focus()
    expect(sign_out).to_be_focused()
    choose_language(page, "es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Familias")
    menu_es = page.get_by_role("button", name="Menú", exact=True)
    expect(menu_es).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("navigation", name="Principal").get_by_role("link", name="Casos", exact=True)).to_be_visible()
    expect(bell).to_have_accessible_name(re.compile(r"^Notificaciones \d+"))
    assert page.locator("header.top").bounding_box()["height"] > 120  # open, the menu takes the room it needs
    choose_language(page, "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Families")
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")

    # a wide screen: everything in the header row, no menu button
    page.set_viewport_size({"width": 1280, "height": 800})
    expect(menu).to_be_hidden()
    expect(nav).to_be_visible()
    expect(nav.get_by_role("link", name="Caseload", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_label("Language")).to_be_visible()
    expect(bell).to_be_visible()
    expect(bell).to_have_accessible_name(re.compile(r"^Notifications \d+ unread$"))
    _assert_accessible(page, "wide header")
