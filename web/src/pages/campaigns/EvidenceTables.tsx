// Evidence tables: every count and share goes through countText/shareText, so a suppressed value is a
// hatched cell with a dash on screen and the word "suppressed" for screen readers, never a number.
import type { ReactNode } from "react";
import { useI18n } from "../../i18n/I18n";
import { countText, shareText, type CellText, type Suppressible } from "./evidence";

export function useCells() {
  const { t, lang, number } = useI18n();
  const word = t("campaigns.suppressed");
  return {
    count: (c: Suppressible | null | undefined) => countText(c, number, word, t("campaigns.notAvailable")),
    share: (c: Suppressible | null | undefined) => shareText(c, lang, word, t("campaigns.notAvailable")),
    days: (c: Suppressible | null | undefined) =>
      countText(c, (n) => new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(n), word, t("campaigns.notAvailable")),
  };
}

/** One table cell for a count or share. */
export function Cell({ cell, header = false }: { cell: CellText; header?: boolean }) {
  const content: ReactNode = cell.suppressed ? (
    <>
      <span className="suppressed-mark" aria-hidden="true" title={cell.spoken}>
        {cell.text}
      </span>
      <span className="sr-only">{cell.spoken}</span>
    </>
  ) : (
    cell.text
  );
  const className = cell.suppressed ? "num suppressed" : "num";
  return header ? (
    <th scope="row" className={className}>
      {content}
    </th>
  ) : (
    <td className={className}>{content}</td>
  );
}

interface Row {
  key: { label: string; value?: string | null };
  count: Suppressible;
  share: Suppressible;
}

/** A one-dimension table: label, count, share of the total; with the total row. */
export function EvidenceTable({ caption, head, rows, total }: { caption: string; head: string; rows: Row[]; total: Suppressible }) {
  const { t } = useI18n();
  const cells = useCells();
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={caption}>
      <table className="evidence">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{head}</th>
            <th scope="col" className="num">
              {t("campaigns.evidence.cases")}
            </th>
            <th scope="col" className="num">
              {t("campaigns.evidence.share")}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={`${r.key.value ?? ""}-${i}`}>
              <th scope="row">{r.key.label}</th>
              <Cell cell={cells.count(r.count)} />
              <Cell cell={cells.share(r.share)} />
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t("campaigns.evidence.total")}</th>
            <Cell cell={cells.count(total)} />
            <td />
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

interface Cross {
  rows: { label: string }[];
  columns: { label: string }[];
  cells: Suppressible[][];
  rowTotals: Suppressible[];
  columnTotals: Suppressible[];
  total: Suppressible;
}

/** A two-dimension table with its margins (row and column totals). */
export function CrossTable({ caption, corner, data }: { caption: string; corner: string; data: Cross }) {
  const { t } = useI18n();
  const cells = useCells();
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={caption}>
      <table className="evidence">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{corner}</th>
            {data.columns.map((c, i) => (
              <th scope="col" className="num" key={`${c.label}-${i}`}>
                {c.label}
              </th>
            ))}
            <th scope="col" className="num">
              {t("campaigns.evidence.total")}
            </th>
          </tr>
        </thead>
        <tbody>
          {data.rows.map((r, i) => (
            <tr key={`${r.label}-${i}`}>
              <th scope="row">{r.label}</th>
              {data.cells[i].map((c, j) => (
                <Cell key={j} cell={cells.count(c)} />
              ))}
              <Cell cell={cells.count(data.rowTotals[i])} />
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t("campaigns.evidence.total")}</th>
            {data.columnTotals.map((c, j) => (
              <Cell key={j} cell={cells.count(c)} />
            ))}
            <Cell cell={cells.count(data.total)} />
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

/** The legend every evidence section repeats: what a suppressed cell means. */
export function SuppressionNote({ threshold }: { threshold: number }) {
  const { t } = useI18n();
  return (
    <p className="legend">
      <span className="swatch" aria-hidden="true" />
      {t("campaigns.suppressedNote", { threshold })}
    </p>
  );
}
