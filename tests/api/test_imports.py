"""Importing families, students and cases (CSV and Excel, mappings, dry run, all or nothing, re-import) and the
caseload export (CSV and Excel, filters, record scope, audit), through GraphQL and the `advocase` command."""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
from sqlalchemy import func, select

from domain.audit.models import AuditEvent
from domain.cases.models import Case
from domain.people.models import Family, Student
from tests.api.ops import create_family, open_case

ERRORS = "errors { code message field }"
REPORT = """report { dryRun imported rows familiesCreated familiesUpdated studentsCreated studentsUpdated casesCreated
  casesUpdated problemCount unmappedColumns problems { row column field message } }"""
IMPORT = f"mutation($i: ImportRecordsInput!) {{ importRecords(input: $i) {{ {REPORT} {ERRORS} }} }}"
CREATE_MAPPING = f"""mutation($i: CreateImportMappingInput!) {{ createImportMapping(input: $i) {{
  mapping {{ id name columns {{ field column }} }} {ERRORS} }} }}"""
UPDATE_MAPPING = f"""mutation($i: UpdateImportMappingInput!) {{ updateImportMapping(input: $i) {{
  mapping {{ id name version columns {{ field column }} }} {ERRORS} }} }}"""
EXPORT = f"""mutation($i: ExportCasesInput!) {{ exportCases(input: $i) {{
  file {{ fileName contentType contentBase64 rowCount truncated }} {ERRORS} }} }}"""
CASES = """query($f: CaseFilter) { cases(filter: $f, first: 100) { edges { node { id title status openedOn priority
  category subcategory tags school { name } chapter { name } student { firstName lastName grade specialEducation }
  family { displayName preferredLanguage phone } assignees { displayName } } } } }"""

HEADER = ("Family ID,Household,Chapter,Language,Phone,Student ID,First,Last,School,Grade,IEP,Case ID,Issue,Title,"
          "Opened,Status,Outcome,Assigned,Tags")
MAPPING = {"family_external_id": "Family ID", "family_name": "Household", "family_chapter": "Chapter",
           "family_language": "Language", "family_phone": "Phone", "student_external_id": "Student ID",
           "student_first_name": "First", "student_last_name": "Last", "student_school": "School",
           "student_grade": "Grade", "student_special_education": "IEP", "case_external_id": "Case ID",
           "case_subcategory": "Issue", "case_title": "Title", "case_opened_on": "Opened", "case_status": "Status",
           "case_outcome": "Outcome", "case_assignees": "Assigned", "case_tags": "Tags"}


def columns(mapping: dict) -> list[dict]:
    return [{"field": f, "column": c} for f, c in mapping.items()]


def sample_csv(tag: str, advocate_email: str, *, title: str = "3-day OSS without a hearing") -> str:
    return "\n".join([
        HEADER,
        f"F-{tag}-1,Rivera family,North,Spanish,617-555-0100,S-{tag}-1,Mateo,Rivera,Riverton High School,9,IEP,"
        f"C-{tag}-1,Out-of-school suspension,{title},2026-09-14,OPEN,,{advocate_email},{tag};discipline",
        f"F-{tag}-1,,,,,S-{tag}-2,Lia,Rivera,Maple Street Elementary,K,,C-{tag}-2,NO_INTERPRETER,"
        f"No interpreter at the IEP meeting,9/20/2026,RESOLVED,REMEDY_ACHIEVED,,{tag}",
        f"F-{tag}-2,Nguyen family,South,vi,,,,,,,,,,,,,,,",
    ]) + "\n"


async def counts(db, org_id) -> tuple[int, int, int]:
    async with db.reader() as s:
        return tuple([await s.scalar(select(func.count()).select_from(m).where(m.organization_id == org_id))
                      for m in (Family, Student, Case)])


