"""Networks: organizations opt in; a network's lead sees member organizations' suppressed aggregates side by side
and combined (each organization's threshold for its column, the largest for combined values), never a record."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select

from domain.audit.models import AuditEvent
from tests.api.campaign_ops import opt_out, seed_cases, seed_escalations, set_threshold
from tests.conftest import make_world

ERRORS = "errors { code message field }"
NET = ("id name kind joined convenedByMyOrganization iLead joinCode leads { displayName } "
       "members { name suppressionThreshold }")
CREATE = f"mutation($i: CreateNetworkInput!) {{ createNetwork(input: $i) {{ network {{ {NET} }} {ERRORS} }} }}"
LEADS = f"mutation($i: SetNetworkLeadsInput!) {{ setNetworkLeads(input: $i) {{ network {{ {NET} }} {ERRORS} }} }}"
JOIN = f"mutation($i: JoinNetworkInput!) {{ joinNetwork(input: $i) {{ network {{ {NET} }} {ERRORS} }} }}"
LEAVE = f"mutation($i: LeaveNetworkInput!) {{ leaveNetwork(input: $i) {{ network {{ {NET} }} {ERRORS} }} }}"
C = "{ value suppressed }"
MEASURES = f"cases {C} escalationsSent {C} answeredWithinWindow {C} shareAnsweredWithinWindow {C}"
STATS = f"""query($n: ID!, $g: StatsDimension, $f: NetworkStatsFilter) {{
  networkStats(networkId: $n, groupBy: $g, filter: $f) {{ dimension combinedThreshold
    organizations {{ name suppressionThreshold }}
    rows {{ key {{ value label }} byOrganization {{ {MEASURES} }} combined {{ {MEASURES} }} }}
    total {{ key {{ label }} byOrganization {{ {MEASURES} }} combined {{ {MEASURES} }} }} }} }}"""


def v(c):
    return "S" if c["suppressed"] else c["value"]


async def test_network_lead_sees_member_aggregates_never_records(api, db, world):
    # world convenes; b and c join; d stays out
    b, c, d = [await make_world(db, n) for n in ("Bay Parents", "Cape Parents", "Dune Parents")]
    await set_threshold(db, b, 5)
    await set_threshold(db, c, 8)
    await seed_cases(db, b, 6)
    await seed_cases(db, b, 12, category="SPECIAL_EDUCATION", subcategory="IEP_DEVELOPMENT")
    b_first = await seed_cases(db, b, 1, category="LANGUAGE_ACCESS", subcategory="NO_INTERPRETER")
    await seed_cases(db, c, 6)
    c_special = await seed_cases(db, c, 20, category="SPECIAL_EDUCATION", subcategory="IEP_DEVELOPMENT")
    await seed_cases(db, d, 30)
    esc_cases = await seed_cases(db, c, 9, category="BULLYING_HARASSMENT", subcategory="BULLYING")
    await seed_escalations(db, c, esc_cases, sent_on=date(2025, 10, 1), due_on=date(2025, 10, 15),
                           responded_on=date(2025, 10, 3), school_days=2)

    admin = world.tokens["admin"]
    net = (await api.data(CREATE, {"i": {"name": "Statewide Parent Coalition", "kind": "COALITION"}},
                          token=admin))["createNetwork"]
    assert net["errors"] == [] and net["network"]["convenedByMyOrganization"] and not net["network"]["joined"]
    nid, code = net["network"]["id"], net["network"]["joinCode"]
    assert len(code) >= 20
    # outsiders neither list nor fetch it; they join with the code the convener gives them
    assert (await api.data(f"{{ networks {{ {NET} }} }}", token=b.tokens["admin"]))["networks"] == []
    assert (await api.data('query($id: ID!) { node(id: $id) { id } }', {"id": nid}, token=b.tokens["admin"]))[
        "node"] is None
    got = (await api.data(JOIN, {"i": {"joinCode": "not-the-code"}}, token=b.tokens["admin"]))["joinNetwork"]
    assert got["errors"][0] == {"code": "NOT_FOUND", "message": "No such network.", "field": "joinCode"}
    got = (await api.data(LEADS, {"i": {"networkId": nid, "userIds": [world.gid("User", world.users["campaign_lead"])]}},
                          token=admin))["setNetworkLeads"]
    assert got["errors"] == [] and got["network"]["leads"] == [{"displayName": "Campaign Lead"}]
    # leads are members of the convening organization
    got = (await api.data(LEADS, {"i": {"networkId": nid, "userIds": [b.gid("User", b.users["admin"])]}},
                          token=admin))["setNetworkLeads"]
    assert got["errors"][0]["code"] == "VALIDATION"
    # only the convening organization manages it
    got = (await api.data(LEADS, {"i": {"networkId": nid, "userIds": []}}, token=b.tokens["admin"]))["setNetworkLeads"]
    assert got["errors"][0]["code"] == "NOT_FOUND"

    # organizations opt in, by their admin
    for w in (b, c):
        got = (await api.data(JOIN, {"i": {"joinCode": code}}, token=w.tokens["admin"]))["joinNetwork"]
        assert got["errors"] == [] and got["network"]["joined"] and got["network"]["members"] is None
        assert got["network"]["joinCode"] is None and got["network"]["id"] == nid
    got = (await api.data(JOIN, {"i": {"joinCode": code}}, token=b.tokens["admin"]))["joinNetwork"]
    assert got["errors"][0]["code"] == "CONFLICT"
    for role in ("advocate", "campaign_lead", "viewer"):
        got = (await api.data(JOIN, {"i": {"joinCode": code}}, token=d.tokens[role]))["joinNetwork"]
        assert got["errors"][0]["code"] == "FORBIDDEN", role
    assert (await api.data(f"{{ networks {{ {NET} }} }}", token=d.tokens["admin"]))["networks"] == []

    lead = world.tokens["campaign_lead"]
    nets = (await api.data(f"{{ networks {{ {NET} }} }}", token=lead))["networks"]
    mine = next(n for n in nets if n["id"] == nid)
    assert mine["iLead"] and mine["joined"] is False and mine["joinCode"] is None  # the code is for managers
    names = [m["name"] for m in mine["members"]]
    assert len(names) == 2 and names[0].startswith("Bay Parents") and names[1].startswith("Cape Parents")
    assert [m["suppressionThreshold"] for m in mine["members"]] == [5, 8]

    body = await api.data(STATS, {"n": nid, "g": "CATEGORY"}, token=lead)
    st = body["networkStats"]
    assert st["combinedThreshold"] == 8 and [o["suppressionThreshold"] for o in st["organizations"]] == [5, 8]
    table = {r["key"]["label"]: ([v(x["cases"]) for x in r["byOrganization"]], v(r["combined"]["cases"]))
             for r in st["rows"]}
    # Bay (threshold 5): 6 discipline, 12 special education, 1 language access (suppressed, and its complement);
    # Cape (threshold 8): 6 discipline (suppressed under 8), 20 special education, 9 bullying
    # Bay (threshold 5): 6 discipline, 12 special education, 1 language access; Cape (threshold 8): 6 discipline,
    # 20 special education, 9 bullying. Primary: Bay's 1, Cape's 6 (< 8), the combined 1 (< 8). Complements:
    # the smallest other combined value (bullying, 9), then a cycle through Cape's 9 and Bay's 6.
    assert table == {"Discipline": (["S", "S"], 12), "Special education": ([12, 20], 32),
                     "Language access": (["S", 0], "S"), "Bullying and harassment": ([0, "S"], "S")}
    # no cell can be worked out: every row and column with a suppressed cell has at least two
    for r in st["rows"]:
        flags = [x["cases"]["suppressed"] for x in r["byOrganization"]] + [r["combined"]["cases"]["suppressed"]]
        assert sum(flags) != 1, r
    totals = [v(x["cases"]) for x in st["total"]["byOrganization"]]
    assert totals == [19, 35] and v(st["total"]["combined"]["cases"]) == 54   # Dune's 30 are not included
    bully = next(r for r in st["rows"] if r["key"]["label"] == "Bullying and harassment")
    assert v(bully["combined"]["escalationsSent"]) == 9 and v(bully["combined"]["answeredWithinWindow"]) == 9
    assert bully["combined"]["shareAnsweredWithinWindow"] == {"value": 1.0, "suppressed": False}
    assert "Sam" not in str(body) and "Doe" not in str(body)

    # no dimension: one column per organization and the combined total
    st = (await api.data(STATS, {"n": nid}, token=lead))["networkStats"]
    assert st["rows"] == [] and [v(x["cases"]) for x in st["total"]["byOrganization"]] == [19, 35]
    # filters; organization-bound dimensions are refused
    st = (await api.data(STATS, {"n": nid, "f": {"category": ["SPECIAL_EDUCATION"]}}, token=lead))["networkStats"]
    assert v(st["total"]["combined"]["cases"]) == 32
    # a member's family who opted out of aggregates is not counted in the network either
    await opt_out(db, c, c_special[0])
    st = (await api.data(STATS, {"n": nid, "f": {"category": ["SPECIAL_EDUCATION"]}}, token=lead))["networkStats"]
    assert [v(x["cases"]) for x in st["total"]["byOrganization"]] == [12, 19]
    assert v(st["total"]["combined"]["cases"]) == 31
    body = await api(STATS, {"n": nid, "g": "SCHOOL"}, token=lead)
    assert body["errors"][0]["extensions"]["code"] == "VALIDATION"

    # who may not: members' admins, the convener's admin (not a lead), advocates (no network:lead), anonymous
    for token in (b.tokens["admin"], admin, d.tokens["campaign_lead"]):
        assert (await api.data(STATS, {"n": nid}, token=token))["networkStats"] is None
    body = await api(STATS, {"n": nid}, token=world.tokens["advocate"])  # no network:lead: like an unknown id
    assert body == await api(STATS, {"n": world.gid("Network", uuid.uuid4())}, token=world.tokens["advocate"])
    assert body == {"data": {"networkStats": None}}
    body = await api(STATS, {"n": nid})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    for bad in (world.gid("Network", uuid.uuid4()), "garbage"):
        assert (await api.data(STATS, {"n": bad}, token=lead))["networkStats"] is None
    # a lead still never reaches a member's records
    got = await api.data('query($id: ID!) { node(id: $id) { id } }', {"id": b.gid("Case", b_first[0])}, token=lead)
    assert got["node"] is None
    nets = (await api.data(f"{{ networks {{ {NET} }} }}", token=b.tokens["admin"]))["networks"]
    theirs = next(n for n in nets if n["id"] == nid)
    assert theirs["joined"] and not theirs["iLead"] and theirs["members"] is None and theirs["leads"] == []

    # leaving takes effect at once
    got = (await api.data(LEAVE, {"i": {"networkId": nid}}, token=b.tokens["admin"]))["leaveNetwork"]
    assert got["errors"] == [] and not got["network"]["joined"]
    st = (await api.data(STATS, {"n": nid}, token=lead))["networkStats"]
    assert [o["name"] for o in st["organizations"]] == [names[1]]
    got = (await api.data(LEAVE, {"i": {"networkId": nid}}, token=b.tokens["admin"]))["leaveNetwork"]
    assert got["errors"][0]["code"] == "NOT_FOUND"

    async with db.reader() as s:
        actions = sorted(await s.scalars(select(AuditEvent.action).where(AuditEvent.action.like("network.%"),
                                                                         AuditEvent.organization_id.in_(
                                                                             [world.org_id, b.org_id, c.org_id]))))
    assert actions.count("network.join") == 2 and actions.count("network.leave") == 1
    assert "network.create" in actions and "network.set_leads" in actions and "network.stats" in actions
