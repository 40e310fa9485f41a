// A led network's statistics: member organizations side by side and combined, by one dimension that means the
// same in every organization. Every count went through suppression on the server (each organization's own
// threshold for its column, the largest for the combined values); a suppressed cell is shown as suppressed.
import { useState } from "react";
import { Link, useParams } from "react-router-dom";
import { graphql } from "../../gql";
import type { StatsDimension } from "../../gql/graphql";
import { Field, LoadError, Loading, usePageTitle } from "../../components/forms";
import { useI18n } from "../../i18n/I18n";
import { useQuery } from "../../lib/useQuery";
import { Cell, useCells } from "../campaigns/EvidenceTables";
import { MEASURES, NETWORK_DIMENSIONS, sideBySide, type Measure } from "./networks";
import "../campaigns/campaigns.css";

const NetworkStatsDocument = graphql(`
  query NetworkStatsPage($networkId: ID!, $groupBy: StatsDimension) {
    networkStats(networkId: $networkId, groupBy: $groupBy) {
      dimension combinedThreshold
      organizations { name suppressionThreshold }
      rows { ...NetworkRowParts }
      total { ...NetworkRowParts }
    }
    networks { id name }
  }
  fragment NetworkRowParts on NetworkStatsRow {
    key { value label }
    byOrganization { ...NetworkMeasureParts }
    combined { ...NetworkMeasureParts }
  }
  fragment NetworkMeasureParts on NetworkMeasures {
    cases { value suppressed }
    escalationsSent { value suppressed }
    answeredWithinWindow { value suppressed }
    shareAnsweredWithinWindow { value suppressed }
  }
`);

export default function NetworkStats() {
  const { t } = useI18n();
  const { id = "" } = useParams();
  const [dimension, setDimension] = useState<StatsDimension | "">("CATEGORY");
  const [measure, setMeasure] = useState<Measure>("cases");
  const { data, error, loading } = useQuery(NetworkStatsDocument, { networkId: id, groupBy: dimension || null });
  const cells = useCells();
  const name = data?.networks.find((n) => n.id === id)?.name ?? "";
  const title = name ? t("networks.stats.title", { name }) : t("networks.stats.titleUnknown");
  usePageTitle(title);
  const stats = data?.networkStats;
  const table = stats ? sideBySide(stats, measure, t("networks.stats.combined")) : null;
  const show = (c: Parameters<typeof cells.count>[0]) => (measure === "shareAnsweredWithinWindow" ? cells.share(c) : cells.count(c));
  const measureLabel = t(`networks.measure.${measure}`);
  const caption = dimension
    ? t("networks.stats.caption", { measure: measureLabel, dimension: t(`campaigns.dimension.${dimension}`) })
    : t("networks.stats.captionTotal", { measure: measureLabel });

  return (
    <>
      <p>
        <Link to="/networks">← {t("networks.backToList")}</Link>
      </p>
      <h1>{title}</h1>
      <p className="muted">{t("networks.stats.intro")}</p>
      <div className="filters">
        <Field label={t("networks.stats.dimension")}>
          {(p) => (
            <select {...p} value={dimension} onChange={(e) => setDimension(e.target.value as StatsDimension | "")}>
              <option value="">{t("networks.stats.noDimension")}</option>
              {NETWORK_DIMENSIONS.map((d) => (
                <option key={d} value={d}>
                  {t(`campaigns.dimension.${d}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("networks.stats.measure")}>
          {(p) => (
            <select {...p} value={measure} onChange={(e) => setMeasure(e.target.value as Measure)}>
              {MEASURES.map((m) => (
                <option key={m} value={m}>
                  {t(`networks.measure.${m}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <div role="status" aria-live="polite">
        {loading && <Loading />}
      </div>
      {error && <LoadError error={error} />}
      {data && !stats && <p role="alert">{t("networks.stats.notLead")}</p>}
      {stats && table && (
        <>
          <p className="legend">
            <span className="swatch" aria-hidden="true" />
            {t("networks.stats.suppressedNote")}
          </p>
          <p className="legend">
            {t("networks.stats.thresholds", {
              list: stats.organizations.map((o) => `${o.name}: ${o.suppressionThreshold}`).join("; "),
              combined: stats.combinedThreshold,
            })}
          </p>
          {stats.organizations.length === 0 && <p>{t("networks.stats.noMembers")}</p>}
          <div className="table-wrap" tabIndex={0} role="region" aria-label={caption}>
            <table className="evidence">
              <caption className="sr-only">{caption}</caption>
              <thead>
                <tr>
                  <th scope="col">{dimension ? t(`campaigns.dimension.${dimension}`) : measureLabel}</th>
                  {table.columns.map((c, i) => (
                    <th scope="col" className="num" key={`${c}-${i}`}>
                      {c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {table.rows.map((r, i) => (
                  <tr key={`${r.label}-${i}`}>
                    <th scope="row">{r.label}</th>
                    {r.cells.map((c, j) => (
                      <Cell key={j} cell={show(c)} />
                    ))}
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">{t("campaigns.evidence.total")}</th>
                  {table.total.map((c, j) => (
                    <Cell key={j} cell={show(c)} />
                  ))}
                </tr>
              </tfoot>
            </table>
          </div>
        </>
      )}
    </>
  );
}