async def test_dry_run_then_import_then_reimport_updates_instead_of_duplicating(api, db, world):
    admin, tag = world.tokens["admin"], world.org_id.hex[:8]
    text = sample_csv(tag, world.emails["advocate"])
    before = await counts(db, world.org_id)

    dry = (await api.data(IMPORT, {"i": {"text": text, "columns": columns(MAPPING), "dryRun": True}}, admin))
    report = dry["importRecords"]["report"]
    assert dry["importRecords"]["errors"] == [] and report["problems"] == []
    assert (report["dryRun"], report["imported"], report["rows"]) == (True, False, 3)
    assert (report["familiesCreated"], report["studentsCreated"], report["casesCreated"]) == (2, 2, 2)
    assert await counts(db, world.org_id) == before  # a dry run changes nothing

    done = (await api.data(IMPORT, {"i": {"text": text, "columns": columns(MAPPING)}}, admin))["importRecords"]
    assert done["errors"] == [] and done["report"]["imported"] is True
    assert await counts(db, world.org_id) == (before[0] + 2, before[1] + 2, before[2] + 2)

    cases = {e["node"]["title"]: e["node"] for e in (await api.data(CASES, {"f": {"tags": [tag]}}, admin))
             ["cases"]["edges"]}
    oss = cases["3-day OSS without a hearing"]
    assert oss["status"] == "OPEN" and oss["openedOn"] == "2026-09-14" and oss["category"] == "DISCIPLINE"
    assert oss["subcategory"] == "OUT_OF_SCHOOL_SUSPENSION" and oss["school"]["name"] == "Riverton High School"
    assert oss["chapter"]["name"] == "North" and sorted(oss["tags"]) == sorted([tag, "discipline"])
    assert oss["student"] == {"firstName": "Mateo", "lastName": "Rivera", "grade": "9", "specialEducation": "IEP"}
    assert oss["family"] == {"displayName": "Rivera family", "preferredLanguage": "es", "phone": "617-555-0100"}
    assert [a["displayName"] for a in oss["assignees"]] == ["Advocate"]
    interp = cases["No interpreter at the IEP meeting"]
    assert interp["status"] == "RESOLVED" and interp["openedOn"] == "2026-09-20"
    assert interp["category"] == "LANGUAGE_ACCESS" and interp["student"]["firstName"] == "Lia"
    # the advocate of North sees the imported case assigned to them
    mine = await api.data(CASES, {"f": {"tags": [tag]}}, world.tokens["advocate"])
    assert {e["node"]["title"] for e in mine["cases"]["edges"]} == set(cases)

    again = (await api.data(IMPORT, {"i": {"text": text, "columns": columns(MAPPING)}}, admin))["importRecords"]
    r = again["report"]
    assert again["errors"] == [] and r["imported"] is True
    assert [r[k] for k in ("familiesCreated", "familiesUpdated", "studentsCreated", "studentsUpdated",
                           "casesCreated", "casesUpdated")] == [0, 0, 0, 0, 0, 0]
    assert await counts(db, world.org_id) == (before[0] + 2, before[1] + 2, before[2] + 2)

    changed = sample_csv(tag, world.emails["advocate"], title="3-day OSS and no manifestation determination")
    r = (await api.data(IMPORT, {"i": {"text": changed, "columns": columns(MAPPING)}}, admin))["importRecords"]["report"]
    assert (r["casesCreated"], r["casesUpdated"], r["familiesUpdated"]) == (0, 1, 0)
    titles = {e["node"]["title"] for e in (await api.data(CASES, {"f": {"tags": [tag]}}, admin))["cases"]["edges"]}
    assert "3-day OSS and no manifestation determination" in titles and "3-day OSS without a hearing" not in titles
    async with db.reader() as s:
        actions = list(await s.scalars(select(AuditEvent.action).where(
            AuditEvent.organization_id == world.org_id, AuditEvent.action.in_(["import.check", "import.run"]))))
    assert sorted(actions) == ["import.check", "import.run", "import.run", "import.run"]


