// Small accessible SVG bar charts. The numbers are always in a table next to the chart; the chart itself is
// one image with a text alternative, and suppressed bars are hatched placeholders labelled "suppressed".
import { useId } from "react";
import { useI18n } from "../../i18n/I18n";
import { scaleBars, ticks, type Bar } from "./evidence";

const ROW = 26;
const LABEL = 240;
const PLOT = 300;
const VALUE = 90;

function clip(label: string, max = 30): string {
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
}

/** Horizontal bars, one per row. `percent`: values are shares 0..1 on a fixed 0-100% scale. */
/** `labelledBy`: the id of a heading that already names the chart (no caption is drawn then). */
export function BarChart({ title, bars, percent = false, labelledBy }: { title: string; bars: Bar[]; percent?: boolean; labelledBy?: string }) {
  const { t, lang, number } = useI18n();
  const id = useId();
  const { max, bars: scaled } = scaleBars(bars, PLOT, percent ? 1 : undefined);
  const fmt = (n: number) =>
    percent ? new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 }).format(n) : number(n);
  const height = scaled.length * ROW + 30;
  const width = LABEL + PLOT + VALUE;
  const suppressed = scaled.filter((b) => b.suppressed).length;
  const summary = [
    t("campaigns.chart.summary", { count: scaled.length }),
    ...scaled.map((b) => `${b.label}: ${b.suppressed ? t("campaigns.suppressed") : fmt(b.value!)}`),
  ].join("; ");
  // Nothing to draw when every bar is suppressed: the table says so cell by cell.
  if (scaled.length === 0 || suppressed === scaled.length) return null;
  return (
    <figure className="chart">
      {!labelledBy && <figcaption id={`${id}-cap`}>{title}</figcaption>}
      <svg
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
        role="img"
        aria-labelledby={`${labelledBy ?? `${id}-cap`} ${id}-desc`}
      >
        <desc id={`${id}-desc`}>{summary}</desc>
        <defs>
          <pattern id={`${id}-hatch`} width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="8" height="8" fill="#ffffff" />
            <line x1="0" y1="0" x2="0" y2="8" stroke="#6b6f76" strokeWidth="3" />
          </pattern>
        </defs>
        {ticks(max).map((v) => {
          const x = LABEL + (v / max) * PLOT;
          return (
            <g key={v}>
              <line x1={x} x2={x} y1={0} y2={scaled.length * ROW} stroke="#c6c9cf" />
              <text x={x} y={scaled.length * ROW + 18} fontSize="12" textAnchor="middle" fill="#4a4a4a">
                {fmt(v)}
              </text>
            </g>
          );
        })}
        {scaled.map((b, i) => {
          const y = i * ROW + 4;
          return (
            <g key={`${b.label}-${i}`}>
              <text x={LABEL - 6} y={y + 14} fontSize="13" textAnchor="end" fill="#1b1b1b">
                <title>{b.label}</title>
                {clip(b.label)}
              </text>
              {b.suppressed ? (
                <rect x={LABEL} y={y} width={b.length} height={ROW - 8} fill={`url(#${id}-hatch)`} stroke="#4a4a4a" strokeDasharray="4 3" />
              ) : (
                <rect x={LABEL} y={y} width={b.length} height={ROW - 8} fill="#0b4fb3" />
              )}
              <text x={LABEL + b.length + 6} y={y + 14} fontSize="13" fill="#1b1b1b" fontStyle={b.suppressed ? "italic" : undefined}>
                {b.suppressed ? t("campaigns.suppressed") : fmt(b.value!)}
              </text>
            </g>
          );
        })}
      </svg>
      {suppressed > 0 && (
        <p className="legend">
          <span className="swatch" aria-hidden="true" />
          {t("campaigns.chart.suppressedLegend")}
        </p>
      )}
    </figure>
  );
}
