"""Data and GraphQL operations shared by the campaign tests.

Aggregates need many cases, so tests seed them straight into the database (each case with its own family
and student, in the world's North chapter, opened by the world's advocate) and read them back through the API.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import update

from domain.cases.models import Case, CaseAssignee
from domain.cases.workflow import CaseOutcome, CaseStatus
from domain.escalations.models import Escalation, EscalationChannel, EscalationStatus
from domain.directory.models import DistrictContact
from domain.identity.models import Organization
from domain.people.models import (
    Consent, ConsentKind, ConsentMethod, EnglishLearnerStatus, Family, SpecialEducationStatus, Student,
)

COUNT = "{ value suppressed }"
NUMBER = "{ value suppressed }"
ERRORS = "errors { code message field }"

CAMPAIGN_FIELDS = f"""id name goal target status version
  targetDistrict {{ name }} leads {{ displayName }}
  criteria {{ categories subcategories openedFrom openedTo tags districts {{ name }} schools {{ name }} }}"""
CREATE_CAMPAIGN = f"""mutation($i: CreateCampaignInput!) {{ createCampaign(input: $i) {{
  campaign {{ {CAMPAIGN_FIELDS} }} {ERRORS} }} }}"""
UPDATE_CAMPAIGN = f"""mutation($i: UpdateCampaignInput!) {{ updateCampaign(input: $i) {{
  campaign {{ {CAMPAIGN_FIELDS} }} {ERRORS} }} }}"""
GET_CAMPAIGN = f"""query($id: ID!) {{ campaign(id: $id) {{ {CAMPAIGN_FIELDS} }} }}"""
LINK = f"""mutation($i: LinkCaseToCampaignInput!) {{ linkCaseToCampaign(input: $i) {{
  campaign {{ id }} reason {ERRORS} }} }}"""
UNLINK = f"""mutation($i: UnlinkCaseFromCampaignInput!) {{ unlinkCaseFromCampaign(input: $i) {{
  campaign {{ id }} {ERRORS} }} }}"""

TABLE = f"dimension rows {{ key {{ value label }} count {COUNT} share {NUMBER} }} total {COUNT}"
RESP = f"""district {{ label }} sent {COUNT} answered {COUNT} answeredWithinWindow {COUNT} overdueNow {COUNT}
  shareAnsweredWithinWindow {NUMBER} medianSchoolDaysToAnswer {NUMBER}"""
EVIDENCE_FIELDS = f"""asOf suppressionThreshold cases {COUNT} families {COUNT}
  schoolByCategory {{ rows {{ label }} columns {{ label value }} cells {COUNT} rowTotals {COUNT}
                      columnTotals {COUNT} total {COUNT} }}
  bySchool {{ {TABLE} }} byCategory {{ {TABLE} }} byDistrict {{ {TABLE} }} byMonth {{ {TABLE} }}
  byStatus {{ {TABLE} }} outcomes {{ {TABLE} }} bySubgroup {{ {TABLE} }}
  responsiveness {{ {RESP} }} responsivenessTotal {{ {RESP} }}
  stories {{ title body category approvedOn }}"""
EVIDENCE = f"""query($id: ID!) {{ campaign(id: $id) {{ id evidence {{ {EVIDENCE_FIELDS} }} }} }}"""

STATS_ROW = f"""keys {{ dimension value label }} cases {COUNT} escalationsSent {COUNT} escalationsAnswered {COUNT}
  answeredWithinWindow {COUNT} overdueNow {COUNT} shareAnsweredWithinWindow {NUMBER}
  medianSchoolDaysToAnswer {NUMBER}"""
STATS = f"""query($f: StatsFilter, $g: [StatsDimension!]) {{ issueStats(filter: $f, groupBy: $g) {{
  groupBy suppressionThreshold cells {{ {STATS_ROW} }} rowTotals {{ {STATS_ROW} }}
  columnTotals {{ {STATS_ROW} }} total {{ {STATS_ROW} }} }} }}"""
STATS_CASES_ONLY = f"""query($f: StatsFilter, $g: [StatsDimension!]) {{ issueStats(filter: $f, groupBy: $g) {{
  cells {{ keys {{ value label }} cases {COUNT} }} total {{ cases {COUNT} }} }} }}"""


async def set_threshold(db, world, value: int) -> None:
    async with db.transaction() as s:
        await s.execute(update(Organization).where(Organization.id == world.org_id)
                        .values(suppression_threshold=value))


async def seed_cases(db, world, n: int, *, category: str = "DISCIPLINE", subcategory: str = "OUT_OF_SCHOOL_SUSPENSION",
                     school: int | None = 0, opened_on: date = date(2025, 10, 6), chapter: str = "North",
                     status: CaseStatus = CaseStatus.OPEN, outcome: CaseOutcome | None = None, tags=(),
                     grade: str | None = "7", special_education: str = "IEP", english_learner: str = "NOT_EL",
                     race: list[str] | None = None, language: str = "es", consents=(), title: str = "OSS",
                     narrative: str = "Sent home for three days.", family_name: str = "Doe family",
                     student_first: str = "Sam", student_last: str = "Doe",
                     creator: str = "advocate") -> list[uuid.UUID]:
    """n cases, each with its own family and student. `consents`: ConsentKind values recorded (active)."""
    ids = []
    async with db.transaction() as s:
        for _ in range(n):
            fam = Family(organization_id=world.org_id, chapter_id=world.chapters[chapter], display_name=family_name,
                         preferred_language=language, guardians=[{"name": "Pat Guardian", "relationship": "mother"}],
                         created_by_id=world.users[creator])
            s.add(fam)
            await s.flush()
            student = Student(organization_id=world.org_id, family_id=fam.id, first_name=student_first,
                              last_name=student_last, grade=grade,
                              school_id=world.school_ids[school] if school is not None else None,
                              special_education=SpecialEducationStatus(special_education),
                              english_learner=EnglishLearnerStatus(english_learner), race_ethnicity=race)
            s.add(student)
            await s.flush()
            for kind in consents:
                s.add(Consent(organization_id=world.org_id, family_id=fam.id, kind=ConsentKind(kind),
                              method=ConsentMethod.WRITTEN, signed_on=date.today() - timedelta(days=30),
                              recorded_by_id=world.users["advocate"]))
            case = Case(organization_id=world.org_id, chapter_id=world.chapters[chapter], family_id=fam.id,
                        student_id=student.id, school_id=world.school_ids[school] if school is not None else None,
                        district_id=world.district_id if school is not None else None, category=category,
                        subcategory=subcategory, title=title, narrative=narrative, status=status, outcome=outcome,
                        opened_on=opened_on, tags=list(tags), created_by_id=world.users[creator])
            s.add(case)
            await s.flush()
            s.add(CaseAssignee(organization_id=world.org_id, case_id=case.id, user_id=world.users[creator]))
            ids.append(case.id)
    return ids


async def seed_escalations(db, world, case_ids, *, sent_on: date, due_on: date, responded_on: date | None = None,
                           school_days: int | None = None, status: EscalationStatus | None = None) -> None:
    async with db.transaction() as s:
        contact = DistrictContact(organization_id=world.org_id, district_id=world.district_id, name="Office",
                                  office="Office of Special Education", ladder_level=2, issue_areas=[])
        s.add(contact)
        await s.flush()
        for cid in case_ids:
            s.add(Escalation(
                organization_id=world.org_id, case_id=cid, district_id=world.district_id, contact_id=contact.id,
                level=2, level_name="District office", office=contact.office, channel=EscalationChannel.EMAIL,
                summary="s", remedy_requested="r", sent_on=sent_on, response_window_school_days=10,
                response_due_on=due_on, responded_on=responded_on, response_school_days=school_days,
                status=status or (EscalationStatus.RESPONDED if responded_on else EscalationStatus.SENT)))


async def opt_out(db, world, case_id: uuid.UUID, *, revoked: bool = False) -> None:
    from domain.db import utcnow
    async with db.transaction() as s:
        case = await s.get(Case, case_id)
        s.add(Consent(organization_id=world.org_id, family_id=case.family_id, kind=ConsentKind.AGGREGATE_OPT_OUT,
                      method=ConsentMethod.VERBAL, signed_on=date.today() - timedelta(days=1),
                      revoked_at=utcnow() if revoked else None))


async def create_campaign(api, world, token_role: str = "campaign_lead", **extra) -> dict:
    i = {"name": "Stop suspending students with IEPs", "goal": "Fewer out-of-school suspensions",
         "target": "Riverton School Committee", **extra}
    got = (await api.data(CREATE_CAMPAIGN, {"i": i}, token=world.tokens[token_role]))["createCampaign"]
    assert got["errors"] == [], got
    return got["campaign"]


def cells(stats: dict) -> dict:
    return {tuple(k["label"] for k in r["keys"]): (r["cases"]["value"] if not r["cases"]["suppressed"] else "S")
            for r in stats["cells"]}
