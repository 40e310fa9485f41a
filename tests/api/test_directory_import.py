"""Importing a directory from CSV: the pure parser, the import service and the `import-directory` command."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from domain.audit.models import AuditEvent
from domain.directory import service
from domain.directory.importer import parse_directory_csv
from domain.directory.models import District, DistrictContact, School
from domain.errors import DomainError
from tests.api.test_cli import _env, _run

HEADER = "district,school,school_level,contact_name,title,office,email,phone,issue_areas,ladder_level,state\n"
GOOD = HEADER + (
    "Lynn Public Schools,,,,,,,,,,MA\n"
    "Lynn Public Schools,Lynn English High School,9-12,,,,,,,,\n"
    "Lynn Public Schools,,,Dana Reyes,Director of Special Education,Office of Special Education,"
    "DReyes@lynn.k12.example,781-555-0100 ext. 12,SPECIAL_EDUCATION; Discipline,2,\n"
    "Lynn Public Schools,Lynn English High School,,Pat Kim,Principal,,pkim@lynn.k12.example,,,1,\n"
    "Lynn Public Schools,Lynn English High School,,Front office,,,,781-555-0199,,1,\n"
    '"Salem Public Schools",Bates Elementary,K-5,"Lee, Jordan","Principal, Bates",,,,language access,1,ma\n'
)


# ---------------------------------------------------------------- the parser (pure)


def _errors(text: str) -> list[str]:
    return [str(e) for e in parse_directory_csv(text).errors]


def test_parse_a_good_file():
    parsed = parse_directory_csv(GOOD)
    assert parsed.errors == []
    assert [r.line for r in parsed.rows] == [2, 3, 4, 5, 6, 7]
    district, school, dana, pat, office, lee = parsed.rows
    assert district.state == "MA" and district.school is None and district.contact is None
    assert school.school == "Lynn English High School" and school.school_level == "9-12" and school.contact is None
    assert dana.contact.name == "Dana Reyes" and dana.school is None and dana.contact.ladder_level == 2
    assert dana.contact.fields["email"] == "dreyes@lynn.k12.example"
    assert dana.contact.fields["issue_areas"] == ["DISCIPLINE", "SPECIAL_EDUCATION"]  # taxonomy order
    assert dana.contact.fields["phone"] == "781-555-0100 ext. 12"
    assert pat.contact.fields["issue_areas"] == [] and pat.school == "Lynn English High School"
    assert office.contact.email is None and office.contact_key[1] == "name"
    assert lee.contact.name == "Lee, Jordan" and lee.state == "MA"
    assert lee.contact.fields["issue_areas"] == ["LANGUAGE_ACCESS"]


def test_parse_reports_every_bad_row_with_its_line():
    text = HEADER + (
        "Lynn,,,Dana,,,dana@,,,2,\n"                      # 2: email
        ",,,,,,,,,,\n"                                      # 3: blank line of commas: skipped
        "Lynn,,,Sam,,,,,SPELLING;DISCIPLINE,2,\n"         # 4: issue area
        "Lynn,,,Ana,,,,,,,\n"                               # 5: no ladder level
        "Lynn,,,Bo,,,,,,two,\n"                             # 6: ladder level not a number
        "Lynn,,,,Principal,,,,,1,\n"                        # 7: contact columns without a name
        ",School,,,,,,,,,\n"                                # 8: no district
        "Lynn,,K-5,,,,,,,,\n"                               # 9: school level without school
        "Lynn,,,,,,,,,,Massachusetts\n"                     # 10: state
        '"Lynn","A ""quoted""\nschool",,,,,,,,,,extra\n'    # 11-12: too many cells (the record starts on 11)
        "Lynn,,,Cy,,,cy@lynn.example,,,1,\n"              # 13: good
        "Lynn,,,Cy Again,,,CY@lynn.example,,,1,\n"        # 14: same contact (email) as line 13
    )
    errors = _errors(text)
    assert [e.split(":")[0] for e in errors] == [f"line {n}" for n in (2, 4, 5, 6, 7, 8, 9, 10, 11, 14)]
    assert "email 'dana@'" in errors[0]
    assert "unknown issue area 'SPELLING'" in errors[1]
    assert "ladder_level is required" in errors[2]
    assert "ladder_level must be a whole number" in errors[3]
    assert "contact_name is required when title, ladder_level is filled" in errors[4]
    assert "district is required" in errors[5]
    assert "school_level needs a school" in errors[6]
    assert "state must be two letters" in errors[7]
    assert "12 cells" in errors[8]
    assert "same contact as line 13" in errors[9]
    assert [r.line for r in parse_directory_csv(text).rows] == [13]


def test_parse_header_problems_and_empty_files():
    assert _errors("") == ["line 1: the file is empty; the first line must name the columns"]
    assert _errors("district\n") == ["line 1: no rows under the header"]
    bad = _errors("District, Contact Name, emial\nLynn,Dana,x\n")
    assert len(bad) == 1 and bad[0].startswith("line 1: unknown column 'emial'")
    assert "district column is required" in _errors("school\nX\n")[0]
    assert "appears more than once" in _errors("district,school,School\nA,B,C\n")[0]
    # Header names ignore case, spaces and dashes; a BOM (Excel) is dropped.
    parsed = parse_directory_csv("\ufeffDistrict,Contact Name,Ladder-Level\r\nLynn,Dana,1\r\n")
    assert parsed.errors == [] and parsed.rows[0].contact.ladder_level == 1


def test_parse_rows_must_agree_with_each_other():
    text = ("district,school,school_level,state\n"
            "Lynn,,,MA\nLYNN,,,NH\n"
            "Lynn,Harrington,K-5,\nlynn,harrington,K-8,\n")
    assert [e.split(":")[0] for e in _errors(text)] == ["line 3", "line 5"]


# ---------------------------------------------------------------- the import service


async def _counts(db, org_id) -> tuple[int, int, int]:
    async with db.reader() as s:
        return tuple([await s.scalar(select(func.count()).select_from(m).where(m.organization_id == org_id))
                      for m in (District, School, DistrictContact)])


async def test_import_creates_then_reimport_changes_nothing(db, world):
    base = await _counts(db, world.org_id)  # the world has one district with two schools
    report = await service.import_directory_for_organization(db, world.org_id, GOOD)
    assert report.imported and report.errors == [] and report.rows_imported == 6
    assert (report.districts_created, report.schools_created, report.contacts_created) == (2, 2, 4)
    assert await _counts(db, world.org_id) == (base[0] + 2, base[1] + 2, base[2] + 4)
    async with db.reader() as s:
        dana = await s.scalar(select(DistrictContact).where(DistrictContact.organization_id == world.org_id,
                                                            DistrictContact.name == "Dana Reyes"))
        pat = await s.scalar(select(DistrictContact).where(DistrictContact.organization_id == world.org_id,
                                                           DistrictContact.name == "Pat Kim"))
        school = await s.scalar(select(School).where(School.organization_id == world.org_id,
                                                     School.name == "Lynn English High School"))
    assert dana.issue_areas == ["DISCIPLINE", "SPECIAL_EDUCATION"] and dana.ladder_level == 2
    assert dana.school_id is None and dana.version == 1 and dana.active
    assert pat.school_id == school.id and school.level == "9-12"

    again = await service.import_directory_for_organization(db, world.org_id, GOOD.replace("Lynn Public", "LYNN public"))
    assert again.imported and again.rows_imported == 6
    assert again.summary() == ("districts: 0 created, 0 updated; schools: 0 created, 0 updated; "
                               "contacts: 0 created, 0 updated")
    assert await _counts(db, world.org_id) == (base[0] + 2, base[1] + 2, base[2] + 4)

    # Changed values update the matched records: by email (new name), by name (new email), school level.
    changed = HEADER + (
        "Lynn Public Schools,Lynn English High School,10-12,,,,,,,,\n"
        "Lynn Public Schools,,,Dana Reyes-Smith,Director,,dreyes@lynn.k12.example,,SPECIAL_EDUCATION,2,\n"
        "Lynn Public Schools,Lynn English High School,,Front office,,,office@lynn.k12.example,,,1,\n")
    upd = await service.import_directory_for_organization(db, world.org_id, changed)
    assert (upd.schools_updated, upd.contacts_updated, upd.contacts_created) == (1, 2, 0)
    async with db.reader() as s:
        dana = await s.get(DistrictContact, dana.id)
    assert dana.name == "Dana Reyes-Smith" and dana.office is None and dana.phone is None and dana.version == 2
    assert await _counts(db, world.org_id) == (base[0] + 2, base[1] + 2, base[2] + 4)


async def test_import_columns_left_out_are_left_alone(db, world):
    await service.import_directory_for_organization(db, world.org_id, GOOD)
    slim = "district,contact_name,email,ladder_level\nLynn Public Schools,Dana Reyes,dreyes@lynn.k12.example,2\n"
    report = await service.import_directory_for_organization(db, world.org_id, slim)
    assert report.imported and report.contacts_updated == 0
    async with db.reader() as s:
        dana = await s.scalar(select(DistrictContact).where(DistrictContact.organization_id == world.org_id,
                                                            DistrictContact.name == "Dana Reyes"))
    assert dana.title == "Director of Special Education" and dana.issue_areas == ["DISCIPLINE", "SPECIAL_EDUCATION"]


async def test_import_checks_levels_states_and_ambiguity_against_the_database(db, world):
    async with db.transaction() as s:
        s.add_all([DistrictContact(organization_id=world.org_id, district_id=world.district_id, name="Sam Lee",
                                   ladder_level=1, issue_areas=[]) for _ in range(2)])
    async with db.reader() as s:
        riverton = await s.scalar(select(District.name).where(District.id == world.district_id))
    before = await _counts(db, world.org_id)
    text = ("district,contact_name,ladder_level,state\n"
            f"{riverton},Sam Lee,1,\n"            # 2: two contacts of that name
            "New District,Ana,5,XX\n"             # 3: no level 5 in the default ladder
            "Nowhere,Bo,1,\n"                     # 4: a new district without a state
            f"{riverton},Cy,4,\n")                # 5: good
    report = await service.import_directory_for_organization(db, world.org_id, text)
    assert not report.imported and report.rows_imported == 0
    assert [e.line for e in report.errors] == [2, 3, 4]
    assert "more than one contact" in report.errors[0].message
    assert "ladder_level 5 is not a level of your escalation ladder (1, 2, 3, 4)" in report.errors[1].message
    assert "state is required to create the district 'Nowhere'" in report.errors[2].message
    assert await _counts(db, world.org_id) == before
    # A default state fills in; skipping the invalid rows imports the rest.
    report = await service.import_directory_for_organization(db, world.org_id, text, skip_invalid=True,
                                                             default_state="me")
    assert report.imported and [e.line for e in report.errors] == [2, 3]
    assert (report.rows_imported, report.districts_created, report.contacts_created) == (2, 1, 2)
    async with db.reader() as s:
        assert await s.scalar(select(District.state).where(District.organization_id == world.org_id,
                                                           District.name == "Nowhere")) == "ME"
        detail = await s.scalar(select(AuditEvent.detail).where(AuditEvent.organization_id == world.org_id,
                                                                AuditEvent.action == "directory.import"))
    assert detail["invalid_rows"] == 2 and detail["via"] == "cli"


async def test_import_needs_permission_and_an_organization(db, world):
    from policies import Actor
    viewer = Actor(user_id=world.users["viewer"], organization_id=world.org_id, roles=frozenset({"viewer"}),
                   chapter_ids=frozenset(), permissions=frozenset({("directory", "read")}))
    with pytest.raises(DomainError) as e:
        await service.import_directory(db, viewer, GOOD)
    assert e.value.code.value == "FORBIDDEN"
    with pytest.raises(DomainError) as e:
        await service.import_directory_for_organization(db, uuid.uuid4(), GOOD)
    assert e.value.code.value == "NOT_FOUND"


# ---------------------------------------------------------------- the command


def test_import_directory_command(tmp_path):
    env = _env(tmp_path)
    org = _run(env, "create-org", "--name", "Lynn Parents United", "--admin-email", "admin@lynn.example.org",
               "--admin-password", "admin password 1")
    assert org.returncode == 0, org.stderr
    org_id = org.stdout.strip().splitlines()[-1]
    good = tmp_path / "directory.csv"
    good.write_text(GOOD, encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD + "Peabody,,,Ana,,,ana@,,,1,MA\nPeabody,,,Bo,,,,,,9,\nPeabody,,,Cy,,,,,,1,\n",
                   encoding="utf-8")

    out = _run(env, "import-directory", str(bad), "--org", org_id)
    assert out.returncode == 1
    lines = out.stderr.splitlines()
    assert lines[0] == "line 8: email 'ana@' is not a valid email address"
    assert lines[1].startswith("line 9: ") and "ladder_level 9 is not a level of your escalation ladder" in lines[1]
    assert lines[2].startswith("line 10: state is required")  # the row that gave Peabody a state is invalid
    assert "nothing was imported" in out.stderr and out.stdout == ""

    out = _run(env, "import-directory", str(good), "--org", org_id)
    assert out.returncode == 0, out.stderr
    assert "imported 6 row(s) (0 skipped): districts: 2 created, 0 updated; schools: 2 created, 0 updated; " \
           "contacts: 4 created, 0 updated" in out.stdout
    again = _run(env, "import-directory", str(good), "--org", org_id)
    assert "districts: 0 created, 0 updated; schools: 0 created, 0 updated; contacts: 0 created, 0 updated" \
        in again.stdout

    out = _run(env, "import-directory", str(bad), "--org", org_id, "--skip-invalid", "--state", "MA")
    assert out.returncode == 0, out.stderr
    assert "imported 7 row(s) (2 skipped): districts: 1 created" in out.stdout
    assert "line 8:" in out.stderr and "line 9:" in out.stderr

    missing = _run(env, "import-directory", str(tmp_path / "nope.csv"), "--org", org_id)
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    unknown = _run(env, "import-directory", str(good), "--org", str(uuid.uuid4()))
    assert unknown.returncode == 2 and "No such organization" in unknown.stderr
