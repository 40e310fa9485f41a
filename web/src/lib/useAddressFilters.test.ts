import { describe, expect, it } from "vitest";
import { cursorsOf, withCursors } from "./useAddressFilters";

describe("the walked cursors kept in a history entry's state", () => {
  it("are read back for the filters they were walked under", () => {
    const state = withCursors(null, [null, "c1", "c2"], "status=OPEN");
    expect(cursorsOf(state, "status=OPEN")).toEqual([null, "c1", "c2"]);
  });
  it("start over at the first page for other filters, or without paging state", () => {
    expect(cursorsOf(withCursors(null, [null, "c1"], "status=OPEN"), "status=CLOSED")).toEqual([null]);
    expect(cursorsOf(withCursors(null, [null, "c1"], ""), "q=x")).toEqual([null]);
    expect(cursorsOf(null, "")).toEqual([null]);
    expect(cursorsOf(undefined, "")).toEqual([null]);
    expect(cursorsOf({ erased: "Nguyen" }, "")).toEqual([null]);
  });
  it("ignore a state that is not a walk of cursors", () => {
    expect(cursorsOf({ paging: { cursors: ["c1"], filters: "" } }, "")).toEqual([null]);
    expect(cursorsOf({ paging: { cursors: [], filters: "" } }, "")).toEqual([null]);
    expect(cursorsOf({ paging: { cursors: [null, 3], filters: "" } }, "")).toEqual([null]);
    expect(cursorsOf({ paging: { cursors: "x", filters: "" } }, "")).toEqual([null]);
  });
  it("keep the rest of the entry's state", () => {
    expect(withCursors({ notice: "x" }, [null, "c1"], "")).toEqual({ notice: "x", paging: { cursors: [null, "c1"], filters: "" } });
  });
});
