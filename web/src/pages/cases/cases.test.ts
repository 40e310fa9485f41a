import { describe, expect, it } from "vitest";
import { filterFromParams } from "./Caseload";
import { weekOf } from "./Dashboard";
import { composeLetter } from "./case/letter";

describe("caseload filter from the URL", () => {
  it("reads status, issue, search, overdue and mine", () => {
    const p = new URLSearchParams("status=OPEN&status=BOGUS&category=DISCIPLINE&q=%20bus%20&overdue=1&mine=1");
    expect(filterFromParams(p, "U1")).toEqual({ status: ["OPEN"], category: ["DISCIPLINE"], search: "bus", overdue: true, assigneeId: ["U1"] });
    expect(filterFromParams(new URLSearchParams(""))).toEqual({});
  });
});

describe("weekOf", () => {
  it("is Monday to Sunday", () => {
    expect(weekOf("2026-11-25")).toEqual({ start: "2026-11-23", end: "2026-11-29" });
    expect(weekOf("2026-11-29")).toEqual({ start: "2026-11-23", end: "2026-11-29" });
    expect(weekOf("2026-11-23")).toEqual({ start: "2026-11-23", end: "2026-11-29" });
  });
});

describe("composeLetter", () => {
  const base = {
    organizationName: "Lynn Parents United", contactName: "Dana Reyes", contactTitle: "Director", contactOffice: null,
    districtName: "Lynn Public Schools", levelName: "District office", category: "Discipline", subcategory: "Expulsion",
    studentFirstName: "Mateo", studentLastName: "Ortega", studentGrade: "4", schoolName: "Lynn English",
    consentSignedOn: "2026-09-02", summary: "Expelled without a hearing.", remedyRequested: "A hearing.",
    responseWindowSchoolDays: 10, advocateName: "Rosa Mejía", advocateEmail: "rosa@example.org", sentOn: "2026-11-23",
  };
  it("says who, what, what we ask and by when", () => {
    const text = composeLetter(base);
    expect(text).toContain("Dear Dana Reyes,");
    expect(text).toContain("Re: Discipline (Expulsion)");
    expect(text).toContain("It concerns Mateo Ortega, a student in grade 4 at Lynn English.");
    expect(text).toContain("release signed September 2, 2026");
    expect(text).toContain("Expelled without a hearing.");
    expect(text).toContain("within 10 school days");
    expect(text).not.toContain("null");
  });
  it("leaves out what it does not know", () => {
    const text = composeLetter({ ...base, studentFirstName: null, consentSignedOn: null, responseWindowSchoolDays: 1 });
    expect(text).toContain("It concerns a student in grade 4");
    expect(text).not.toContain("authorized");
    expect(text).toContain("within 1 school day from");
  });
});
