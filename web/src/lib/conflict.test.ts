import { describe, expect, it } from "vitest";
import { changedFields, isConflict, keepMyEdits } from "./conflict";

describe("isConflict", () => {
  it("is true when one of the errors is a CONFLICT", () => {
    expect(isConflict([{ code: "VALIDATION", message: "x", field: "name" }, { code: "CONFLICT", message: "y", field: null }])).toBe(true);
    expect(isConflict([{ code: "VALIDATION", message: "x", field: "name" }])).toBe(false);
    expect(isConflict([])).toBe(false);
    expect(isConflict([{ code: "CONFLICT", message: "z", field: "input.version" }])).toBe(true);
    // a name already taken is a CONFLICT on its own field, not a stale version
    expect(isConflict([{ code: "CONFLICT", message: "A campaign named “x” already exists", field: "input.name" }])).toBe(false);
  });
});

describe("keepMyEdits", () => {
  const opened = { name: "Interpreters", goal: "Old goal", tags: ["a"], status: "PLANNING" };
  const theirs = { name: "Interpreters at meetings", goal: "Old goal", tags: ["a", "b"], status: "ACTIVE" };
  it("keeps the fields I changed and takes theirs for the others", () => {
    const mine = { ...opened, goal: "My goal", tags: ["c"] };
    expect(keepMyEdits(mine, opened, theirs)).toEqual({ name: "Interpreters at meetings", goal: "My goal", tags: ["c"], status: "ACTIVE" });
  });
  it("compares lists by value, and only rebases the fields it is given", () => {
    const mine = { ...opened, tags: [...opened.tags], name: "Mine" };
    expect(keepMyEdits(mine, opened, theirs, ["tags"])).toEqual({ ...opened, name: "Mine", tags: ["a", "b"] });
  });
});

describe("changedFields", () => {
  it("names the fields whose values differ", () => {
    expect(changedFields({ a: "x", b: ["1"], c: 2 }, { a: "x", b: ["1", "2"], c: 3 })).toEqual(["b", "c"]);
    expect(changedFields({ a: "x", b: ["1"] }, { a: "x", b: ["1"] })).toEqual([]);
  });
});
