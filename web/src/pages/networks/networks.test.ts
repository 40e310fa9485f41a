import { describe, expect, it } from "vitest";
import { NETWORK_DIMENSIONS, sideBySide } from "./networks";

const m = (cases: number | null, suppressed = false) => ({
  cases: { value: cases, suppressed },
  escalationsSent: { value: 1, suppressed: false },
  answeredWithinWindow: { value: null, suppressed: true },
  shareAnsweredWithinWindow: { value: 0.5, suppressed: false },
});

describe("sideBySide", () => {
  const stats = {
    organizations: [{ name: "A" }, { name: "B" }],
    rows: [
      { key: { value: "X", label: "Ex" }, byOrganization: [m(12), m(null, true)], combined: m(20) },
      { key: { value: "Y", label: "Why" }, byOrganization: [m(0), m(null, true)], combined: m(null, true) },
    ],
    total: { key: null, byOrganization: [m(12), m(30)], combined: m(42) },
  };
  it("puts each organization side by side, then the combined column, for the chosen measure", () => {
    const t = sideBySide(stats, "cases", "Combined");
    expect(t.columns).toEqual(["A", "B", "Combined"]);
    expect(t.rows.map((r) => r.label)).toEqual(["Ex", "Why"]);
    expect(t.rows[0].cells).toEqual([{ value: 12, suppressed: false }, { value: null, suppressed: true }, { value: 20, suppressed: false }]);
    expect(t.rows[1].cells.map((c) => c.suppressed)).toEqual([false, true, true]);
    expect(t.total.map((c) => c.value)).toEqual([12, 30, 42]);
  });
  it("keeps suppression of the other measures", () => {
    const t = sideBySide(stats, "answeredWithinWindow", "Combined");
    expect(t.total.every((c) => c.suppressed && c.value == null)).toBe(true);
  });
});

describe("NETWORK_DIMENSIONS", () => {
  it("leaves out dimensions bound to one organization", () => {
    for (const d of ["SCHOOL", "DISTRICT", "CHAPTER"]) expect(NETWORK_DIMENSIONS).not.toContain(d);
  });
});

describe("navigation", () => {
  it("shows Networks to leads and to admins who join or convene networks, not to others", async () => {
    const { navFor } = await import("../../app/routes");
    for (const p of ["network:lead", "network:join", "network:manage"]) expect(navFor([p]).map((r) => r.path)).toContain("/networks");
    expect(navFor(["campaign:read", "stats:read"]).map((r) => r.path)).not.toContain("/networks");
  });
});
