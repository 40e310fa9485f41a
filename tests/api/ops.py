"""GraphQL operations shared by the API tests."""

from __future__ import annotations

CASE_FIELDS = """
  id title narrative category subcategory status priority version openedOn nextActionDueOn overdue
  outcome resolvedOn closedOn tags allowedTransitions
  family { id displayName redacted } student { id firstName } school { id name } district { id name }
  chapter { name } assignees { id displayName }
"""

CREATE_FAMILY = """
mutation($i: CreateFamilyInput!) { createFamily(input: $i) {
  family { id displayName version preferredLanguage interpreterNeeded contactChannels
           guardians { name relationship phone language } chapter { name } redacted }
  errors { code message field } } }
"""

CREATE_STUDENT = """
mutation($i: CreateStudentInput!) { createStudent(input: $i) {
  student { id firstName lastName grade specialEducation englishLearner school { name } version }
  errors { code message field } } }
"""

OPEN_CASE = f"""
mutation($i: OpenCaseInput!) {{ openCase(input: $i) {{ case {{ {CASE_FIELDS} }} errors {{ code message field }} }} }}
"""

UPDATE_CASE = f"""
mutation($i: UpdateCaseInput!) {{ updateCase(input: $i) {{ case {{ {CASE_FIELDS} }} errors {{ code message field }} }} }}
"""

TRANSITION_CASE = f"""
mutation($i: TransitionCaseInput!) {{ transitionCase(input: $i) {{ case {{ {CASE_FIELDS} }}
  errors {{ code message field }} }} }}
"""

ASSIGN_CASE = f"""
mutation($i: AssignCaseInput!) {{ assignCase(input: $i) {{ case {{ {CASE_FIELDS} }} errors {{ code message field }} }} }}
"""

ADD_NOTE = """
mutation($i: AddCaseNoteInput!) { addCaseNote(input: $i) { event { id kind body author { displayName } }
  errors { code message field } } }
"""

GET_CASE = f"""
query($id: ID!) {{ case(id: $id) {{ {CASE_FIELDS}
  timeline(first: 50) {{ edges {{ node {{ kind body statusFrom statusTo author {{ displayName }} }} }} }} }} }}
"""

LIST_CASES = """
query($f: CaseFilter, $o: CaseOrder!, $first: Int, $after: String) {
  cases(filter: $f, orderBy: $o, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id title status openedOn priority chapter { name } } } } }
"""


async def create_family(api, token, chapter_gid=None, **extra) -> dict:
    i = {"displayName": "Rivera family", "preferredLanguage": "es", "interpreterNeeded": True,
         "guardians": [{"name": "Ana Rivera", "relationship": "mother", "phone": "+1 617 555 0100",
                        "language": "es"}],
         "contactChannels": ["WHATSAPP", "PHONE"], **extra}
    if chapter_gid:
        i["chapterId"] = chapter_gid
    body = await api.data(CREATE_FAMILY, {"i": i}, token=token)
    assert body["createFamily"]["errors"] == [], body
    return body["createFamily"]["family"]


async def open_case(api, token, family_id, **extra) -> dict:
    i = {"familyId": family_id, "category": "DISCIPLINE", "subcategory": "OUT_OF_SCHOOL_SUSPENSION",
         "title": "3-day OSS without manifestation determination", "narrative": "Mateo was sent home for 3 days.",
         **extra}
    body = await api.data(OPEN_CASE, {"i": i}, token=token)
    assert body["openCase"]["errors"] == [], body
    return body["openCase"]["case"]
