"""Notifications, caseload export and import in real Chromium against a real server with the demo data: an
advocate is told about a case an admin assigned them and marks it read; an admin exports the filtered caseload
and imports a small CSV (a dry run that shows the problem at its row and column, then a clean import);
axe-core on the new pages."""

from __future__ import annotations

import csv
import io
import re
import uuid

from playwright.sync_api import expect

from tests.e2e.conftest import ADVOCATE, axe_violations, graphql, sign_in

ADMIN = "admin@mpu.demo.advocase.org"


def _assigned_by_the_admin(browser, server, page, me: str) -> dict:
    """A case the advocate signed in on `page` can see and was not assigned to, which the admin (in a browser of
    their own) now assigns to them too."""
    cases = graphql(page, "{ cases(first: 100) { edges { node { id title assignees { id } } } } }")["cases"]["edges"]
    case = next(e["node"] for e in cases if me not in [a["id"] for a in e["node"]["assignees"]])
    admin_ctx = browser.new_context(base_url=server)
    try:
        admin = admin_ctx.new_page()
        sign_in(admin, ADMIN)
        got = graphql(admin, """mutation($i: AssignCaseInput!) { assignCase(input: $i) { errors { code message } } }""",
                      {"i": {"id": case["id"], "assigneeIds": [a["id"] for a in case["assignees"]] + [me]}})
        assert got["assignCase"]["errors"] == []
    finally:
        admin_ctx.close()
    return case


def test_advocate_is_notified_of_an_assignment_and_marks_it_read(browser, server, page):
    sign_in(page, ADVOCATE)
    me = graphql(page, "{ me { user { id } } }")["me"]["user"]["id"]
    mine = graphql(page, "{ notifications(first: 1) { unreadCount } }")["notifications"]["unreadCount"]
    expect(page.get_by_test_id("notification-indicator")).to_have_accessible_name(f"Notifications {mine} unread")
    case = _assigned_by_the_admin(browser, server, page, me)

    # the count follows on the next page the advocate opens (and every minute)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Caseload").click()
    indicator = page.get_by_test_id("notification-indicator")
    expect(indicator).to_have_accessible_name(f"Notifications {mine + 1} unread")
    expect(indicator).to_contain_text(str(mine + 1))
    indicator.click()
    page.wait_for_url(re.compile(r"/notifications$"))
    page.get_by_role("heading", name="Notifications", level=1).wait_for()
    item = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=re.compile(re.escape(case["title"]))))
    item = item.filter(has_text="You were assigned a case").first
    expect(item).to_contain_text("New")
    assert axe_violations(page) == []

    item.get_by_role("button", name=f"Mark as read: {case['title']}").click()
    page.get_by_text("Notification marked as read.").wait_for()
    expect(indicator).to_have_accessible_name(f"Notifications {mine} unread")
    expect(item.get_by_role("button", name=re.compile("Mark as read"))).to_have_count(0)
    n = graphql(page, "{ notifications(first: 5) { unreadCount edges { node { caseId kind read } } } }")
    assert n["notifications"]["unreadCount"] == mine
    assert any(e["node"]["caseId"] == case["id"] and e["node"]["read"] for e in n["notifications"]["edges"])

    # the daily email digest can be turned off, and stays off
    digest = page.get_by_role("checkbox", name="Send me a daily email with my unread notifications")
    expect(digest).to_be_checked()
    digest.uncheck()
    page.get_by_text("The daily email is off.").wait_for()
    page.reload()
    expect(page.get_by_role("checkbox", name="Send me a daily email with my unread notifications")).not_to_be_checked()
    assert graphql(page, "{ notificationPreferences { emailDigest } }")["notificationPreferences"]["emailDigest"] is False

    # mark all read, then open the case from its notification
    if mine:
        page.get_by_role("button", name="Mark all as read").click()
        page.get_by_text("All notifications are marked as read.").wait_for()
        expect(indicator).to_have_accessible_name("Notifications 0 unread")
    expect(page.get_by_role("button", name="Mark all as read")).to_be_disabled()
    page.get_by_role("link", name=re.compile(re.escape(case["title"]))).first.click()
    page.get_by_role("heading", name=case["title"], level=1).wait_for()


