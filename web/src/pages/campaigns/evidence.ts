// Pure helpers of the evidence page: how a suppressed value reads, and how bar lengths are scaled.

export interface Suppressible {
  value?: number | null;
  suppressed: boolean;
}

/** A count or share as the page shows it: { text, suppressed }. A suppressed value never shows a number. */
export interface CellText {
  /** What is printed in the cell (a dash for suppressed values). */
  text: string;
  /** What a screen reader hears (the word, never a bare dash). */
  spoken: string;
  suppressed: boolean;
}

export const SUPPRESSED_MARK = "—";

/**
 * Formats a suppressed-or-not count. `format` localizes a number; `suppressedWord` is the catalog's word
 * ("suppressed"), `none` what an absent (not suppressed, null) value reads as.
 */
export function countText(
  cell: Suppressible | null | undefined,
  format: (n: number) => string,
  suppressedWord: string,
  none = "",
): CellText {
  if (!cell) return { text: none, spoken: none, suppressed: false };
  if (cell.suppressed) return { text: SUPPRESSED_MARK, spoken: suppressedWord, suppressed: true };
  if (cell.value == null) return { text: none, spoken: none, suppressed: false };
  const text = format(cell.value);
  return { text, spoken: text, suppressed: false };
}

/** A share (0..1) as a percentage with no decimals, e.g. 0.381 -> "38%". */
export function shareText(
  cell: Suppressible | null | undefined,
  lang: string,
  suppressedWord: string,
  none = "",
): CellText {
  const percent = (n: number) => new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 }).format(n);
  return countText(cell, percent, suppressedWord, none);
}

/** The smallest "nice" axis maximum (1, 2, 2.5, 5 x 10^k) at or above `max`; 1 for an empty or zero chart. */
export function niceMax(max: number): number {
  if (!Number.isFinite(max) || max <= 0) return 1;
  const exp = Math.floor(Math.log10(max));
  const base = 10 ** exp;
  for (const step of [1, 2, 2.5, 5, 10]) {
    const candidate = step * base;
    if (candidate >= max - 1e-9) return candidate;
  }
  return 10 * base;
}

/** Evenly spaced axis ticks from 0 to `max` (inclusive), `count` intervals. */
export function ticks(max: number, count = 4): number[] {
  const out: number[] = [];
  for (let i = 0; i <= count; i++) out.push(Number(((max * i) / count).toPrecision(12)));
  return out;
}

export interface Bar {
  label: string;
  /** null: suppressed (drawn as a hatched placeholder, never with a length that hints at the value). */
  value: number | null;
}

export interface ScaledBar extends Bar {
  /** Length in chart units; for a suppressed bar, the placeholder's length. */
  length: number;
  suppressed: boolean;
}

/**
 * Bar lengths for a chart `width` units wide. Scaled to a nice maximum over the published values only,
 * so suppressed cells cannot be read off the scale. A suppressed bar gets a fixed placeholder length
 * (a quarter of the width) that says nothing about its value. `fixedMax` (e.g. 1 for shares) overrides.
 */
export function scaleBars(bars: readonly Bar[], width: number, fixedMax?: number): { max: number; bars: ScaledBar[] } {
  const published = bars.map((b) => b.value).filter((v): v is number => v != null);
  const max = fixedMax ?? niceMax(Math.max(0, ...published));
  return {
    max,
    bars: bars.map((b) =>
      b.value == null
        ? { ...b, length: width / 4, suppressed: true }
        : { ...b, length: Math.max(0, Math.min(width, (b.value / max) * width)), suppressed: false },
    ),
  };
}

/** Rows of an evidence table as chart bars (value null when suppressed). */
export function barsFromRows(rows: readonly { key: { label: string }; count: Suppressible }[]): Bar[] {
  return rows.map((r) => ({ label: r.key.label, value: r.count.suppressed ? null : (r.count.value ?? 0) }));
}

/** "a, b,  c ," -> ["a", "b", "c"] (tags typed as a comma-separated list), without duplicates. */
export function splitList(text: string): string[] {
  return [...new Set(text.split(",").map((s) => s.trim()).filter(Boolean))];
}
