import { describe, expect, it } from "vitest";
import { filterFromParams } from "./Caseload";
import { weekOf } from "./Dashboard";

describe("caseload filter from the URL", () => {
  it("reads status, issue, search, overdue and mine", () => {
    const p = new URLSearchParams("status=OPEN&status=BOGUS&category=DISCIPLINE&q=%20bus%20&overdue=1&mine=1");
    expect(filterFromParams(p, "U1")).toEqual({ status: ["OPEN"], category: ["DISCIPLINE"], search: "bus", overdue: true, assigneeId: ["U1"] });
    expect(filterFromParams(new URLSearchParams(""))).toEqual({});
  });
  it("searches at most as many characters as the API takes (200)", () => {
    const long = "interpreter ".repeat(30);
    const search = filterFromParams(new URLSearchParams({ q: long })).search!;
    expect(search.length).toBeLessThanOrEqual(200);
    expect(long.startsWith(search)).toBe(true);
  });
});

describe("weekOf", () => {
  it("is Monday to Sunday", () => {
    expect(weekOf("2026-11-25")).toEqual({ start: "2026-11-23", end: "2026-11-29" });
    expect(weekOf("2026-11-29")).toEqual({ start: "2026-11-23", end: "2026-11-29" });
    expect(weekOf("2026-11-23")).toEqual({ start: "2026-11-23", end: "2026-11-29" });
  });
});