def test_admin_exports_the_filtered_caseload(page):
    sign_in(page, ADMIN)
    page.goto("/cases")
    page.get_by_label("Status").select_option("OPEN")
    page.wait_for_url(re.compile(r"status=OPEN"))
    total = graphql(page, "{ cases(filter: {status: [OPEN]}, first: 1) { totalCount } }")["cases"]["totalCount"]
    page.get_by_role("status").filter(has_text=re.compile(r"\d+ cases?$")).wait_for()
    assert axe_violations(page) == []
    with page.expect_download() as info:
        page.get_by_role("button", name="Export CSV").click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    text = open(download.path(), encoding="utf-8-sig").read()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert total > 0 and len(rows) == total
    assert {r["status"] for r in rows} <= {"OPEN", "Open"}
    page.get_by_text(re.compile(rf"Saved .*\.csv with {total} cases?\.")).wait_for()


def test_export_and_import_need_their_permissions(page):
    sign_in(page, "viewer@mpu.demo.advocase.org")  # may read cases, may not export or import
    perms = graphql(page, "{ me { permissions } }")["me"]["permissions"]
    assert "case:read" in perms and "case:export" not in perms and "case:import" not in perms
    page.goto("/cases")
    page.get_by_role("heading", name="Caseload", level=1).wait_for()
    page.get_by_role("status").filter(has_text=re.compile(r"\d+ cases?$")).wait_for()
    expect(page.get_by_role("button", name="Export CSV")).to_have_count(0)
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Import")).to_have_count(0)
    page.goto("/import")
    expect(page.get_by_role("heading", name="Import families, students and cases")).to_have_count(0)
    expect(page.get_by_label("CSV or Excel file")).to_have_count(0)


def imported(page, tag: str) -> int:
    edges = graphql(page, "query($q: String) { families(search: $q, first: 10) { edges { node { id } } } }",
                    {"q": tag})["families"]["edges"]
    return len(edges)


def test_admin_imports_a_csv_after_a_dry_run(page):
    tag = uuid.uuid4().hex[:8]
    header = "family_external_id,Household,Family Chapter,Family Language,Family Email,Notes"

    def sheet(bad_email: str) -> bytes:
        return "\n".join([
            header,
            f"IMP-{tag}-1,Alvarez {tag},East Boston,Spanish,alvarez@example.org,first",
            f"IMP-{tag}-2,Okafor {tag},East Boston,en,{bad_email},second",
        ]).encode() + b"\n"

    sign_in(page, ADMIN)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Import").click()
    page.wait_for_url(re.compile(r"/import$"))
    page.get_by_role("heading", name="Import families, students and cases", level=1).wait_for()
    page.get_by_label("CSV or Excel file").set_input_files(
        {"name": "families.csv", "mimeType": "text/csv", "buffer": sheet("not-an-email")})
    page.get_by_text("families.csv: 6 columns found.").wait_for()
    # headers named like the fields are matched; the others are chosen by hand
    expect(page.get_by_label("family_external_id")).to_have_value("family_external_id")
    expect(page.get_by_label("family_chapter")).to_have_value("Family Chapter")
    expect(page.get_by_label("family_email")).to_have_value("Family Email")
    page.get_by_label("family_name").select_option("Household")
    page.get_by_text("Columns not imported: Notes").wait_for()
    expect(page.get_by_role("button", name="Import", exact=True)).to_be_disabled()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Check the file (dry run)").click()
    page.get_by_text("1 problem found.", exact=False).first.wait_for()
    problems = page.get_by_role("table").filter(has_text="Every problem, by row")
    rows = problems.locator("tbody tr")
    expect(rows).to_have_count(1)
    cells = rows.first.locator("td").all_inner_texts()
    assert cells[0] == "3" and cells[1] == "Family Email" and cells[2] == "family_email", cells
    assert "email" in cells[3].lower()
    expect(page.get_by_role("button", name="Import", exact=True)).to_be_disabled()
    assert axe_violations(page) == []
    assert imported(page, tag) == 0  # a dry run changes nothing

    # the fixed file: the mapping is kept, the check is clean, then the import
    page.get_by_label("CSV or Excel file").set_input_files(
        {"name": "families.csv", "mimeType": "text/csv", "buffer": sheet("okafor@example.org")})
    page.get_by_text("families.csv: 6 columns found.").wait_for()
    page.get_by_label("family_name").select_option("Household")
    page.get_by_role("button", name="Check the file (dry run)").click()
    page.get_by_text("No problems in 2 rows. You can import them now.").wait_for()
    created = page.get_by_role("row", name=re.compile("^Families"))
    expect(created).to_contain_text("2")
    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_text("Imported 2 rows.").wait_for()
    page.get_by_role("heading", name="Import result").wait_for()
    expect(page.get_by_role("row", name=re.compile("^Families"))).to_have_text(re.compile(r"Families\s*2\s*0"))

    assert imported(page, tag) == 2

    # save the mapping for the next file
    page.get_by_label("Mapping name").fill(f"Intake sheet {tag}")
    page.get_by_role("button", name="Save mapping").click()
    page.get_by_text(f"Mapping “Intake sheet {tag}” saved.").wait_for()
    saved = graphql(page, "{ importMappings { name columns { field column } } }")["importMappings"]
    mapping = next(m for m in saved if m["name"] == f"Intake sheet {tag}")
    assert {"field": "family_name", "column": "Household"} in mapping["columns"]


