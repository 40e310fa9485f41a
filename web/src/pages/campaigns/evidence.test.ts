import { describe, expect, it } from "vitest";
import { barsFromRows, countText, niceMax, scaleBars, shareText, splitList, ticks } from "./evidence";

const fmt = (n: number) => new Intl.NumberFormat("en").format(n);

describe("countText", () => {
  it("never prints a number for a suppressed cell and says so to screen readers", () => {
    const c = countText({ value: null, suppressed: true }, fmt, "suppressed");
    expect(c).toEqual({ text: "—", spoken: "suppressed", suppressed: true });
  });
  it("ignores a value that came with suppressed: true", () => {
    expect(countText({ value: 3, suppressed: true }, fmt, "suppressed").text).toBe("—");
  });
  it("formats published counts in the locale, zero included", () => {
    expect(countText({ value: 1234, suppressed: false }, fmt, "s").text).toBe("1,234");
    expect(countText({ value: 0, suppressed: false }, fmt, "s").text).toBe("0");
    const es = (n: number) => new Intl.NumberFormat("es").format(n);
    expect(countText({ value: 12345, suppressed: false }, es, "suprimido").text).toBe("12.345");
  });
  it("shows the 'none' text for a missing value", () => {
    expect(countText(null, fmt, "s", "n/a").text).toBe("n/a");
    expect(countText({ value: null, suppressed: false }, fmt, "s", "n/a").spoken).toBe("n/a");
  });
});

describe("shareText", () => {
  it("prints percentages and suppresses like counts", () => {
    expect(shareText({ value: 0.381, suppressed: false }, "en", "s").text).toBe("38%");
    expect(shareText({ value: null, suppressed: true }, "en", "suppressed").spoken).toBe("suppressed");
  });
});

describe("niceMax and ticks", () => {
  it("rounds up to 1, 2, 2.5, 5 x 10^k", () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(-3)).toBe(1);
    expect(niceMax(7)).toBe(10);
    expect(niceMax(10)).toBe(10);
    expect(niceMax(11)).toBe(20);
    expect(niceMax(23)).toBe(25);
    expect(niceMax(38)).toBe(50);
    expect(niceMax(61)).toBe(100);
    expect(niceMax(0.38)).toBe(0.5);
  });
  it("spaces ticks evenly from zero", () => {
    expect(ticks(20)).toEqual([0, 5, 10, 15, 20]);
    expect(ticks(1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });
});

describe("scaleBars", () => {
  it("scales published values to the nice maximum", () => {
    const { max, bars } = scaleBars([{ label: "A", value: 40 }, { label: "B", value: 10 }], 200);
    expect(max).toBe(50);
    expect(bars.map((b) => b.length)).toEqual([160, 40]);
  });
  it("gives suppressed bars a fixed placeholder, and leaves them out of the scale", () => {
    const { max, bars } = scaleBars([{ label: "A", value: 12 }, { label: "B", value: null }], 100);
    expect(max).toBe(20);
    expect(bars[1]).toMatchObject({ suppressed: true, length: 25 });
    // the placeholder is the same whatever the hidden value could be
    expect(scaleBars([{ label: "A", value: 900 }, { label: "B", value: null }], 100).bars[1].length).toBe(25);
  });
  it("uses a fixed maximum for shares and clamps to the width", () => {
    const { bars } = scaleBars([{ label: "A", value: 0.5 }, { label: "B", value: 1.2 }], 100, 1);
    expect(bars.map((b) => b.length)).toEqual([50, 100]);
  });
  it("copes with all-suppressed and empty charts", () => {
    expect(scaleBars([{ label: "A", value: null }], 100).max).toBe(1);
    expect(scaleBars([], 100).bars).toEqual([]);
  });
});

describe("barsFromRows", () => {
  it("turns suppressed rows into null bars", () => {
    const rows = [
      { key: { label: "X" }, count: { value: 14, suppressed: false } },
      { key: { label: "Y" }, count: { value: null, suppressed: true } },
    ];
    expect(barsFromRows(rows)).toEqual([{ label: "X", value: 14 }, { label: "Y", value: null }]);
  });
});

describe("splitList", () => {
  it("trims, drops empties and duplicates", () => {
    expect(splitList(" media, board-testimony ,, media ")).toEqual(["media", "board-testimony"]);
    expect(splitList("")).toEqual([]);
  });
});
