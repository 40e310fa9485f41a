"""Campaign lead pages in real Chromium: create a campaign, read its evidence (suppressed cells shown as
suppressed, on screen and to screen readers), approve an advocate's story, export, and the same page in Spanish.
Run against a real server with the demo data (fixtures in conftest.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ADVOCATE, TIME_ZONE, axe_violations, choose_language, graphql, page_width, sign_in

LEAD = "lead@mpu.demo.advocase.org"
EN = json.loads((Path(__file__).resolve().parents[2] / "web/src/i18n/locales/en.json").read_text())
STORY_BODY = ("A student with an IEP was sent home early again and again without any meeting about services. "
              "After the advocate wrote to the district office, the team met and agreed to a new support plan.")


@pytest.fixture(scope="module")
def draft_story(browser, server) -> dict:
    """An advocate drafts a de-identified story on a case whose family consented to share it."""
    ctx = browser.new_context(base_url=server)
    page = ctx.new_page()
    try:
        sign_in(page, ADVOCATE)
        data = graphql(page, """{ cases(first: 100) { edges { node { id category
            family { consents { kind status } } } } } }""")
        case = next(e["node"] for e in data["cases"]["edges"]
                    if any(c["kind"] == "SHARE_STORY" and c["status"] == "ACTIVE" for c in e["node"]["family"]["consents"]))
        title = "Sent home without a meeting, again"
        out = graphql(page, """mutation($i: DraftStoryInput!) { draftStory(input: $i) { story { id status }
            errors { code message field } } }""", {"i": {"caseId": case["id"], "title": title, "body": STORY_BODY}})
        assert out["draftStory"]["errors"] == [], out
        return {"title": title, "category": case["category"]}
    finally:
        ctx.close()


def _new_campaign(page, name: str, category: str) -> str:
    page.goto("/campaigns")
    page.get_by_role("heading", name="Campaigns", level=1).wait_for()
    page.get_by_role("link", name="New campaign").click()
    page.get_by_role("heading", name="New campaign", level=1).wait_for()
    # a plain-language error beside the field, nothing sent
    page.get_by_role("button", name="Create campaign").click()
    name_box = page.get_by_label("Name")
    assert name_box.get_attribute("aria-invalid") == "true"
    expect(name_box).to_be_focused()  # the error is at the top of a long form: focus takes the reader there
    assert page.get_by_text("Give the campaign a name.").is_visible()
    name_box.fill(name)
    page.get_by_label("Goal").fill("Every removal of a student with an IEP gets a manifestation determination.")
    page.get_by_label("Target", exact=True).fill("School Committee")
    page.get_by_label("Status").select_option("ACTIVE")
    page.get_by_role("checkbox", name=EN[f"enum.CaseCategory.{category}"], exact=True).check()
    page.get_by_role("button", name="Create campaign").click()
    page.wait_for_url(re.compile(r"/campaigns/[^/]+\?saved=1$"))
    page.get_by_role("heading", name=name, level=1).wait_for()
    return page.url.split("/campaigns/")[1].split("?")[0]


def test_campaign_lead_evidence_story_and_exports(page, draft_story):
    sign_in(page, LEAD)
    page.goto("/")
    # the lead's navigation has campaigns and statistics, and no case pages
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Campaigns").wait_for()
    assert nav.get_by_role("link", name="Caseload").count() == 0

    _new_campaign(page, "Removals without a hearing", draft_story["category"])
    assert page.get_by_role("status").filter(has_text="The campaign is saved.").is_visible()
    page.get_by_role("heading", name="Evidence", level=2).wait_for()
    page.get_by_role("heading", name="Cases by school", level=3, exact=True).wait_for()

    # suppressed cells: hatched, a dash on screen, the word "suppressed" for screen readers, never a number
    suppressed = page.locator("td.suppressed")
    assert suppressed.count() > 0, "the demo data should give this campaign some small cells"
    for i in range(min(suppressed.count(), 20)):
        cell = suppressed.nth(i)
        assert cell.inner_text().strip().startswith("—")
        assert not re.search(r"\d", cell.inner_text())
        assert cell.locator(".sr-only").inner_text() == "suppressed"
        assert cell.locator("[aria-hidden=true]").count() == 1
    assert page.get_by_text(re.compile(r"Cells marked “—” are suppressed: fewer than 10 cases")).first.is_visible()
    # charts are images with a text alternative that names suppressed bars too
    chart = page.locator("figure.chart svg[role=img]").first
    desc = chart.locator("desc").text_content()
    assert desc.startswith("Bar chart with")
    # every evidence table is there: school, month, issue, school x issue, subgroups, district, responsiveness...
    assert page.locator("table.evidence").count() >= 8
    assert page.get_by_role("heading", name="District responsiveness").is_visible()

    # approve the advocate's story: it moves into the evidence
    review = page.get_by_role("region", name="Stories waiting for approval")
    story = review.get_by_role("article", name=draft_story["title"])
    assert story.get_by_text(STORY_BODY).is_visible()
    story.get_by_role("button", name="Approve").click()
    page.get_by_role("status").filter(has_text=f"“{draft_story['title']}” is approved").wait_for()
    story.wait_for(state="detached")
    approved = page.get_by_role("region", name="Approved stories")
    approved.get_by_role("heading", name=draft_story["title"]).wait_for()

    # exports come from the exportCampaignEvidence mutation: files saved by the page, the brief in a new window
    exports = page.get_by_role("region", name="Exports")
    file_name = re.compile(r"evidence-removals-without-a-hearing-\d{4}-\d{2}-\d{2}\.(csv|json)")
    with page.expect_download() as dl:
        exports.get_by_role("button", name="Download the evidence as a spreadsheet (CSV)").click()
    csv_text = Path(dl.value.path()).read_text()
    assert file_name.fullmatch(dl.value.suggested_filename) and dl.value.suggested_filename.endswith(".csv")
    exports.get_by_role("status").filter(has_text=f"Saved {dl.value.suggested_filename}.").wait_for()
    assert csv_text.splitlines()[0] == "section,dimension,code,label,column,measure,value,suppressed,share,text"
    assert draft_story["title"] in csv_text and ",true," in csv_text  # the story, and suppressed cells

    with page.expect_download() as dl:
        exports.get_by_role("button", name="Download the evidence as data (JSON)").click()
    assert file_name.fullmatch(dl.value.suggested_filename) and dl.value.suggested_filename.endswith(".json")
    doc = json.loads(Path(dl.value.path()).read_text())
    assert doc["campaign"]["name"] == "Removals without a hearing"
    assert [s["title"] for s in doc["stories"]] == [draft_story["title"]]
    # the same suppressed cells as on the page: a suppressed count has no value in the file either
    cells = [r["count"] for t in doc["tables"] for r in t["rows"]]
    assert any(c["suppressed"] for c in cells) and all(c["value"] is None for c in cells if c["suppressed"])

    with page.expect_popup() as popup:
        exports.get_by_role("button", name="Open the printable brief").click()
    brief = popup.value
    brief.get_by_role("heading", name="Removals without a hearing", level=1).wait_for()
    exports.get_by_role("status").filter(has_text="The printable brief is open in a new window").wait_for()
    assert brief.url.startswith("blob:") and brief.evaluate("window.opener") is None
    assert brief.title() == "Evidence brief: Removals without a hearing"
    assert brief.get_by_role("heading", name="Cases by school and issue", level=2).is_visible()
    assert brief.get_by_role("heading", name="District responsiveness", level=2).is_visible()
    assert brief.locator("table").count() >= 5 and brief.locator("svg").count() > 0
    assert brief.get_by_text(draft_story["title"]).is_visible()
    # its own policy lets its inline styles apply and nothing else: no script in it, nothing loaded
    assert "Georgia" in brief.evaluate("getComputedStyle(document.body).fontFamily")
    assert brief.locator("script").count() == 0
    ran = brief.evaluate("""() => { const s = document.createElement("script"); s.textContent = "window.ran = 1";
        document.head.appendChild(s); return window.ran === 1; }""")
    assert ran is False, "a script ran in the brief"
    assert brief.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute("content").startswith(
        "default-src 'none'")
    brief.close()

    # every serious accessibility problem counts, on the evidence page and the list
    assert axe_violations(page) == []
    page.goto("/campaigns")
    page.get_by_role("link", name="Removals without a hearing").wait_for()
    assert axe_violations(page) == []


def test_campaign_editor_changes_criteria_and_is_accessible(page):
    sign_in(page, LEAD)
    _new_campaign(page, "Interpreters at meetings", "LANGUAGE_ACCESS")
    page.get_by_role("link", name="Edit the campaign").click()
    page.get_by_role("heading", name="Edit campaign", level=1).wait_for()
    assert page.get_by_label("Name").input_value() == "Interpreters at meetings"
    assert page.get_by_role("checkbox", name="Language access", exact=True).is_checked()
    # a backwards date range is refused beside the field
    page.get_by_label("Opened on or after").fill("2026-06-01")
    page.get_by_label("Opened on or before").fill("2026-01-01")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("This date is before the start date.").is_visible()
    page.get_by_label("Opened on or before").fill("")
    page.get_by_label("Tags").fill("media, board-testimony")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"\?saved=1$"))
    facts = page.get_by_role("region", name="About this campaign")
    assert "#board-testimony" in facts.inner_text() and "#media" in facts.inner_text()


def test_campaign_edit_conflict_keeps_my_edits_and_saves_again(page, browser, server):
    """Two tabs edit one campaign: the first saves; the second's save conflicts, keeps my goal in the form with
    their change loaded, and saving again puts my goal on the latest version (theirs stays)."""
    sign_in(page, LEAD)
    campaign_id = _new_campaign(page, "Interpreters at IEP meetings", "LANGUAGE_ACCESS")
    edit = f"/campaigns/{campaign_id}/edit"
    their_target = "School Committee and the superintendent"
    my_goal = "Every IEP meeting has a qualified interpreter when the family asks for one."
    other_ctx = browser.new_context(base_url=server, locale="en-US", timezone_id=TIME_ZONE)
    try:
        other = other_ctx.new_page()
        sign_in(other, LEAD)
        page.goto(edit)
        other.goto(edit)
        expect(page.get_by_label("Goal")).not_to_have_value("")
        expect(other.get_by_label("Target", exact=True)).to_have_value("School Committee")

        # tab A saves first
        other.get_by_label("Target", exact=True).fill(their_target)
        other.get_by_role("button", name="Save").click()
        other.wait_for_url(re.compile(r"\?saved=1$"))
    finally:
        other_ctx.close()

    # tab B, still on the version it read, changes the goal and saves: a conflict, said plainly
    page.get_by_label("Goal").fill(my_goal)
    page.get_by_role("button", name="Save").click()
    said = page.get_by_role("alert").filter(has_text="Someone else saved this campaign")
    expect(said).to_be_visible()
    expect(said).to_contain_text("Changed by them: Target.")
    expect(page.get_by_label("Goal")).to_have_value(my_goal)  # my edit is kept
    expect(page.get_by_label("Target", exact=True)).to_have_value(their_target)  # their latest version is loaded
    expect(page).to_have_url(re.compile(r"/edit$"))

    # saving again works (no conflict forever), and the campaign has my goal and their target
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"\?saved=1$"))
    saved = graphql(page, "query($id: ID!) { campaign(id: $id) { goal target } }", {"id": campaign_id})["campaign"]
    assert saved == {"goal": my_goal, "target": their_target}


def test_campaign_page_in_spanish(page, back_to_english, draft_story):
    sign_in(page, LEAD)
    # its own campaign (not one an earlier test made), on the category of the story waiting for approval
    out = graphql(page, """mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { campaign { id }
        errors { code message field } } }""", {"i": {"name": "Audiencias que nunca ocurrieron", "status": "ACTIVE",
                                                     "criteria": {"categories": [draft_story["category"]]}}})
    assert out["createCampaign"]["errors"] == [], out
    page.goto("/campaigns")
    choose_language(page, "es")  # saved on the server too (back_to_english puts it back)
    page.get_by_role("heading", name="Campañas", level=1).wait_for()
    page.get_by_role("link", name="Audiencias que nunca ocurrieron").click()
    page.get_by_role("heading", name="Evidencia", level=2).wait_for()
    page.get_by_role("heading", name="Casos por escuela", level=3, exact=True).wait_for()
    assert page.locator("td.suppressed .sr-only").first.inner_text() == "suprimido"
    assert page.get_by_role("button", name="Abrir el informe para imprimir").is_visible()
    assert page.get_by_role("region", name="Historias pendientes de aprobación").is_visible()
    assert axe_violations(page) == []


def test_statistics_explorer(page):
    sign_in(page, LEAD)
    page.goto("/stats")
    page.get_by_role("heading", name="Statistics explorer").wait_for()
    page.get_by_label("Columns").select_option("CATEGORY")
    page.locator("table tfoot").wait_for()
    header = page.locator("table thead th").first.inner_text()
    assert header == "School × Issue"
    assert page.locator("table tbody tr").count() > 1
    # the margins are filled: each row's total, each column's total and the grand total, or "suppressed"
    for cell in page.locator("table tbody tr td:last-child, table tfoot td").all():
        text = cell.inner_text().strip()
        assert re.fullmatch(r"[\d,]+", text) or (text.startswith("—") and "suppressed" in text), text
    assert axe_violations(page) == []


def test_wide_tables_scroll_in_their_box_not_the_page(page, draft_story):
    """On a phone the evidence and statistics tables are wider than the screen: they scroll, the page does not
    (the screen-reader-only word of a suppressed cell stays inside its table's scroll box too); nor at 1280px."""
    sign_in(page, LEAD)
    out = graphql(page, """mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { campaign { id }
        errors { code message field } } }""", {"i": {"name": "Wide tables on a phone", "status": "ACTIVE",
                                                     "criteria": {"categories": [draft_story["category"]]}}})
    assert out["createCampaign"]["errors"] == [], out
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/campaigns/{out['createCampaign']['campaign']['id']}")
    page.get_by_role("heading", name="Cases by school and issue", level=3).wait_for()
    assert page.locator("td.suppressed .sr-only").count() > 0
    wide = page.locator(".table-wrap").evaluate_all("els => els.filter(e => e.scrollWidth > e.clientWidth).length")
    assert wide > 0, "some evidence table should be wider than a phone"
    assert page_width(page) <= 390

    page.goto("/stats")
    page.get_by_role("heading", name="Statistics explorer").wait_for()
    page.get_by_label("Columns").select_option("CATEGORY")
    page.locator("table tfoot").wait_for()
    assert page.locator("table thead th").first.inner_text() == "School × Issue"
    assert page_width(page) <= 390
    page.set_viewport_size({"width": 1280, "height": 800})
    assert page_width(page) <= 1280
