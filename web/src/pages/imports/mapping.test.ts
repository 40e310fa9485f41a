import { describe, expect, it } from "vitest";
import { applySaved, autoMatch, csvHeader, duplicateColumns, normalizeHeader, toColumns, unmapped } from "./mapping";

const FIELDS = ["family_external_id", "family_name", "family_phone", "guardian_phone", "case_title", "case_subcategory", "student_first_name"];

describe("csvHeader", () => {
  it("reads the first record with quotes, a BOM and CRLF", () => {
    expect(csvHeader('\uFEFFFamily ID,"Name, full","Say ""hi"""\r\n1,2,3\r\n')).toEqual(["Family ID", "Name, full", 'Say "hi"']);
  });
  it("keeps a newline inside quotes and drops empty headers", () => {
    expect(csvHeader('"a\nb",,c\nx,y,z')).toEqual(["a\nb", "c"]);
  });
});

describe("autoMatch", () => {
  it("matches headers named like the fields, whatever the case and separators", () => {
    const m = autoMatch(["Family External ID", "family-name", "CASE_TITLE", "Notes"], FIELDS);
    expect(m).toEqual({ family_external_id: "Family External ID", family_name: "family-name", case_title: "CASE_TITLE" });
  });
  it("matches a header without the entity prefix only when one field fits", () => {
    const m = autoMatch(["Title", "Subcategory", "Phone"], FIELDS);
    expect(m.case_title).toBe("Title");
    expect(m.case_subcategory).toBe("Subcategory");
    expect(m.family_phone).toBeUndefined(); // family_phone and guardian_phone both end in phone
    expect(m.guardian_phone).toBeUndefined();
  });
  it("gives each column to one field", () => {
    const m = autoMatch(["family_name", "Family Name"], FIELDS);
    expect(Object.values(m)).toEqual(["family_name"]);
  });
  it("ignores accents", () => {
    expect(normalizeHeader("Títle")).toBe("title");
  });
});

describe("saved mappings", () => {
  it("applies only the columns the file has, matching headers loosely", () => {
    const m = applySaved([{ field: "family_name", column: "Household" }, { field: "case_title", column: "Issue" }], ["household ", "Other"]);
    expect(m).toEqual({ family_name: "household " });
  });
  it("builds the API's columns in field order and lists the unmapped ones", () => {
    const m = { case_title: "Issue", family_name: "Household", family_phone: "" };
    expect(toColumns(m, FIELDS)).toEqual([{ field: "family_name", column: "Household" }, { field: "case_title", column: "Issue" }]);
    expect(unmapped(m, ["Household", "Issue", "Notes"])).toEqual(["Notes"]);
  });
  it("finds a column chosen twice", () => {
    expect(duplicateColumns({ family_name: "A", case_title: "A", family_phone: "B" })).toEqual(["A"]);
  });
});