async def test_every_problem_is_reported_with_row_and_column_and_nothing_is_imported(api, db, world):
    admin = world.tokens["admin"]
    text = "\n".join([
        "family_external_id,family_name,family_language,family_email,student_first_name,student_grade,"
        "case_subcategory,case_title,case_opened_on,case_assignees",
        "P1,Fine family,es,,,,,,,",
        "P2,,Klingon,not-an-email,Ana,13,Nope,Title,2026-01-01,",
        "P3,Later family,en,,,,EXPULSION,,31/31/2026,nobody@example.org",
        "P4,Future family,en,,,,EXPULSION,Expelled,2999-01-01,",
    ]) + "\n"
    before = await counts(db, world.org_id)
    body = (await api.data(IMPORT, {"i": {"text": text}}, admin))["importRecords"]
    assert body["errors"] == [{"code": "VALIDATION", "message": "10 problems in the file; nothing was imported.",
                               "field": "file"}]
    got = {(p["row"], p["column"]) for p in body["report"]["problems"]}
    assert got == {(3, "family_name"), (3, "family_language"), (3, "family_email"), (3, None), (3, "student_grade"),
                   (3, "case_subcategory"), (4, "case_opened_on"), (4, "case_assignees"), (4, "case_title"),
                   (5, "case_opened_on")}
    by = {(p["row"], p["column"]): p["message"] for p in body["report"]["problems"]}
    assert "Klingon" in by[(3, "family_language")] and "email" in by[(3, "family_email")].lower()
    assert by[(3, None)] == "student_last_name is required for a new student"
    assert by[(5, "case_opened_on")] == "This date cannot be in the future."
    assert body["report"]["imported"] is False and body["report"]["problemCount"] == 10
    assert await counts(db, world.org_id) == before

    bad_header = (await api.data(IMPORT, {"i": {"text": "Household\nX\n", "columns": columns(
        {"family_name": "Family name"})}}, admin))["importRecords"]
    assert bad_header["report"]["problems"] == [{"row": 1, "column": "Family name", "field": "family_name",
                                                 "message": "the file has no column 'Family name' (mapped to "
                                                            "family_name)"}]
    for i, (code, field) in {
        "both": ("VALIDATION", "contentBase64"),
        "b64": ("VALIDATION", "contentBase64"),
        "field": ("VALIDATION", "columns"),
    }.items():
        inp = {"both": {"text": "a", "contentBase64": "YQ=="}, "b64": {"contentBase64": "%%%"},
               "field": {"text": "a\n1\n", "columns": [{"field": "shoe_size", "column": "a"}]}}[i]
        got = (await api.data(IMPORT, {"i": inp}, admin))["importRecords"]
        assert got["report"] is None and [(e["code"], e["field"]) for e in got["errors"]] == [(code, field)], got


