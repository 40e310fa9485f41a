"""An advocate's day in the browser: sign in, dashboard, caseload, intake, the case page, sign out."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

from playwright.sync_api import expect

from domain.demo import DEMO_PASSWORD
from tests.e2e.conftest import ADVOCATE, broken_words, graphql, sign_in


def test_sign_in_dashboard_and_sign_out(page):
    page.goto("/dashboard")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=%2Fdashboard"))
    page.get_by_label("Email").fill(ADVOCATE)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("The email or password is not right")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    # only that: no "your session has ended" beside the password, and no hint which of the two was wrong
    expect(page.get_by_text("Your session has ended")).to_have_count(0)
    expect(page.get_by_label("Password")).not_to_have_attribute("aria-invalid", "true")

    sign_in(page)
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My day")
    expect(page.get_by_text("Massachusetts Parents United")).to_be_visible()
    open_cases = page.get_by_role("heading", name=re.compile(r"^My open cases \(\d+\)$"))
    expect(open_cases).to_be_visible()
    assert int(re.search(r"\((\d+)\)", open_cases.inner_text()).group(1)) > 0
    expect(page.get_by_role("heading", name=re.compile(r"^Overdue escalations \(\d+\)$"))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"^Deadlines this week \(\d+\)$"))).to_be_visible()

    # a case of the dashboard opens its page; a reload of a deep link is served the app (SPA fallback)
    first = page.locator("#dash-open ~ ul a").first
    title = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)

    # signing out forgets the page: whoever signs in next on this browser starts at their own home page
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    page.get_by_label("Email").fill(ADVOCATE)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    page.goto("/cases")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    assert graphql(page, "{ me { user { email } } }")["me"] is None  # the server session ended too


def test_caseload_filters_search_and_paging(page):
    sign_in(page)
    page.get_by_role("link", name="Caseload", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Caseload")
    count = page.get_by_text(re.compile(r"^\d[\d,]* cases$"))
    expect(count).to_be_visible()
    total = int(count.inner_text().split()[0].replace(",", ""))
    assert total > 25
    first_link, first_page, _ = _to_second_page(page)
    page.get_by_role("button", name="Previous page").click()
    expect(page.get_by_text("Page 1")).to_be_visible()
    expect(first_link).to_have_attribute("href", first_page)

    page.get_by_label("Status").select_option(label="Closed")
    expect(page).to_have_url(re.compile(r"status=CLOSED"))
    expect(page.locator("tbody tr .badge").first).to_have_text("Closed")
    statuses = page.locator("tbody tr td:nth-child(2)").all_inner_texts()
    assert statuses and set(statuses) == {"Closed"}
    closed = int(page.get_by_text(re.compile(r"^\d[\d,]* cases?$")).inner_text().split()[0].replace(",", ""))
    assert 0 < closed < total

    # at 1280px the status badges keep their words whole (the table squeezed "Escalated" to "Escala/ted")
    assert page.viewport_size["width"] == 1280
    page.get_by_label("Status").select_option(label="Escalated")
    expect(page.locator("tbody tr .badge").first).to_have_text("Escalated")
    assert broken_words(page, ".badge, button") == []

    page.get_by_label("Status").select_option(label="Any")
    word = "interpreter"
    page.get_by_label("Search").fill(word)
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(rf"q={word}"))
    counted = page.get_by_text(re.compile(r"^\d[\d,]* cases?$"))
    expect(counted).not_to_have_text(f"{total:,} cases")  # the search's answer, not the unfiltered count still shown
    searched = int(counted.inner_text().split()[0].replace(",", ""))
    assert 0 < searched < total

    page.get_by_label("Search").fill("zzqx no such words")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No case matches these filters.")).to_be_visible()
    expect(page.get_by_text("0 cases")).to_be_visible()

    # the box takes at most what the API searches (200 characters): a longer text is cut, not refused
    search = page.get_by_label("Search")
    expect(search).to_have_attribute("maxlength", "200")
    search.fill("zzqx no such words " * 15)
    assert len(search.input_value()) == 200
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No case matches these filters.")).to_be_visible()
    expect(page.get_by_text("At most 200 characters")).to_have_count(0)


def _intake(page, *, family: str, title: str, category="Special education", subcategory="Evaluation request or delay",
):
    page.get_by_role("link", name="New intake", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New intake")
    _fill_intake(page, family=family, title=title, category=category, subcategory=subcategory)
    page.get_by_role("button", name="Create family and case").click()
    expect(page).to_have_url(re.compile(r"/cases/[^/?]+\?created=1"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)


def _fill_intake(page, *, family: str, title: str, category: str, subcategory: str) -> None:
    page.get_by_label("Family name").fill(family)
    page.get_by_label("Parent or guardian").fill("Lucía Ortega")
    # every language offered is named (Cape Verdean Creole too, which the browser cannot name)
    language = page.get_by_label("Preferred language")
    expect(language.locator("option[value=kea]")).to_have_text("Cape Verdean Creole (Kabuverdianu)")
    assert all(not re.fullmatch(r"[a-z]{2,3}", o) for o in language.locator("option").all_inner_texts())
    language.select_option("es")
    page.get_by_label("First name").fill("Mateo")
    page.get_by_label("Last name").fill("Ortega")
    page.get_by_label("Grade").select_option("4")
    school = page.get_by_label(re.compile(r"^School$"))
    school.select_option(school.locator("option", has_text="Donald McKay K-8 School").first.get_attribute("value"))
    page.get_by_label("Special education").select_option(label="Evaluation requested")
    page.get_by_label(re.compile(r"^Issue")).select_option(label=category)
    page.get_by_label("Specific issue").select_option(label=subcategory)
    page.get_by_label("Title").fill(title)


def _to_second_page(page):
    """From the first page of a list of 25 rows to its second: (the first row's link, its address on page 1 and
    on page 2)."""
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(25)
    first_link = rows.first.locator("a")
    first_page = first_link.get_attribute("href")
    page.get_by_role("button", name="Next page").click()
    expect(page.get_by_text("Page 2")).to_be_visible()
    expect(first_link).not_to_have_attribute("href", first_page)
    return first_link, first_page, first_link.get_attribute("href")


def test_caseload_page_is_kept_when_coming_back_from_a_case(page):
    """Page 2 of the caseload, a case, then Back (the browser's, or the case page's link): Page 2 again, with
    Previous still working; a filter change starts over at Page 1."""
    sign_in(page)
    page.get_by_role("link", name="Caseload", exact=True).click()
    first_link, first_page, second_page = _to_second_page(page)

    # the browser's Back button
    first_link.click()
    page.wait_for_url(re.compile(r"/cases/[^/?]+$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.go_back()
    expect(page.get_by_text("Page 2")).to_be_visible()
    expect(first_link).to_have_attribute("href", second_page)

    # the case page's link back to the caseload
    first_link.click()
    page.wait_for_url(re.compile(r"/cases/[^/?]+$"))
    page.get_by_role("link", name="Back to the caseload").click()
    expect(page.get_by_text("Page 2")).to_be_visible()
    expect(first_link).to_have_attribute("href", second_page)

    # Previous still goes back to the first page; a reload keeps the page I am on
    page.get_by_role("button", name="Previous page").click()
    expect(page.get_by_text("Page 1")).to_be_visible()
    expect(first_link).to_have_attribute("href", first_page)
    page.get_by_role("button", name="Next page").click()
    expect(page.get_by_text("Page 2")).to_be_visible()
    page.reload()
    expect(page.get_by_text("Page 2")).to_be_visible()
    expect(first_link).to_have_attribute("href", second_page)

    # a filter change starts over at the first page
    page.get_by_label("Sort by").select_option(label="Oldest first")
    expect(page).to_have_url(re.compile(r"order=OPENED_OLDEST"))
    expect(page.get_by_text("Page 1")).to_be_visible()
    expect(page.get_by_role("button", name="Previous page")).to_be_disabled()


def test_families_page_is_kept_when_coming_back_from_a_family(page):
    """The families list pages like the caseload (lib/useAddressFilters): Back from a family on Page 2 is Page 2."""
    sign_in(page)
    page.goto("/families")
    first_link, first_page, second_page = _to_second_page(page)
    first_link.click()
    page.wait_for_url(re.compile(r"/families/[^/?]+$"))
    page.get_by_role("link", name="← Families").click()
    expect(page.get_by_text("Page 2")).to_be_visible()
    expect(first_link).to_have_attribute("href", second_page)
    page.go_back()
    page.wait_for_url(re.compile(r"/families/[^/?]+$"))
    page.go_back()
    expect(page.get_by_text("Page 2")).to_be_visible()
    expect(first_link).to_have_attribute("href", second_page)
    page.get_by_role("button", name="Previous page").click()
    expect(page.get_by_text("Page 1")).to_be_visible()
    expect(first_link).to_have_attribute("href", first_page)


def test_intake_creates_family_student_and_case(page):
    sign_in(page)
    page.get_by_role("link", name="New intake", exact=True).click()
    page.get_by_role("button", name="Create family and case").click()
    # every missing required field says so right beside it; nothing was created
    expect(page.get_by_role("alert")).to_contain_text("Some required fields are empty")
    # the first field at fault is focused (the button is far below it on a long form)
    expect(page.get_by_label("Family name", exact=False).first).to_be_focused()
    for label in ("Family name", "First name", "Last name", "Title"):
        field = page.get_by_label(label, exact=False).first
        expect(field).to_have_attribute("aria-invalid", "true")
        described = field.get_attribute("aria-describedby")
        expect(page.locator(f"#{described.split()[-1].replace(':', chr(92) + ':')}")).to_have_text("This is required.")

    # the server refuses the case part (an incident in the future) after the family and student parts passed:
    # the error is beside the field and nothing of the intake was recorded (one case in the caseload below)
    tag = uuid.uuid4().hex[:6]
    title = f"Evaluation requested in September, no plan {tag}"
    _fill_intake(page, family=f"Ortega family {tag}", title=title, category="Special education",
                 subcategory="Evaluation request or delay")
    incident = page.get_by_label("Date of the incident")
    incident.fill((date.today() + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Create family and case").click()
    expect(incident).to_have_attribute("aria-invalid", "true")
    expect(incident).to_be_focused()  # the server's refusal too: focus goes to the field it names
    expect(page).to_have_url(re.compile(r"/intake$"))
    incident_on = date.today() - timedelta(days=10)
    incident.fill(incident_on.isoformat())
    page.get_by_role("button", name="Create family and case").click()
    expect(page).to_have_url(re.compile(r"/cases/[^/?]+\?created=1"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    expect(page.get_by_text("The family, the student and the case are saved.")).to_be_visible()
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text(f"Ortega family {tag}")
    expect(facts).to_contain_text("Mateo Ortega")
    expect(facts).to_contain_text("Donald McKay K-8 School")
    expect(facts).to_contain_text("Rosa Mejía")  # assigned to me by default
    incident_shown = facts.locator("dt", has_text="Date of the incident").locator("xpath=following-sibling::dd[1]")
    expect(incident_shown).to_have_text(f"{incident_on:%b} {incident_on.day}, {incident_on.year}")
    # and it is in my caseload
    page.get_by_role("link", name="Caseload", exact=True).click()
    page.get_by_label("Search").fill(tag)
    page.get_by_role("button", name="Search").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody tr")).to_contain_text("Intake")


def test_case_page_note_status_consent_and_escalation(page):
    sign_in(page)
    tag = uuid.uuid4().hex[:6]
    _intake(page, family=f"Diallo family {tag}", title=f"Suspended without notice {tag}",
            category="Discipline", subcategory="Out-of-school suspension")

    # a note on the timeline
    page.get_by_label("Kind").select_option(label="Call")
    page.get_by_label(re.compile(r"^Note \(required\)")).fill(f"Called the assistant principal {tag}.")
    page.get_by_role("button", name="Add to the timeline").click()
    timeline = page.locator("ol.timeline")
    expect(timeline.locator("li").first).to_contain_text(f"Called the assistant principal {tag}.")
    expect(timeline.locator("li").first).to_contain_text("Call")

    # a status change: resolving needs an outcome (said next to the field); Intake -> Open
    page.get_by_label("New status").select_option(label="Open")
    page.get_by_role("button", name="Change status").click()
    expect(page.get_by_text("The case is now Open.")).to_be_visible()
    expect(page.get_by_role("heading", level=1).locator(".badge")).to_have_text("Open")
    expect(timeline).to_contain_text("Intake → Open")

    # escalating needs the family's consent: the form says so
    page.get_by_role("button", name="Escalate this case").click()
    expect(page.get_by_text("The family has no active consent to share with the district")).to_be_visible()
    page.get_by_role("button", name="Cancel").click()

    page.get_by_label(re.compile(r"^Consent")).select_option(label="Share with the district")
    page.get_by_label("How the family gave it").select_option(label="Written")
    page.get_by_role("button", name="Record consent").click()
    # the server's plain-language error, next to the field at fault
    purpose = page.get_by_label(re.compile(r"^Purpose"))
    expect(purpose).to_have_attribute("aria-invalid", "true")
    expect(purpose).to_be_focused()
    expect(purpose.locator("xpath=following-sibling::p[@class='error']")).to_contain_text("recipient, purpose and records")
    purpose.fill("Resolve the suspension")
    page.get_by_label(re.compile(r"^Records that may be shared")).fill("Discipline records for this school year")
    page.get_by_role("button", name="Record consent").click()
    expect(page.get_by_text("The consent is recorded.")).to_be_visible()
    consents = page.locator("#case-consents ~ ul")
    expect(consents).to_contain_text("Share with the district")
    expect(consents).to_contain_text("Active")

    # the escalation flow: level, contact, request, the letter, send
    page.get_by_role("button", name="Escalate this case").click()
    page.get_by_label("Ladder level").select_option(index=0)
    page.get_by_role("button", name="Review the letter").click()
    expect(page.get_by_text("Choose who to write to.")).to_be_visible()
    expect(page.get_by_text("Describe what happened.")).to_be_visible()
    contact = page.get_by_role("radio").first
    contact_name = contact.locator("xpath=..").locator("strong").inner_text()
    contact.check()
    page.get_by_label(re.compile(r"^What happened")).fill(f"Mateo was suspended for 3 days with no written notice {tag}.")
    page.get_by_label("What we are asking for").fill("Written notice, and the days removed from his record.")
    page.get_by_role("button", name="Review the letter").click()
    letter = page.locator("pre.letter")
    expect(letter).to_contain_text(f"Dear {contact_name},")
    expect(letter).to_contain_text(f"no written notice {tag}")
    expect(letter).to_contain_text("Written notice, and the days removed from his record.")
    expect(letter).to_contain_text("Massachusetts Parents United")
    page.get_by_role("button", name="Send the escalation").click()
    expect(page.get_by_text(re.compile(r"The escalation is sent\. The answer is due"))).to_be_visible()
    escalations = page.locator("#case-escalations ~ ul").first
    expect(escalations).to_contain_text(contact_name)
    expect(escalations).to_contain_text("Sent")
    expect(escalations).to_contain_text("Letter:")  # the letter in the outbox, with its delivery status

    # the district answers
    page.get_by_role("button", name="Record the response").click()
    page.get_by_role("button", name="Save the response").click()
    expect(page.get_by_text("Write what the district said.")).to_be_visible()
    page.get_by_label("What the district said").fill(f"The principal will send the notice and meet the family {tag}.")
    page.get_by_role("button", name="Save the response").click()
    expect(escalations).to_contain_text("Answered")
    expect(escalations).to_contain_text(f"meet the family {tag}")


def test_assigning_a_case_to_colleagues(page):
    sign_in(page)
    tag = uuid.uuid4().hex[:6]
    _intake(page, family=f"Okafor family {tag}", title=f"No bus since the move {tag}")
    case_id = page.url.split("/cases/")[1].split("?")[0]
    panel = page.locator("section", has=page.get_by_role("heading", name="Who works on this case"))
    advocates = page.locator("dt", has_text=re.compile(r"^Advocates$")).locator("xpath=following-sibling::dd[1]")

    panel.get_by_label("Find a colleague").fill("nadège")
    panel.get_by_role("checkbox", name="Nadège Pierre-Louis").check()
    panel.get_by_label("Find a colleague").fill("Darnell")  # a campaign lead cannot open cases: not offered
    expect(panel.get_by_text("No colleague matches.")).to_be_visible()
    expect(panel.get_by_role("checkbox", name="Nadège Pierre-Louis")).to_be_checked()  # still listed, still ticked
    panel.get_by_role("button", name="Save assignees").click()
    expect(panel.get_by_text("Assignees saved.")).to_be_visible()
    expect(advocates).to_contain_text("Nadège Pierre-Louis")
    expect(page.locator("ol.timeline li").first).to_contain_text("Assignees changed")

    # unticked and saved: no longer on the case (as the server says too)
    panel.get_by_label("Find a colleague").fill("")
    panel.get_by_role("checkbox", name="Nadège Pierre-Louis").uncheck()
    panel.get_by_role("button", name="Save assignees").click()
    expect(advocates).not_to_contain_text("Nadège")
    names = [a["displayName"] for a in graphql(page, "query($id: ID!) { case(id: $id) { assignees { displayName } } }",
                                                {"id": case_id})["case"]["assignees"]]
    assert "Nadège Pierre-Louis" not in names
    if "Rosa Mejía" not in names:  # an intake need not assign its advocate: one click does
        panel.get_by_role("button", name="Assign me").click()
        expect(advocates).to_contain_text("Rosa Mejía")
    expect(panel.get_by_role("button", name="Assign me")).to_have_count(0)


def test_a_returning_family_gets_a_new_case_from_its_page(page):
    sign_in(page)
    tag = uuid.uuid4().hex[:6]
    _intake(page, family=f"Baptiste family {tag}", title=f"Evaluation never scheduled {tag}")
    # the case page names the family: a link to its page
    page.get_by_role("link", name=f"Baptiste family {tag}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Baptiste family {tag}")

    # a second intake under the same name points to the family already recorded
    page.get_by_role("link", name="New intake", exact=True).click()
    page.get_by_label("Family name").fill(f"Baptiste Family {tag}")
    similar = page.get_by_role("status").filter(has_text="A family with a similar name is already recorded")
    expect(similar).to_contain_text("Mateo Ortega")
    similar.get_by_role("link", name=f"Baptiste family {tag}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Baptiste family {tag}")

    # found again from Families, by the family's name or a student's
    page.get_by_role("link", name="Families", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Families")
    page.get_by_label("Find a family").fill(f"baptiste family {tag}")
    page.get_by_role("button", name="Find", exact=True).click()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Mateo Ortega")
    page.get_by_label("Chapter").select_option(label="Lowell")  # the family is East Boston's
    expect(page.get_by_text("No family matches.")).to_be_visible()
    page.get_by_label("Chapter").select_option(label="East Boston")
    expect(rows).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/families\?.*chapter="))
    rows.first.get_by_role("link").click()
    cases = page.locator("section", has=page.get_by_role("heading", name="Cases"))
    expect(cases).to_contain_text(f"Evaluation never scheduled {tag}")
    expect(page.locator("section", has=page.get_by_role("heading", name="Students"))).to_contain_text("Mateo Ortega")

    # a new issue of the same family: its one student and the student's school come chosen
    page.get_by_role("button", name="Open a new case for this family").click()
    expect(page.get_by_label("Student", exact=True)).to_have_value(re.compile(r".+"))
    expect(page.get_by_label("School", exact=True)).not_to_have_value("")
    page.get_by_role("button", name="Open the case").click()
    expect(page.get_by_role("alert")).to_contain_text("Some required fields are empty")
    page.get_by_label(re.compile(r"^Issue")).select_option(label="Language access")
    page.get_by_label("Specific issue").select_option(label="No interpreter")
    page.get_by_label("Title").fill(f"No interpreter at the meeting {tag}")
    page.get_by_role("button", name="Open the case").click()
    expect(page).to_have_url(re.compile(r"/cases/[^/?]+\?created=1"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"No interpreter at the meeting {tag}")
    expect(page.get_by_text("Mateo Ortega")).to_be_visible()

    # one family with both cases, not a second family
    page.get_by_role("link", name=f"Baptiste family {tag}").click()
    expect(cases.get_by_role("listitem")).to_have_count(2)
    found = graphql(page, "query($q: String) { families(search: $q) { edges { node { id } } } }",
                    {"q": f"Baptiste family {tag}"})["families"]["edges"]
    assert len(found) == 1


def test_family_details_and_a_second_student(page):
    sign_in(page)
    tag = uuid.uuid4().hex[:6]
    _intake(page, family=f"Joseph family {tag}", title=f"Suspended twice {tag}")
    page.get_by_role("link", name=f"Joseph family {tag}").click()
    family_id = page.url.split("/families/")[1]
    facts = page.locator("dl.facts")

    # new contact details: a bad phone is said beside its field, and nothing is saved
    page.get_by_role("button", name="Edit the family's details").click()
    page.get_by_label("Phone", exact=True).fill("call me maybe")
    page.get_by_role("button", name="Add a parent or guardian").click()
    page.get_by_label("Parent or guardian 2", exact=True).fill("Jean Joseph")
    page.get_by_label("Phone of parent or guardian 2").fill("617-555-0142")
    page.get_by_role("button", name="Save the family's details").click()
    expect(page.get_by_label("Phone", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(facts).not_to_contain_text("Jean Joseph")
    page.get_by_label("Phone", exact=True).fill("617-555-0199")
    page.get_by_role("checkbox", name="WhatsApp").check()
    page.get_by_label(re.compile(r"^Contact notes")).fill("Call after 5 pm.")

    # meanwhile someone else saves the family: mine are kept and go over theirs on the second save
    version = graphql(page, "query($id: ID!) { family(id: $id) { version } }", {"id": family_id})["family"]["version"]
    theirs = graphql(page, """mutation($id: ID!, $v: Int!) { updateFamily(input: {id: $id, version: $v,
        email: "joseph@example.org"}) { errors { code } } }""", {"id": family_id, "v": version})
    assert theirs["updateFamily"]["errors"] == []
    page.get_by_role("button", name="Save the family's details").click()
    expect(page.get_by_role("alert")).to_contain_text("Someone else changed this family")
    expect(facts).to_contain_text("joseph@example.org")  # the page shows theirs
    page.get_by_role("button", name="Save the family's details").click()
    expect(page.get_by_text("The family's details are saved.")).to_be_visible()
    expect(facts).to_contain_text("617-555-0199")
    expect(facts).to_contain_text("Jean Joseph")
    expect(facts).to_contain_text("joseph@example.org")  # a field I did not touch keeps their value
    expect(facts).to_contain_text("WhatsApp")
    expect(facts).to_contain_text("Call after 5 pm.")

    # a sibling: added to the family, then the student of a new case
    page.get_by_role("button", name="Add a student").click()
    page.get_by_role("button", name="Save the student").click()
    expect(page.get_by_label(re.compile(r"^First name"))).to_have_attribute("aria-invalid", "true")
    page.get_by_label(re.compile(r"^First name")).fill("Lila")
    page.get_by_label(re.compile(r"^Last name")).fill("Joseph")
    page.get_by_label("Grade").select_option("2")
    page.get_by_role("button", name="Save the student").click()
    expect(page.get_by_text("Lila Joseph is added to the family.")).to_be_visible()
    students = page.locator("section", has=page.get_by_role("heading", name="Students"))
    expect(students).to_contain_text("Lila Joseph · grade 2")
    # a new school year: Mateo's grade corrected, nothing else of his touched
    page.get_by_role("button", name="Edit Mateo Ortega").click()
    page.get_by_label("Grade").select_option("5")
    page.get_by_role("button", name="Save the student").click()
    expect(page.get_by_text("Mateo Ortega's details are saved.")).to_be_visible()
    expect(students).to_contain_text("Mateo Ortega · grade 5 · Donald McKay K-8 School")
    page.get_by_role("button", name="Open a new case for this family").click()
    page.get_by_label("Student", exact=True).select_option(label="Lila Joseph")
    page.get_by_label(re.compile(r"^Issue")).select_option(label="Discipline")
    page.get_by_label("Specific issue").select_option(label="Out-of-school suspension")
    page.get_by_label("Title").fill(f"Lila sent home {tag}")
    page.get_by_role("button", name="Open the case").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Lila sent home {tag}")
    expect(page.get_by_text("Lila Joseph")).to_be_visible()


def test_an_intake_whose_answer_was_lost_is_not_recorded_twice(page):
    sign_in(page)
    tag = uuid.uuid4().hex[:6]
    page.get_by_role("link", name="New intake", exact=True).click()
    _fill_intake(page, family=f"Mensah family {tag}", title=f"Bus stop moved {tag}", category="Discipline",
                 subcategory="Out-of-school suspension")

    # the server records the intake, but its answer never reaches the browser
    def lose_the_answer(route):
        if "recordIntake" in (route.request.post_data or ""):
            route.fetch()  # the server gets it and records it
            route.abort("connectionreset")
        else:
            route.continue_()
    page.route("**/graphql", lose_the_answer)
    page.get_by_role("button", name="Create family and case").click()
    expect(page.get_by_role("alert")).to_be_visible()
    page.unroute("**/graphql")

    # edited (the family's name too) and sent again: the first intake is pointed to, no second family recorded
    page.get_by_label("Family name").fill(f"Mensah-Owusu household {tag}")
    page.get_by_label("Title").fill(f"Bus stop moved again {tag}")
    page.get_by_role("button", name="Create family and case").click()
    expect(page.get_by_role("alert")).to_contain_text("already recorded when you first sent it")
    similar = page.get_by_role("status").filter(has_text="A family with a similar name is already recorded")
    similar.get_by_role("link", name=f"Mensah family {tag}").click()
    expect(page.locator("section", has=page.get_by_role("heading", name="Cases"))).to_contain_text(
        f"Bus stop moved {tag}")
    found = graphql(page, "query($q: String) { families(search: $q) { edges { node { displayName } } } }",
                    {"q": tag})["families"]["edges"]
    assert [f["node"]["displayName"] for f in found] == [f"Mensah family {tag}"]


def test_a_case_opened_with_the_wrong_school_and_issue_is_corrected(page):
    sign_in(page)
    tag = uuid.uuid4().hex[:6]
    _intake(page, family=f"Haddad family {tag}", title=f"Evaluation delayed {tag}")
    page.get_by_role("button", name="Edit details").click()
    school = page.get_by_label("School", exact=True)
    school.select_option(school.locator("option", has_text="East Boston High School").first.get_attribute("value"))
    page.get_by_label(re.compile(r"^Issue")).select_option(label="Language access")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_label("Specific issue")).to_have_attribute("aria-invalid", "true")  # the issue needs its kind
    page.get_by_label("Specific issue").select_option(label="No interpreter")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Your changes are saved.")).to_be_visible()
    facts = page.locator("dl.facts").first
    expect(facts).to_contain_text("East Boston High School")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Evaluation delayed {tag}")
    expect(page.get_by_text("Language access").first).to_be_visible()


def test_update_conflict_shows_the_latest_version(page):
    sign_in(page)
    tag = uuid.uuid4().hex[:6]
    _intake(page, family=f"Nguyen family {tag}", title=f"No interpreter at the IEP meeting {tag}",
            category="Language access", subcategory="No interpreter")
    case_id = page.url.split("/cases/")[1].split("?")[0]

    page.get_by_role("button", name="Edit details").click()
    page.get_by_label("Title").fill(f"My edit {tag}")

    # meanwhile, someone else saves the case
    version = graphql(page, "query($id: ID!) { case(id: $id) { version } }", {"id": case_id})["case"]["version"]
    result = graphql(page, """mutation($id: ID!, $v: Int!, $t: String!) {
        updateCase(input: {id: $id, version: $v, title: $t, priority: URGENT}) { case { version } errors { code } } }""",
                     {"id": case_id, "v": version, "t": f"Their edit {tag}"})
    assert result["updateCase"]["errors"] == []

    page.get_by_role("button", name="Save", exact=True).click()
    warning = page.get_by_role("alert").filter(has_text="Someone else changed this case")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text(f"Their edit {tag}")
    expect(warning).to_contain_text("Urgent")
    expect(page.get_by_label("Title")).to_have_value(f"My edit {tag}")  # my edit is kept
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Their edit {tag}")  # the page shows the latest

    page.get_by_role("button", name="Save my changes over the latest version").click()
    expect(page.get_by_text("Your changes are saved.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"My edit {tag}")


def test_intake_on_a_phone(browser, server):
    ctx = browser.new_context(base_url=server, viewport={"width": 375, "height": 740}, is_mobile=True,
                              has_touch=True, locale="en-US")
    try:
        page = ctx.new_page()
        sign_in(page)
        page.get_by_role("button", name="Menu", exact=True).click()  # the navigation is behind it on a phone
        page.get_by_role("link", name="New intake", exact=True).click()
        expect(page.get_by_label("Family name")).to_be_visible()
        # nothing is wider than the screen: no sideways scrolling on a phone
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.get_by_label("Family name").tap()
        expect(page.get_by_label("Family name")).to_be_focused()
        page.get_by_role("button", name="Menu", exact=True).click()  # the navigation is behind it on a phone
        page.get_by_role("link", name="Caseload", exact=True).click()
        expect(page.locator("tbody tr").first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.get_by_label("Status").select_option(label="Escalated")
        page.locator("tbody tr a").first.click()
        page.get_by_role("button", name="Escalate this case").click()
        page.get_by_role("radio").first.check()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        # a family, on the phone: its page and its forms fit the screen too
        page.get_by_role("button", name="Menu", exact=True).click()  # the navigation is behind it on a phone
        page.get_by_role("link", name="Families", exact=True).click()
        expect(page.locator("tbody tr").first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.locator("tbody tr a").first.click()
        page.get_by_role("button", name="Edit the family's details").click()
        page.get_by_role("button", name="Open a new case for this family").click()
        expect(page.get_by_role("button", name="Open the case")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        ctx.close()
