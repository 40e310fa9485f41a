import { describe, expect, it } from "vitest";
import { toGrid } from "./pivot";

describe("toGrid", () => {
  it("places each cell by its two keys, in the server's order", () => {
    const cells = [
      { keys: [{ value: "A", label: "School A" }, { value: "D", label: "Discipline" }], value: 12 },
      { keys: [{ value: "A", label: "School A" }, { value: "S", label: "Special ed" }], value: 0 },
      { keys: [{ value: "B", label: "School B" }, { value: "S", label: "Special ed" }], value: 4 },
    ];
    const g = toGrid(cells);
    expect(g.rows.map((r) => r.label)).toEqual(["School A", "School B"]);
    expect(g.columns.map((c) => c.label)).toEqual(["Discipline", "Special ed"]);
    expect(g.cells).toEqual([
      [12, 0],
      [null, 4],
    ]);
  });
  it("keeps a null key (e.g. 'no school') apart from the others by its label", () => {
    const g = toGrid([
      { keys: [{ value: null, label: "Unknown" }, { value: "X", label: "X" }], value: 1 },
      { keys: [{ value: "Y", label: "Y" }, { value: "X", label: "X" }], value: 2 },
    ]);
    expect(g.rows.map((r) => r.label)).toEqual(["Unknown", "Y"]);
    expect(g.cells).toEqual([[1], [2]]);
  });
});