async def test_saved_mappings_and_an_excel_file(api, db, world):
    admin, tag = world.tokens["admin"], world.org_id.hex[:8]
    made = (await api.data(CREATE_MAPPING, {"i": {"name": "Intake sheet", "columns": columns(
        {"family_external_id": "Family", "family_name": "Household"})}}, admin))["createImportMapping"]
    assert made["errors"] == [] and made["mapping"]["name"] == "Intake sheet"
    dup = (await api.data(CREATE_MAPPING, {"i": {"name": "Intake sheet", "columns": columns(
        {"family_name": "Household"})}}, admin))["createImportMapping"]
    assert [e["code"] for e in dup["errors"]] == ["CONFLICT"] and dup["mapping"] is None
    no_family = (await api.data(CREATE_MAPPING, {"i": {"name": "Bad", "columns": columns(
        {"case_title": "Title"})}}, admin))["createImportMapping"]
    assert [(e["code"], e["field"]) for e in no_family["errors"]] == [("VALIDATION", "columns")]
    upd = (await api.data(UPDATE_MAPPING, {"i": {"id": made["mapping"]["id"], "version": 1, "columns": columns(
        {"family_external_id": "Family", "family_name": "Household", "case_subcategory": "Issue",
         "case_title": "Title", "case_opened_on": "Opened", "case_incident_on": "Incident",
         "student_first_name": "First", "student_last_name": "Last"})}}, admin))["updateImportMapping"]
    assert upd["errors"] == [] and len(upd["mapping"]["columns"]) == 8 and upd["mapping"]["version"] == 2
    # optimistic locking: an edit based on version 1 after that save changes nothing
    stale = (await api.data(UPDATE_MAPPING, {"i": {"id": made["mapping"]["id"], "version": 1, "name": "Stale"}},
                            admin))["updateImportMapping"]
    assert stale["mapping"] is None and [(e["code"], e["field"]) for e in stale["errors"]] == [("CONFLICT", "version")]
    listed = await api.data("query { importMappings { id name columns { field column } } }", None, admin)
    assert [m["name"] for m in listed["importMappings"]] == ["Intake sheet"]
    fields = await api.data("query { importFields { name entity } }", None, admin)
    assert {"name": "case_external_id", "entity": "case"} in fields["importFields"]

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Household", "Family", "First", "Last", "Issue", "Title", "Opened", "Incident", "Ignored"])
    ws.append(["Pierre family", f"X-{tag}", "Jean", "Pierre", "Bullying", f"Bullied on the bus {tag}",
               date(2026, 10, 1), date(2026, 9, 30), "whatever"])
    out = io.BytesIO()
    wb.save(out)
    b64 = base64.b64encode(out.getvalue()).decode()
    body = (await api.data(IMPORT, {"i": {"fileName": "intake.xlsx", "contentBase64": b64,
                                          "mappingId": made["mapping"]["id"]}}, admin))["importRecords"]
    assert body["errors"] == [] and body["report"]["imported"] is True, body
    assert body["report"]["unmappedColumns"] == ["Ignored"]
    cases = await api.data(CASES, {"f": {"search": f"Bullied on the bus {tag}"}}, admin)
    node = cases["cases"]["edges"][0]["node"]
    assert node["openedOn"] == "2026-10-01" and node["category"] == "BULLYING_HARASSMENT"
    assert node["family"]["displayName"] == "Pierre family" and node["student"]["firstName"] == "Jean"

    # other organizations do not see the mapping; advocates may not import
    other = await make_other(db)
    assert (await api.data("query { importMappings { id } }", None, other.tokens["admin"]))["importMappings"] == []
    forbidden = (await api.data(IMPORT, {"i": {"text": "family_name\nX\n"}}, world.tokens["advocate"]))
    assert [e["code"] for e in forbidden["importRecords"]["errors"]] == ["FORBIDDEN"]


async def make_other(db):
    from tests.conftest import make_world
    return await make_world(db, "Other Import Org")


def rows_of(file: dict) -> list[dict]:
    data = base64.b64decode(file["contentBase64"])
    if file["fileName"].endswith(".xlsx"):
        ws = openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
        rows = list(ws.iter_rows(values_only=True))
        return [dict(zip(rows[0], r)) for r in rows[1:]]
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


