"""Admin pages in real Chromium against a real server with the demo data: invite a user, change a permission
in the matrix editor, add and edit directory records, read (and export) the audit log; axe-core on each page."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.e2e.conftest import TIME_ZONE, axe_violations, broken_words, choose_language, graphql, sign_in

ADMIN = "admin@mpu.demo.advocase.org"


def test_admin_invites_a_user(page):
    sign_in(page, ADMIN)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Administration").click()
    page.wait_for_url(re.compile(r"/admin/users$"))
    page.get_by_role("heading", name="Users and invitations", level=1).wait_for()
    invite = page.get_by_role("region", name="Invite someone")
    # plain-language errors next to the field, nothing sent
    invite.get_by_label("Email").fill("not an address")
    invite.get_by_role("button", name="Send the invitation").click()
    email_box = invite.get_by_label("Email")
    assert email_box.get_attribute("aria-invalid") == "true"
    error_id = email_box.get_attribute("aria-describedby")
    assert page.locator(f"[id='{error_id}']").inner_text() == "Enter an email address such as name@example.org."

    invite.get_by_label("Email").fill("new.parent.leader@example.org")
    invite.get_by_label("Name", exact=True).fill("Rosa Parent Leader")
    invite.get_by_role("checkbox", name="Advocate").uncheck()
    invite.get_by_role("checkbox", name="Viewer").check()
    invite.get_by_role("checkbox", name="East Boston").check()
    invite.get_by_label("Language of the invitation").select_option("es")
    invite.get_by_role("button", name="Send the invitation").click()
    invite.get_by_text("Invitation sent to new.parent.leader@example.org.").wait_for()
    row = page.get_by_role("row").filter(has_text="new.parent.leader@example.org")
    row.wait_for()
    assert "Invited" in row.inner_text() and "Viewer" in row.inner_text() and "East Boston" in row.inner_text()
    # the whole form starts over: the roles, chapters and language ticked for her do not go out with the next one
    expect(invite.get_by_label("Email")).to_have_value("")
    expect(invite.get_by_label("Name", exact=True)).to_have_value("")
    expect(invite.get_by_role("checkbox", name="Advocate")).to_be_checked()
    expect(invite.get_by_role("checkbox", name="Viewer")).not_to_be_checked()
    expect(invite.get_by_role("checkbox", name="East Boston")).not_to_be_checked()
    expect(invite.get_by_label("Language of the invitation")).to_have_value("en")

    # the server's own refusal lands beside the roles: inviting the same person twice
    invite.get_by_label("Email").fill("new.parent.leader@example.org")
    invite.get_by_role("checkbox", name="Viewer").check()
    invite.get_by_role("button", name="Send the invitation").click()
    invite.get_by_text(re.compile("already a member of this organization")).wait_for()
    assert invite.get_by_label("Email").get_attribute("aria-invalid") == "true"

    # manage the invited member: resend the invitation, change their roles
    row.get_by_role("button", name=re.compile("Manage")).click()
    manage = page.get_by_role("region", name=re.compile("Manage Rosa Parent Leader"))
    manage.get_by_role("button", name="Send the invitation again").click()
    manage.get_by_text(re.compile("A new invitation was sent")).wait_for()
    manage.get_by_role("checkbox", name="Advocate").check()
    manage.get_by_role("button", name="Save roles").click()
    manage.get_by_text("Roles saved.").wait_for()
    page.get_by_role("row").filter(has_text="new.parent.leader@example.org").filter(has_text="Advocate").wait_for()
    assert axe_violations(page) == []


def test_admin_changes_a_permission_in_the_matrix(page):
    sign_in(page, ADMIN)
    page.goto("/admin/roles")
    page.get_by_role("heading", name="Roles and permissions", level=1).wait_for()
    cell = page.get_by_role("checkbox", name="Viewer: stats:read", exact=True)
    before = cell.is_checked()
    # the admin column cannot lose a grant
    assert page.get_by_role("checkbox", name="Admin: audit:read", exact=True).is_disabled()
    cell.click()
    expected = "Viewer no longer has stats:read." if before else "Viewer now has stats:read."
    page.get_by_role("status").filter(has_text=expected).wait_for()
    assert cell.is_checked() is (not before)
    # the server has it (a fresh read), and the page shows it after a reload
    roles = graphql(page, "{ roles { name grants { key } } }")["roles"]
    viewer = next(r for r in roles if r["name"] == "viewer")
    assert ("stats:read" in [g["key"] for g in viewer["grants"]]) is (not before)
    page.reload()
    assert page.get_by_role("checkbox", name="Viewer: stats:read", exact=True).is_checked() is (not before)
    assert axe_violations(page) == []
    # put it back with the keyboard
    box = page.get_by_role("checkbox", name="Viewer: stats:read", exact=True)
    box.focus()
    page.keyboard.press("Space")
    page.get_by_role("status").filter(has_text="Viewer now has stats:read." if before else "Viewer no longer has stats:read.").wait_for()
    assert box.is_checked() is before

    # a custom role: created from advocate, shown as a new column
    page.get_by_label("Role name").fill("Parent leader")
    page.get_by_label("Start from").select_option("advocate")
    page.get_by_role("button", name="Create role").click()
    # the name as it is kept, said plainly (not the words typed, which no list shows)
    page.get_by_text("The role was created as parent_leader (role names are kept in lower case").wait_for()
    assert page.get_by_role("checkbox", name="parent_leader: case:read", exact=True).is_checked()


def test_admin_adds_a_directory_contact(page):
    sign_in(page, ADMIN)
    page.goto("/admin/directory")
    page.get_by_role("heading", name="Directory", level=1).wait_for()
    page.get_by_role("button", name="Boston Public Schools").click()
    panel = page.get_by_role("region", name=re.compile("^Boston Public Schools"))
    panel.get_by_role("heading", name="Contacts", level=3).wait_for()
    # at 1280px the contacts' buttons keep their words whole ("Deactiva/te" was broken), and a contact's label says
    # its school once (its office is often the school itself)
    assert page.viewport_size["width"] == 1280
    assert broken_words(page, "button, .badge") == []
    labels = panel.locator("tbody td .muted").all_inner_texts()
    assert labels and all(len(set(parts := label.split(" · "))) == len(parts) for label in labels), labels
    form = panel.get_by_role("form", name="Add a contact")
    form.get_by_role("button", name="Add contact").click()
    assert form.get_by_text("Choose the level this contact answers at.").is_visible()
    form.get_by_label("Name").fill("Jordan Alvarez")
    form.get_by_label("Job title").fill("Director of English Learner Services")
    form.get_by_label("Office").fill("Office of English Learners")
    form.get_by_label("Email").fill("jalvarez@bps.example")
    form.get_by_label("Phone").fill("617-555-0199")
    form.get_by_label("Escalation level").select_option(label="2 · District office")
    form.get_by_role("checkbox", name="Language access").check()
    form.get_by_role("button", name="Add contact").click()
    panel.get_by_text("Jordan Alvarez was added to the directory.").wait_for()
    row = panel.get_by_role("row").filter(has_text="Jordan Alvarez")
    row.wait_for()
    assert "jalvarez@bps.example" in row.inner_text() and "Language access" in row.inner_text()
    # the same email again is refused by the server, beside the email field
    form.get_by_label("Name").fill("Someone Else")
    form.get_by_label("Email").fill("jalvarez@bps.example")
    form.get_by_label("Escalation level").select_option(label="2 · District office")
    form.get_by_role("button", name="Add contact").click()
    form.locator(".field.invalid, .form-errors").first.wait_for()
    assert form.get_by_label("Email").get_attribute("aria-invalid") == "true"
    assert panel.get_by_role("row").filter(has_text="Someone Else").count() == 0
    assert axe_violations(page) == []

    # CSV import with its report: an invalid row means nothing is imported
    page.get_by_text("Import from a spreadsheet (CSV)").click()
    page.get_by_label("CSV text").fill("district,contact_name,ladder_level,state\nLynn Public Schools,,,MA\nLynn Public Schools,Dana Reyes,9,\n")
    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_text("Nothing was imported. Fix the rows below").wait_for()
    # the server's message sits beside the CSV box
    csv_box = page.get_by_label("CSV text")
    assert csv_box.get_attribute("aria-invalid") == "true"
    assert "nothing was imported" in page.locator(f"[id='{csv_box.get_attribute('aria-describedby').split()[-1]}']").inner_text()
    assert page.get_by_text(re.compile(r"^Line 3: ")).is_visible()
    page.get_by_label("Import the valid rows and skip the rows with problems").check()
    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_text("Imported 1 row.", exact=True).wait_for()
    page.get_by_role("button", name="Lynn Public Schools").wait_for()


def _create(page, mutation: str, field: str, input: dict) -> str:
    """A directory record made through the API (a district of the test's own: the shared demo data stays as it is)."""
    kind = mutation[0].upper() + mutation[1:]
    data = graphql(page, f"mutation($input: {kind}Input!) {{ {mutation}(input: $input) {{ {field} {{ id }} errors {{ code message }} }} }}",
                   {"input": input})[mutation]
    assert data["errors"] == [], data
    return data[field]["id"]


def test_admin_edits_directory_records(page):
    sign_in(page, ADMIN)
    district = _create(page, "createDistrict", "district", {"name": "Revere Edit Test Schools", "state": "MA"})
    _create(page, "createSchool", "school", {"districtId": district, "name": "Garfield Elementary", "level": "K-5"})
    ana = _create(page, "createDistrictContact", "contact", {
        "districtId": district, "name": "Ana Souza", "title": "Coordinator", "email": "ana.souza@revere.example", "ladderLevel": 2})
    _create(page, "createDistrictContact", "contact", {
        "districtId": district, "name": "Ben Costa", "email": "ben.costa@revere.example", "ladderLevel": 1})

    def open_district():
        page.goto("/admin/directory")
        page.get_by_role("button", name="Revere Edit Test Schools").click()
        panel = page.get_by_role("region", name=re.compile("^Revere Edit Test Schools"))
        panel.get_by_role("heading", name="Contacts", level=3).wait_for()
        return panel

    panel = open_district()
    row = panel.get_by_role("row").filter(has_text="Ana Souza")
    edit = row.get_by_role("button", name="Edit Ana Souza")
    edit.click()
    form = panel.get_by_role("form", name="Edit Ana Souza")
    # prefilled, and the focus is in the form
    expect(form.get_by_label("Name")).to_be_focused()
    expect(form.get_by_label("Email")).to_have_value("ana.souza@revere.example")
    expect(form.get_by_label("Job title")).to_have_value("Coordinator")
    expect(form.get_by_label("Escalation level")).to_have_value("2")
    assert axe_violations(page) == []

    # an invalid email is refused beside the field, and nothing changes
    email = form.get_by_label("Email")
    email.fill("ana.souza at revere")
    form.get_by_role("button", name="Save").click()
    expect(email).to_have_attribute("aria-invalid", "true")
    assert page.locator(f"[id='{email.get_attribute('aria-describedby')}']").inner_text() == "Enter an email address such as name@example.org."
    # the server's refusal (another contact's email) lands beside the field too
    email.fill("ben.costa@revere.example")
    form.get_by_role("button", name="Save").click()
    expect(form.get_by_text("Ben Costa of this district already has this email.")).to_be_visible()
    expect(email).to_have_attribute("aria-invalid", "true")
    # Escape closes the form without saving, and the focus goes back to its Edit button
    email.press("Escape")
    expect(form).to_have_count(0)
    expect(edit).to_be_focused()
    assert "ana.souza@revere.example" in row.inner_text()

    # edit the email and the title: only those are sent
    edit.click()
    form.get_by_label("Email").fill("a.souza@revere.example")
    form.get_by_label("Job title").fill("Director of Special Education")
    with page.expect_request(lambda r: r.method == "POST" and "UpdateDistrictContact" in (r.post_data or "")) as sent:
        form.get_by_role("button", name="Save").click()
    assert set(sent.value.post_data_json["variables"]["input"]) == {"id", "version", "email", "title"}
    panel.get_by_text("Ana Souza was saved.").wait_for()
    expect(form).to_have_count(0)
    expect(edit).to_be_focused()
    expect(row).to_contain_text("a.souza@revere.example")
    expect(row).to_contain_text("Director of Special Education")

    # saved by someone else meanwhile: CONFLICT, the form takes their version and keeps my edit; saving again works
    edit.click()
    form.get_by_label("Office").fill("Special Education Office")
    graphql(page, "mutation($input: UpdateDistrictContactInput!) { updateDistrictContact(input: $input) { errors { code } } }",
            {"input": {"id": ana, "version": graphql(page, "query($id: ID!) { node(id: $id) { ... on DistrictContact { version } } }",
                                                     {"id": ana})["node"]["version"], "phone": "781-555-0100"}})
    form.get_by_role("button", name="Save").click()
    form.get_by_text(re.compile("Someone else changed this record")).wait_for()
    expect(form.get_by_label("Phone")).to_have_value("781-555-0100")
    expect(form.get_by_label("Office")).to_have_value("Special Education Office")
    form.get_by_role("button", name="Save").click()
    panel.get_by_text("Ana Souza was saved.").wait_for()
    expect(row).to_contain_text("Special Education Office")

    # a reload keeps them
    panel = open_district()
    row = panel.get_by_role("row").filter(has_text="Ana Souza")
    for text in ("a.souza@revere.example", "Director of Special Education", "Special Education Office", "781-555-0100"):
        expect(row).to_contain_text(text)
    assert "ana.souza@revere.example" not in row.inner_text()

    # a school's name
    school_edit = panel.get_by_role("button", name="Edit Garfield Elementary")
    school_edit.click()
    school_form = panel.get_by_role("form", name="Edit Garfield Elementary")
    expect(school_form.get_by_label("School name")).to_be_focused()
    school_form.get_by_label("School name").fill("Garfield Elementary School")
    school_form.get_by_role("button", name="Save").click()
    panel.get_by_text("Garfield Elementary School was saved.").wait_for()
    expect(panel.get_by_role("listitem").filter(has_text="Garfield Elementary School")).to_contain_text("(K-5)")
    expect(panel.get_by_role("button", name="Edit Garfield Elementary School")).to_be_focused()

    # the district's NCES id
    panel.get_by_role("button", name="Edit district Revere Edit Test Schools").click()
    district_form = panel.get_by_role("form", name="Edit Revere Edit Test Schools")
    district_form.get_by_label("NCES id").fill("2509900")
    district_form.get_by_role("button", name="Save").click()
    panel.get_by_text("Revere Edit Test Schools was saved.").wait_for()
    page.get_by_role("listitem").filter(has_text="NCES 2509900").wait_for()


def test_admin_reads_and_exports_the_audit_log(page):
    sign_in(page, ADMIN)
    graphql(page, """mutation { inviteUser(input: {email: "audit.probe@example.org", roles: ["viewer"]}) {
        errors { code } } }""")
    page.goto("/admin/audit")
    page.get_by_role("heading", name="Audit log", level=1).wait_for()
    page.get_by_label("Action").fill("user.invite")
    page.get_by_role("button", name="Show").click()
    # only user.invite rows are left once the filter applies
    expect(page.locator("tbody td:nth-child(2)").filter(has_not_text="user.invite")).to_have_count(0)
    row = page.get_by_role("row").filter(has_text="audit.probe@example.org")
    row.wait_for()
    assert "user.invite" in row.inner_text()
    assert page.locator("tbody tr").count() >= 1
    assert axe_violations(page) == []
    with page.expect_download() as dl:
        page.get_by_role("button", name="Export as CSV").click()
    text = Path(dl.value.path()).read_text()
    assert text.splitlines()[0].startswith("at,action,actor_id,actor_email")
    assert "audit.probe@example.org" in text
    page.get_by_role("status").filter(has_text=re.compile(r"Exported \d+ events")).wait_for()

    # one day: From = To is that whole day (the "To" day is included), not a range said to be backwards
    today = datetime.now(ZoneInfo(TIME_ZONE)).date().isoformat()
    page.get_by_label("From").fill(today)
    page.get_by_label("To", exact=True).fill(today)
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("This day is before the “From” day.")).to_have_count(0)
    expect(page.get_by_label("To", exact=True)).not_to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("row").filter(has_text="audit.probe@example.org")).not_to_have_count(0)


