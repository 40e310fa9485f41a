// The issueStats explorer: cases (and the responsiveness of their escalations) by up to two dimensions,
// every small cell suppressed by the server and shown as suppressed here.
import { useState } from "react";
import { graphql } from "../../gql";
import type { CaseCategory, IssueStatsQuery, StatsDimension } from "../../gql/graphql";
import { Field, LoadError, Loading, usePageTitle } from "../../components/forms";
import { useI18n } from "../../i18n/I18n";
import { useQuery } from "../../lib/useQuery";
import { BarChart } from "./Charts";
import { Cell, SuppressionNote, useCells } from "./EvidenceTables";
import { toGrid } from "./pivot";
import "./campaigns.css";

const IssueStatsDocument = graphql(`
  query IssueStats($filter: StatsFilter, $groupBy: [StatsDimension!]) {
    issueStats(filter: $filter, groupBy: $groupBy) {
      groupBy suppressionThreshold
      cells { ...StatsRowParts }
      rowTotals { ...StatsRowParts }
      columnTotals { ...StatsRowParts }
      total { ...StatsRowParts }
    }
    caseTaxonomy { code label }
  }
  fragment StatsRowParts on IssueStatsRow {
    keys { value label }
    cases { value suppressed }
    escalationsSent { value suppressed }
    answeredWithinWindow { value suppressed }
    shareAnsweredWithinWindow { value suppressed }
  }
`);

type Row = IssueStatsQuery["issueStats"]["cells"][number];

export const DIMENSIONS: StatsDimension[] = [
  "CATEGORY", "SUBCATEGORY", "SCHOOL", "DISTRICT", "CHAPTER", "MONTH", "SCHOOL_YEAR", "STATUS", "OUTCOME",
  "RACE_ETHNICITY", "SPECIAL_EDUCATION", "ENGLISH_LEARNER", "LANGUAGE", "GRADE_BAND",
];

export default function IssueStats() {
  const { t, te } = useI18n();
  usePageTitle(t("campaigns.stats.title"));
  const [rows, setRows] = useState<StatsDimension>("SCHOOL");
  const [cols, setCols] = useState<StatsDimension | "">("");
  const [category, setCategory] = useState("");
  const groupBy = cols && cols !== rows ? [rows, cols] : [rows];
  const filter = category ? { category: [category as CaseCategory] } : null;
  const { data, error, loading } = useQuery(IssueStatsDocument, { filter, groupBy });
  const cells = useCells();
  const stats = data?.issueStats;
  const dim = (d: string) => t(`campaigns.dimension.${d}`);

  return (
    <>
      <h1>{t("campaigns.stats.title")}</h1>
      <p className="muted">{t("campaigns.stats.intro")}</p>
      <div className="filters">
        <Field label={t("campaigns.stats.rows")}>
          {(p) => (
            <select {...p} value={rows} onChange={(e) => setRows(e.target.value as StatsDimension)}>
              {DIMENSIONS.map((d) => (
                <option key={d} value={d}>
                  {dim(d)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("campaigns.stats.columns")}>
          {(p) => (
            <select {...p} value={cols} onChange={(e) => setCols(e.target.value as StatsDimension | "")}>
              <option value="">{t("campaigns.stats.noColumns")}</option>
              {DIMENSIONS.filter((d) => d !== rows).map((d) => (
                <option key={d} value={d}>
                  {dim(d)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("campaigns.categories")}>
          {(p) => (
            <select {...p} value={category} onChange={(e) => setCategory(e.target.value)}>
              <option value="">{t("campaigns.stats.allCategories")}</option>
              {(data?.caseTaxonomy ?? []).map((c) => (
                <option key={c.code} value={c.code}>
                  {te("CaseCategory", c.code, c.label)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <div role="status" aria-live="polite">{loading && <Loading />}</div>
      {error && <LoadError error={error} />}
      {stats && (
        <>
          <SuppressionNote threshold={stats.suppressionThreshold} />
          {stats.groupBy.length === 2 ? <TwoWay stats={stats} /> : <OneWay stats={stats} title={dim(rows)} />}
          <p>
            {t("campaigns.stats.total")}: <Total cell={cells.count(stats.total.cases)} />
          </p>
        </>
      )}
    </>
  );
}

function Total({ cell }: { cell: ReturnType<ReturnType<typeof useCells>["count"]> }) {
  return cell.suppressed ? (
    <>
      <span aria-hidden="true">{cell.text}</span>
      <span className="sr-only">{cell.spoken}</span>
    </>
  ) : (
    <strong>{cell.text}</strong>
  );
}

function OneWay({ stats, title }: { stats: IssueStatsQuery["issueStats"]; title: string }) {
  const { t } = useI18n();
  const cells = useCells();
  const list: Row[] = stats.cells;
  return (
    <>
      <BarChart title={title} bars={list.map((r) => ({ label: r.keys[0]?.label ?? "", value: r.cases.suppressed ? null : (r.cases.value ?? 0) }))} />
      <div className="table-wrap" tabIndex={0} role="region" aria-label={title}>
        <table className="evidence">
          <caption className="sr-only">{title}</caption>
          <thead>
            <tr>
              <th scope="col">{title}</th>
              <th scope="col" className="num">{t("campaigns.evidence.cases")}</th>
              <th scope="col" className="num">{t("campaigns.evidence.sent")}</th>
              <th scope="col" className="num">{t("campaigns.evidence.withinWindow")}</th>
              <th scope="col" className="num">{t("campaigns.evidence.withinWindowShare")}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((r, i) => (
              <tr key={i}>
                <th scope="row">{r.keys[0]?.label}</th>
                <Cell cell={cells.count(r.cases)} />
                <Cell cell={cells.count(r.escalationsSent)} />
                <Cell cell={cells.count(r.answeredWithinWindow)} />
                <Cell cell={cells.share(r.shareAnsweredWithinWindow)} />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function TwoWay({ stats }: { stats: IssueStatsQuery["issueStats"] }) {
  const { t } = useI18n();
  const cells = useCells();
  const grid = toGrid(stats.cells.map((c) => ({ keys: c.keys, value: c.cases })));
  const rowTotal = new Map(stats.rowTotals.map((r) => [r.keys[0]?.value ?? r.keys[0]?.label, r.cases]));
  const colTotal = new Map(stats.columnTotals.map((r) => [r.keys[r.keys.length - 1]?.value ?? r.keys[r.keys.length - 1]?.label, r.cases]));
  const caption = `${t(`campaigns.dimension.${stats.groupBy[0]}`)} × ${t(`campaigns.dimension.${stats.groupBy[1]}`)}`;
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={caption}>
      <table className="evidence">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{caption}</th>
            {grid.columns.map((c, i) => (
              <th scope="col" className="num" key={i}>
                {c.label}
              </th>
            ))}
            <th scope="col" className="num">{t("campaigns.evidence.total")}</th>
          </tr>
        </thead>
        <tbody>
          {grid.rows.map((r, i) => (
            <tr key={i}>
              <th scope="row">{r.label}</th>
              {grid.cells[i].map((c, j) => (
                <Cell key={j} cell={cells.count(c)} />
              ))}
              <Cell cell={cells.count(rowTotal.get(r.value ?? r.label))} />
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t("campaigns.evidence.total")}</th>
            {grid.columns.map((c, j) => (
              <Cell key={j} cell={cells.count(colTotal.get(c.value ?? c.label))} />
            ))}
            <Cell cell={cells.count(stats.total.cases)} />
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