async def test_export_the_caseload_with_filters_scope_and_audit(api, db, world):
    admin, advocate, tag = world.tokens["admin"], world.tokens["advocate"], world.org_id.hex[:8]
    north = await create_family(api, admin, world.chapter_gids["North"])
    south = await create_family(api, admin, world.chapter_gids["South"], displayName="Okafor family")
    await open_case(api, admin, north["id"], title="=HYPERLINK(\"http://evil\")", tags=[tag],
                    schoolId=world.gid("School", world.school_ids[0]))
    await open_case(api, admin, north["id"], title="Restraint in class", tags=[tag], category="DISCIPLINE",
                    subcategory="RESTRAINT_SECLUSION")
    await open_case(api, admin, south["id"], title="South chapter case", tags=[tag])

    out = (await api.data(EXPORT, {"i": {"filter": {"tags": [tag]}}}, admin))["exportCases"]
    assert out["errors"] == [] and out["file"]["rowCount"] == 3 and out["file"]["truncated"] is False
    assert out["file"]["contentType"].startswith("text/csv") and out["file"]["fileName"].endswith(".csv")
    rows = rows_of(out["file"])
    titles = sorted(r["title"] for r in rows)
    assert titles == ["'=HYPERLINK(\"http://evil\")", "Restraint in class", "South chapter case"]
    evil = next(r for r in rows if r["title"].startswith("'="))
    assert evil["school"] == "Riverton High School" and evil["family"] == "Rivera family"
    assert evil["status"] == "INTAKE" and evil["reference"].startswith("AC-")

    filtered = (await api.data(EXPORT, {"i": {"format": "XLSX", "filter": {"tags": [tag],
                                                                             "subcategory": ["RESTRAINT_SECLUSION"]}}},
                               admin))["exportCases"]["file"]
    assert filtered["fileName"].endswith(".xlsx") and filtered["rowCount"] == 1
    assert [r["title"] for r in rows_of(filtered)] == ["Restraint in class"]
    assert rows_of(filtered)[0]["subcategory"] == "Restraint or seclusion"

    # the advocate of North exports only what they may see; a viewer may not export
    mine = (await api.data(EXPORT, {"i": {"filter": {"tags": [tag]}}}, advocate))["exportCases"]["file"]
    assert sorted(r["title"] for r in rows_of(mine)) == titles[:2]
    viewer = (await api.data(EXPORT, {"i": {"filter": {"tags": [tag]}}}, world.tokens["viewer"]))["exportCases"]
    assert viewer["file"] is None and [e["code"] for e in viewer["errors"]] == ["FORBIDDEN"]
    async with db.reader() as s:
        audits = list(await s.scalars(select(AuditEvent).where(
            AuditEvent.organization_id == world.org_id, AuditEvent.action == "case.export")
            .order_by(AuditEvent.at)))
    assert [(a.detail["format"], a.detail["rows"]) for a in audits] == [("CSV", 3), ("XLSX", 1), ("CSV", 2)]
    assert audits[0].detail["filter"] == {"tags": [tag]}


def test_the_import_command(db_url, tmp_path):
    """`advocase import FILE --org ... --mapping ...`: dry run, problems (exit 1), import, re-import."""
    import asyncio

    from domain.db import Database
    from tests.conftest import make_world

    async def setup():
        database = Database(db_url)
        try:
            return await make_world(database, "CLI Import Org")
        finally:
            await database.dispose()
    world = asyncio.run(setup())
    tag = world.org_id.hex[:8]
    env = {**os.environ, "ADVOCASE_DATABASE_URL": db_url, "ADVOCASE_DEMO_ON_FIRST_START": "0"}
    advocase = str(Path(sys.executable).parent / "advocase")
    good = tmp_path / "families.csv"
    good.write_text(sample_csv(tag, world.emails["advocate"]))
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps(MAPPING))

    def run(*args):
        return subprocess.run([advocase, "import", *args, "--org", str(world.org_id)], env=env, capture_output=True,
                              text=True, timeout=120)
    dry = run(str(good), "--mapping", str(mapping), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "checked 3 row(s) (dry run: nothing changed): families: 2 created" in dry.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("family_name,family_language\nA family,xx\n,en\n")
    failed = run(str(bad))
    assert failed.returncode == 1
    assert "row 2, column 'family_language': 'xx' is not a known language" in failed.stderr
    assert "row 3, column 'family_name': family_name is required for a new family" in failed.stderr
    assert "2 problem(s) in 2 row(s); nothing was imported" in failed.stderr
    done = run(str(good), "--mapping", str(mapping))
    assert done.returncode == 0 and "imported 3 row(s): families: 2 created, 0 updated" in done.stdout, done.stderr
    again = run(str(good), "--mapping", str(mapping))
    assert again.returncode == 0 and "families: 0 created, 0 updated; students: 0 created, 0 updated; cases: 0 " \
                                     "created, 0 updated" in again.stdout
    unknown = run(str(good), "--mapping", "No such mapping")
    assert unknown.returncode == 2 and "No such mapping" in unknown.stderr