def test_admin_settings_page(page):
    sign_in(page, ADMIN)
    page.goto("/admin/settings")
    page.get_by_role("heading", name="Settings", level=1).wait_for()
    threshold = page.get_by_label("Smallest group shown in statistics")
    threshold.fill("3")
    page.get_by_role("region", name="Organization").get_by_role("button", name="Save").click()
    # the server refuses below 5 and says why, beside the field
    page.get_by_role("region", name="Organization").locator(".field.invalid").wait_for()
    assert threshold.get_attribute("aria-invalid") == "true"
    threshold.fill("10")
    page.get_by_role("region", name="Organization").get_by_role("button", name="Save").click()
    page.get_by_text("Settings saved.").wait_for()
    assert axe_violations(page) == []


def test_admin_sets_the_organizations_time_zone(page):
    sign_in(page, ADMIN)
    page.goto("/admin/settings")
    org = page.get_by_role("region", name="Organization")
    zone = org.get_by_label("Time zone")
    zone.fill("Mars/Olympus_Mons")
    org.get_by_role("button", name="Save").click()
    org.get_by_text("is not a time zone name").wait_for()  # beside the field, nothing saved
    assert zone.get_attribute("aria-invalid") == "true"
    zone.fill("America/Los_Angeles")
    org.get_by_role("button", name="Save").click()
    page.get_by_text("Settings saved.").wait_for()
    page.reload()
    assert page.get_by_role("region", name="Organization").get_by_label("Time zone").input_value() == "America/Los_Angeles"
    # empty: back on the server's default (the other tests of this server expect it)
    org = page.get_by_role("region", name="Organization")
    org.get_by_label("Time zone").fill("")
    org.get_by_role("button", name="Save").click()
    page.get_by_text("Settings saved.").wait_for()
    page.reload()
    assert page.get_by_role("region", name="Organization").get_by_label("Time zone").input_value() == ""


