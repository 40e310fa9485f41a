"""Network pages in real Chromium: an admin convenes a network and reads its join code, a second organization's
admin joins with it, the convener names a campaign lead as a lead, and the lead reads the network's statistics:
both organizations side by side and combined, every suppressed cell shown as suppressed (a dash on screen, the
word for screen readers, never a number), checked cell by cell against the API. Then the second organization
leaves and its column is gone.

The module runs its own server (the demo data, a fresh SQLite file): convening and joining networks changes the
demo organizations the other e2e modules sign in to."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from domain.demo import MPU, PPU
from tests.e2e.conftest import axe_violations, graphql, running_server, sign_in

MPU_ADMIN = "admin@mpu.demo.advocase.org"
PPU_ADMIN = "admin@ppu.demo.advocase.org"
LEAD = "lead@mpu.demo.advocase.org"
NAME = "Family Justice Coalition"

STATS = """query($id: ID!, $g: StatsDimension) { networkStats(networkId: $id, groupBy: $g) {
  organizations { name } rows { key { label } byOrganization { cases { value suppressed } }
  combined { cases { value suppressed } } } total { byOrganization { cases { value suppressed } }
  combined { cases { value suppressed } } } } }"""


@pytest.fixture(scope="module")
def server(web_dist, tmp_path_factory) -> str:
    """Overrides the shared server: a database of this module's own (networks change the demo organizations)."""
    with running_server(tmp_path_factory, "e2e-networks") as base:
        yield base


@pytest.fixture
def new_page(browser, server):
    """Another signed-out tab with its own cookies (a second person)."""
    contexts = []

    def make():
        ctx = browser.new_context(base_url=server, locale="en-US", timezone_id="America/New_York")
        ctx.set_default_timeout(15000)
        contexts.append(ctx)
        return ctx.new_page()

    yield make
    for c in contexts:
        c.close()