def test_import_reads_the_columns_of_an_excel_file(page):
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.append(["Family External ID", "Family Name", "Title", "Phone"])
    ws.append(["X-1", "Excel family", "Suspended", "617-555-0101"])
    out = io.BytesIO()
    wb.save(out)
    sign_in(page, ADMIN)
    page.goto("/import")
    page.get_by_label("CSV or Excel file").set_input_files({
        "name": "sheet.xlsx", "buffer": out.getvalue(),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
    page.get_by_text("sheet.xlsx: 4 columns found.").wait_for()
    expect(page.get_by_label("family_external_id")).to_have_value("Family External ID")
    expect(page.get_by_label("family_name")).to_have_value("Family Name")
    expect(page.get_by_label("case_title")).to_have_value("Title")
    expect(page.get_by_label("family_phone")).to_have_value("")  # family_phone or guardian_phone: not guessed
    page.get_by_text("Columns not imported: Phone").wait_for()


def test_opening_a_notifications_case_marks_it_read(browser, server, page):
    sign_in(page, ADVOCATE)
    me = graphql(page, "{ me { user { id } } }")["me"]["user"]["id"]
    case = _assigned_by_the_admin(browser, server, page, me)
    unread = graphql(page, "{ notifications(first: 1) { unreadCount } }")["notifications"]["unreadCount"]
    assert unread > 0

    page.goto("/notifications")
    indicator = page.get_by_test_id("notification-indicator")
    expect(indicator).to_have_accessible_name(f"Notifications {unread} unread")
    item = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=re.compile(re.escape(case["title"]))))
    item = item.filter(has_text="You were assigned a case").filter(has_text="New").first
    # opening the case from its notification reads it: the bell's count follows, and the server has it read
    item.get_by_role("link", name=re.compile(re.escape(case["title"]))).click()
    page.get_by_role("heading", name=case["title"], level=1).wait_for()
    expect(indicator).to_have_accessible_name(f"Notifications {unread - 1} unread")
    n = graphql(page, "{ notifications(first: 20) { unreadCount edges { node { caseId kind read } } } }")
    assert n["notifications"]["unreadCount"] == unread - 1
    assert all(e["node"]["read"] for e in n["notifications"]["edges"]
               if e["node"]["caseId"] == case["id"] and e["node"]["kind"] == "CASE_ASSIGNED")