def test_admin_settings_stale_save_is_refused(page):
    """Optimistic locking: a save based on what another admin has changed since is refused with a clear message."""
    sign_in(page, ADMIN)
    page.goto("/admin/settings")
    org = page.get_by_role("region", name="Organization")
    threshold = page.get_by_label("Smallest group shown in statistics")
    threshold.wait_for()
    before = threshold.input_value()
    other = page.context.new_page()  # the same admin in a second tab saves first
    other.goto("/admin/settings")
    other.get_by_label("Smallest group shown in statistics").fill(str(int(before) + 1))
    other.get_by_role("region", name="Organization").get_by_role("button", name="Save").click()
    other.get_by_text("Settings saved.").wait_for()
    other.close()
    threshold.fill(str(int(before) + 2))
    org.get_by_role("button", name="Save").click()
    org.get_by_text(re.compile("changed by someone else")).wait_for()
    assert page.get_by_text("Settings saved.").count() == 0
    page.reload()  # the current version: saving works again (and puts the threshold back)
    page.get_by_label("Smallest group shown in statistics").fill(before)
    page.get_by_role("region", name="Organization").get_by_role("button", name="Save").click()
    page.get_by_text("Settings saved.").wait_for()


def test_admin_pages_in_spanish(page, back_to_english):
    sign_in(page, ADMIN)
    page.goto("/admin/roles")
    choose_language(page, "es")  # saved on the server too (back_to_english puts it back)
    page.get_by_role("heading", name="Roles y permisos", level=1).wait_for()
    assert page.get_by_role("navigation", name="Secciones de administración").get_by_role("link", name="Registro de auditoría").is_visible()
    page.goto("/admin/directory")
    page.get_by_role("heading", name="Directorio", level=1).wait_for()
    assert axe_violations(page) == []


