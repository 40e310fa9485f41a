"""An advocate's case page in real Chromium: link the case to a campaign with a reason and unlink it (after a
confirmation), draft a de-identified story (a school name is refused beside the text), edit it (a stale edit
says someone else changed it); the campaign lead finds the draft waiting for approval. Against the shared e2e
server: the campaign is this test's own, the link is undone at the end and the story is sent back."""

from __future__ import annotations

import uuid

from playwright.sync_api import expect

from tests.e2e.conftest import ADVOCATE, axe_violations, graphql, sign_in

LEAD = "lead@mpu.demo.advocase.org"
STORY = ("A seventh grader with an IEP was sent home again and again without a meeting about services. "
         "After the advocate wrote to the district office, the team met and agreed to a new support plan.")


def test_link_a_case_and_draft_a_story(page, browser, server):
    tag = uuid.uuid4().hex[:6]
    campaign_name = f"Case page links {tag}"
    story_title = f"Sent home without a meeting {tag}"

    # the campaign lead starts an active campaign with no criteria: its cases are the linked ones
    lead_ctx = browser.new_context(base_url=server, locale="en-US", timezone_id="America/New_York")
    lead_ctx.set_default_timeout(15000)
    lead = lead_ctx.new_page()
    try:
        sign_in(lead, LEAD)
        made = graphql(lead, """mutation($i: CreateCampaignInput!) { createCampaign(input: $i) {
            campaign { id } errors { code } } }""", {"i": {"name": campaign_name, "status": "ACTIVE",
                                                          "goal": "Hearings before removals"}})
        campaign_id = made["createCampaign"]["campaign"]["id"]

        # the advocate opens a case of theirs that has a school
        sign_in(page, ADVOCATE)
        cases = graphql(page, "{ cases(first: 50) { edges { node { id title school { name } } } } }")
        case = next(e["node"] for e in cases["cases"]["edges"] if e["node"]["school"])
        page.goto(f"/cases/{case['id']}")
        page.get_by_role("heading", level=1).filter(has_text=case["title"]).wait_for()

        # link it: nothing chosen gives plain-language errors beside the fields
        section = page.get_by_role("region", name="Campaigns")
        section.get_by_role("button", name="Link the case").click()
        campaign_box = section.get_by_label("Campaign")
        expect(campaign_box).to_have_attribute("aria-invalid", "true")
        expect(section.get_by_text("Choose a campaign.")).to_be_visible()
        expect(section.get_by_text("Say why this case belongs to the campaign.")).to_be_visible()
        campaign_box.select_option(label=f"{campaign_name} (Active)")
        section.get_by_label("Why it belongs").fill("Sent home without a hearing, like the others")
        section.get_by_role("button", name="Link the case").click()
        expect(section.get_by_role("status")).to_have_text(f"The case is linked to “{campaign_name}”.")
        expect(section.get_by_role("link", name=campaign_name)).to_be_visible()
        expect(section.get_by_text("Why it belongs: Sent home without a hearing, like the others")).to_be_visible()

        # draft a story that names the school: refused, the message beside the story text, nothing saved
        stories = page.get_by_role("region", name="Stories")
        expect(stories.get_by_text("no names of people or schools, no emails, phone numbers or dates")).to_be_visible()
        stories.get_by_label("Headline").fill(story_title)
        body = stories.get_by_role("textbox", name="Story (required)")
        body.fill(f"{STORY} It happened at {case['school']['name']}.")
        stories.get_by_role("button", name="Save the draft").click()
        expect(body).to_have_attribute("aria-invalid", "true")
        error_id = body.get_attribute("aria-describedby").split()[-1]
        error = page.locator(f"[id='{error_id}']")
        expect(error).to_contain_text("A story must not identify anyone")
        expect(error).to_contain_text(case["school"]["name"])
        assert graphql(page, """query($c: ID!) { stories(filter: {caseId: $c}) { edges { node { title } } } }""",
                       {"c": case["id"]})["stories"]["edges"].count({"node": {"title": story_title}}) == 0

        # fixed, it is saved and waits for approval
        body.fill(STORY)
        stories.get_by_role("button", name="Save the draft").click()
        expect(stories.get_by_role("status")).to_have_text(
            f"“{story_title}” is saved and awaits approval by a second person.")
        article = stories.get_by_role("article", name=story_title)
        expect(article.get_by_text("Draft, awaiting approval")).to_be_visible()

        # an edit made stale by someone else's change says so, and the latest version can be loaded
        article.get_by_role("button", name=f"Edit “{story_title}”").click()
        expect(stories.get_by_label("Headline")).to_be_focused()
        story_id = graphql(page, """query($c: ID!) { stories(filter: {caseId: $c}) { edges { node { id title } } } }""",
                           {"c": case["id"]})["stories"]["edges"]
        story_id = next(e["node"]["id"] for e in story_id if e["node"]["title"] == story_title)
        other = graphql(page, """mutation($i: UpdateStoryInput!) { updateStory(input: $i) { errors { code } } }""",
                        {"i": {"id": story_id, "version": 1, "body": STORY + " The plan is working."}})
        assert other["updateStory"]["errors"] == []
        stories.get_by_label("Headline").fill(f"{story_title}, again")
        stories.get_by_role("button", name="Save the changes").click()
        expect(stories.get_by_role("alert")).to_contain_text("Someone else changed this story after you opened it")
        stories.get_by_role("button", name="Load the latest version").click()
        expect(body).to_have_value(STORY + " The plan is working.")
        stories.get_by_role("button", name="Save the changes").click()
        expect(stories.get_by_role("status")).to_contain_text("awaits approval by a second person")
        expect(stories.get_by_role("article", name=story_title).get_by_text("Draft, awaiting approval")).to_be_visible()
        assert axe_violations(page) == []

        # the campaign lead finds the draft waiting for approval on the campaign's page
        lead.goto(f"/campaigns/{campaign_id}")
        review = lead.get_by_role("region", name="Stories waiting for approval")
        expect(review.get_by_role("article", name=story_title)).to_be_visible()

        # unlink, after a confirmation that takes the focus
        section.get_by_role("button", name=f"Unlink from {campaign_name}").click()
        confirm = section.get_by_role("button", name="Yes, unlink")
        expect(confirm).to_be_focused()
        expect(section.get_by_text(f"Unlink this case from “{campaign_name}”?")).to_be_visible()
        confirm.click()
        expect(section.get_by_role("status")).to_have_text(f"The case is no longer linked to “{campaign_name}”.")
        expect(section.get_by_role("link", name=campaign_name)).to_have_count(0)
    finally:
        # leave the shared demo data as other tests expect it: the story sent back, the campaign closed
        try:
            mine = graphql(lead, """{ stories(filter: {status: [DRAFT]}, first: 100) { edges { node { id title } } } }""")
            for e in mine["stories"]["edges"]:
                if e["node"]["title"] == story_title:
                    graphql(lead, """mutation($i: RejectStoryInput!) { rejectStory(input: $i) { errors { code } } }""",
                            {"i": {"id": e["node"]["id"], "note": "e2e clean-up"}})
            if "campaign_id" in locals():
                graphql(lead, """mutation($i: UpdateCampaignInput!) { updateCampaign(input: $i) { errors { code } } }""",
                        {"i": {"id": campaign_id, "version": 1, "status": "CLOSED"}})
        finally:
            lead_ctx.close()
