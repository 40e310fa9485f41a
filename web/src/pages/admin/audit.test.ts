import { describe, expect, it } from "vitest";
import { auditFilter, detailText, nextDay, rangeBackwards, startOfDay } from "./audit";

describe("startOfDay", () => {
  it("uses the zone's offset on that day (daylight saving included)", () => {
    expect(startOfDay("2026-01-15", "America/New_York")).toBe("2026-01-15T00:00:00-05:00");
    expect(startOfDay("2026-07-15", "America/New_York")).toBe("2026-07-15T00:00:00-04:00");
    expect(startOfDay("2026-07-15", "UTC")).toBe("2026-07-15T00:00:00+00:00");
    expect(startOfDay("2026-07-15", "Asia/Kolkata")).toBe("2026-07-15T00:00:00+05:30");
  });
});

describe("nextDay", () => {
  it("crosses months and years", () => {
    expect(nextDay("2026-02-28")).toBe("2026-03-01");
    expect(nextDay("2026-12-31")).toBe("2027-01-01");
  });
});

describe("auditFilter", () => {
  it("is null for an empty form", () => {
    expect(auditFilter({ action: " ", entityType: "", since: "", until: "" }, "UTC")).toBeNull();
  });
  it("splits actions and makes 'until' include the whole day", () => {
    expect(auditFilter({ action: "user.*, role.grant", entityType: " user ", since: "2026-11-01", until: "2026-11-23" }, "UTC")).toEqual({
      action: ["user.*", "role.grant"],
      entityType: "user",
      since: "2026-11-01T00:00:00+00:00",
      until: "2026-11-24T00:00:00+00:00",
    });
  });
});

describe("detailText", () => {
  it("reads an object as key: value pairs", () => {
    expect(detailText({ roles: ["admin", "advocate"], email: "a@b.org", n: 2, x: null })).toBe("roles: admin, advocate · email: a@b.org · n: 2 · x: —");
  });
  it("copes with empty and odd values", () => {
    expect(detailText(null)).toBe("");
    expect(detailText({})).toBe("");
    expect(detailText([1, 2])).toBe("[1,2]");
  });
});

describe("rangeBackwards", () => {
  it("allows a one-day range (both days are included) and refuses a 'To' before 'From'", () => {
    expect(rangeBackwards({ since: "2026-11-23", until: "2026-11-23" })).toBe(false);
    expect(rangeBackwards({ since: "2026-11-23", until: "2026-11-24" })).toBe(false);
    expect(rangeBackwards({ since: "2026-11-23", until: "2026-11-22" })).toBe(true);
    expect(rangeBackwards({ since: "", until: "2026-11-22" })).toBe(false);
    expect(rangeBackwards({ since: "2026-11-23", until: "" })).toBe(false);
  });
  it("gives a one-day range the whole of that day", () => {
    expect(auditFilter({ action: "", entityType: "", since: "2026-11-23", until: "2026-11-23" }, "UTC")).toEqual({
      since: "2026-11-23T00:00:00+00:00",
      until: "2026-11-24T00:00:00+00:00",
    });
  });
});