def test_admin_erases_a_family_that_asks_to_be_forgotten(page):
    sign_in(page, ADMIN)
    chapter = graphql(page, "{ me { organizationChapters { id } } }")["me"]["organizationChapters"][0]["id"]
    made = graphql(page, """mutation($c: ID!) { createFamily(input: {displayName: "Forgotten family",
        chapterId: $c}) { family { id } errors { code } } }""", {"c": chapter})["createFamily"]
    family_id = made["family"]["id"]
    opened = graphql(page, """mutation($f: ID!) { openCase(input: {familyId: $f, category: DISCIPLINE,
        subcategory: OUT_OF_SCHOOL_SUSPENSION, title: "Sent home"}) { case { id } errors { code } } }""",
                     {"f": family_id})["openCase"]
    assert opened["errors"] == []
    page.goto(f"/families/{family_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Forgotten family")
    page.get_by_role("button", name="Erase this family").click()
    panel = page.locator("section", has=page.get_by_role("heading", name="Erase this family"))
    expect(panel).to_contain_text("cannot be undone")
    assert not axe_violations(page)
    confirm = panel.get_by_label(re.compile(r"^Type the family's name to confirm"))
    confirm.fill("Another family")
    panel.get_by_role("button", name="Erase the family for good").click()
    expect(confirm).to_have_attribute("aria-invalid", "true")  # the server's refusal, beside the field
    confirm.fill("forgotten family")
    panel.get_by_role("button", name="Erase the family for good").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Families")
    expect(page.get_by_text("Forgotten family is erased, with everything of theirs.")).to_be_visible()
    page.reload()  # said once
    expect(page.get_by_role("heading", level=1)).to_have_text("Families")
    expect(page.get_by_text("Forgotten family is erased")).to_have_count(0)
    assert graphql(page, "query($id: ID!) { node(id: $id) { id } }", {"id": family_id})["node"] is None
    assert graphql(page, "query($id: ID!) { node(id: $id) { id } }", {"id": opened["case"]["id"]})["node"] is None