def open_networks(page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Networks").click()
    expect(page.get_by_role("heading", level=1, name="Networks")).to_be_visible()


def card(page, name: str):
    return page.get_by_role("article", name=name)


def test_convene_join_lead_and_read_network_statistics_side_by_side(page, new_page):
    # the convening admin: a name is required, then the network is convened and its join code shown
    sign_in(page, MPU_ADMIN)
    open_networks(page)
    expect(page.get_by_text("Your organization has not convened or joined a network yet.")).to_be_visible()
    assert axe_violations(page) == []
    convene = page.get_by_role("region", name="Convene a network")
    convene.get_by_role("button", name="Convene network").click()
    name_box = convene.get_by_label("Name")
    expect(name_box).to_have_attribute("aria-invalid", "true")
    expect(convene.get_by_text("Give the network a name.")).to_be_visible()
    name_box.fill(NAME)
    convene.get_by_label("Kind").select_option(label="Coalition")
    convene.get_by_role("button", name="Convene network").click()
    expect(convene.get_by_role("status")).to_contain_text(f"{NAME} is convened.")
    mine = card(page, NAME)
    expect(mine).to_contain_text("Convened by your organization")
    expect(mine).to_contain_text("Your organization is not a member")
    code = mine.locator("dl.join-code code").inner_text().strip()
    assert len(code) >= 16, code
    # the convener's own cases count only once it joins too
    mine.get_by_role("button", name="Add my organization's aggregates").click()
    expect(mine.get_by_role("status")).to_contain_text(f"Your organization joined {NAME}.")
    expect(mine).to_contain_text("Your organization is a member")

    # the second organization's admin: a wrong code is refused beside the field, the right one joins
    other = new_page()
    sign_in(other, PPU_ADMIN)
    open_networks(other)
    join = other.get_by_role("region", name="Join a network")
    join.get_by_label("Join code").fill("not-a-code")
    join.get_by_role("button", name="Join network").click()
    expect(join.get_by_label("Join code")).to_have_attribute("aria-invalid", "true")
    expect(card(other, NAME)).to_have_count(0)
    join.get_by_label("Join code").fill(code)
    join.get_by_role("button", name="Join network").click()
    expect(join.get_by_role("status")).to_contain_text(f"Your organization joined {NAME}.")
    theirs = card(other, NAME)
    expect(theirs).to_contain_text("Your organization is a member")
    expect(theirs.locator("dl.join-code")).to_have_count(0)  # only the convener's managers see the code
    expect(theirs.get_by_role("group", name=re.compile("^Leads of"))).to_have_count(0)

    # the convener names the campaign lead among its members whose role may lead networks
    page.reload()
    leads = card(page, NAME).get_by_role("group", name=f"Leads of {NAME}")
    darnell = leads.get_by_role("checkbox", name="Darnell Brooks", exact=True)
    expect(darnell).to_be_visible()
    expect(leads.get_by_role("checkbox", name="Rosa Mejía")).to_have_count(0)  # advocates may not lead networks
    darnell.check()
    card(page, NAME).get_by_role("button", name="Save leads").click()
    expect(card(page, NAME).get_by_role("status")).to_contain_text(f"The leads of {NAME} are saved.")
    page.reload()
    expect(card(page, NAME).get_by_role("checkbox", name=re.compile(r"^Darnell Brooks"))).to_be_checked()

    # the lead: both organizations side by side and combined, suppressed cells shown as suppressed
    lead = new_page()
    sign_in(lead, LEAD)
    open_networks(lead)
    expect(card(lead, NAME)).to_contain_text("You lead it")
    expect(lead.get_by_role("region", name="Convene a network")).to_have_count(0)
    card(lead, NAME).get_by_role("link", name=f"Statistics of {NAME}").click()
    expect(lead.get_by_role("heading", level=1, name=f"Statistics of {NAME}")).to_be_visible()
    network_id = lead.url.rsplit("/", 1)[1]
    table = lead.get_by_role("region", name="Cases by Issue: member organizations side by side and combined")
    expect(table.locator("thead th")).to_have_text(["Issue", MPU, PPU, "All members combined"])
    api = graphql(lead, STATS, {"id": network_id, "g": "CATEGORY"})["networkStats"]
    assert [o["name"] for o in api["organizations"]] == [MPU, PPU]
    body = table.locator("tbody tr")
    expect(body).to_have_count(len(api["rows"]))
    suppressed = 0
    for i, row in enumerate(api["rows"]):
        tr = body.nth(i)
        expect(tr.locator("th")).to_have_text(row["key"]["label"])
        for j, c in enumerate([m["cases"] for m in row["byOrganization"]] + [row["combined"]["cases"]]):
            td = tr.locator("td").nth(j)
            if c["suppressed"]:
                suppressed += 1
                expect(td).to_have_class(re.compile(r"\bsuppressed\b"))
                expect(td.locator(".suppressed-mark")).to_have_text("—")
                expect(td.locator(".sr-only")).to_have_text("suppressed")
            else:
                expect(td).not_to_have_class(re.compile(r"\bsuppressed\b"))
                expect(td).to_have_text(f"{c['value']:,}")
    assert suppressed > 0, "the demo data should have small cells in a network table by category"
    total = [m["cases"] for m in api["total"]["byOrganization"]] + [api["total"]["combined"]["cases"]]
    foot = table.locator("tfoot td")
    for j, c in enumerate(total):
        expect(foot.nth(j)).to_have_text("—suppressed" if c["suppressed"] else f"{c['value']:,}")
    expect(lead.get_by_text("Cells marked “—” are suppressed")).to_be_visible()
    assert axe_violations(lead) == []

    # another measure and no grouping: the totals only
    lead.get_by_label("Measure").select_option(label="Escalations sent")
    lead.get_by_label("Group by").select_option(label="No grouping (totals only)")
    only = lead.get_by_role("region", name="Escalations sent: member organizations side by side and combined")
    expect(only.locator("tbody tr")).to_have_count(0)
    expect(only.locator("tfoot td")).to_have_count(3)

    # the second organization leaves: at once, its column is gone from the lead's table
    other.once("dialog", lambda d: d.accept())
    card(other, NAME).get_by_role("button", name="Leave the network").click()
    expect(other.get_by_role("article", name=NAME)).to_have_count(0)
    expect(other.get_by_role("status").filter(has_text=f"Your organization left {NAME}.")).to_be_visible()
    expect(other.get_by_text("Your organization has not convened or joined a network yet.")).to_be_visible()
    lead.reload()
    table = lead.get_by_role("region", name="Cases by Issue: member organizations side by side and combined")
    expect(table.locator("thead th")).to_have_text(["Issue", MPU, "All members combined"])


def test_networks_page_is_not_offered_without_a_network_permission(page):
    sign_in(page, "advocate.lowell@mpu.demo.advocase.org")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Networks")).to_have_count(0)
    page.goto("/networks")
    expect(page.get_by_role("heading", level=1, name="Networks")).to_have_count(0)
