// One campaign: its facts, the evidence (tables and charts, suppressed cells shown as suppressed), the
// stories waiting for approval, and the exports (CSV, JSON and the printable brief, by exportCampaignEvidence).
import { Link, useParams, useSearchParams } from "react-router-dom";
import { graphql } from "../../gql";
import type { CampaignPageQuery } from "../../gql/graphql";
import { LoadError, Loading, usePageTitle } from "../../components/forms";
import { useI18n } from "../../i18n/I18n";
import { useQuery } from "../../lib/useQuery";
import { useSession } from "../../lib/session";
import { BarChart } from "./Charts";
import { CampaignExports } from "./CampaignExports";
import { Cell, CrossTable, EvidenceTable, SuppressionNote, useCells } from "./EvidenceTables";
import { barsFromRows } from "./evidence";
import { StoryReview } from "./StoryReview";
import "./campaigns.css";

const CampaignPageDocument = graphql(`
  query CampaignPage($id: ID!) {
    campaign(id: $id) {
      id name goal target status version updatedAt
      targetDistrict { id name }
      leads { id displayName }
      criteria {
        categories subcategories openedFrom openedTo tags
        districts { id name }
        schools { id name }
      }
      evidence {
        asOf suppressionThreshold
        cases { value suppressed }
        families { value suppressed }
        schoolByCategory {
          rows { value label } columns { value label }
          cells { value suppressed } rowTotals { value suppressed } columnTotals { value suppressed } total { value suppressed }
        }
        bySchool { ...EvidenceTableParts }
        byCategory { ...EvidenceTableParts }
        byDistrict { ...EvidenceTableParts }
        byMonth { ...EvidenceTableParts }
        byStatus { ...EvidenceTableParts }
        outcomes { ...EvidenceTableParts }
        bySubgroup { ...EvidenceTableParts }
        responsiveness { ...ResponsivenessParts }
        responsivenessTotal { ...ResponsivenessParts }
        stories { title body category approvedOn }
      }
    }
  }
  fragment EvidenceTableParts on EvidenceTable {
    dimension
    rows { key { value label } count { value suppressed } share { value suppressed } }
    total { value suppressed }
  }
  fragment ResponsivenessParts on EvidenceResponsiveness {
    district { value label }
    sent { value suppressed } answered { value suppressed } answeredWithinWindow { value suppressed }
    overdueNow { value suppressed } shareAnsweredWithinWindow { value suppressed } medianSchoolDaysToAnswer { value suppressed }
  }
`);

type Campaign = NonNullable<CampaignPageQuery["campaign"]>;
type Evidence = Campaign["evidence"];
type Table = Evidence["bySchool"];

function TableSection({ id, title, head, table, chart = true }: { id: string; title: string; head: string; table: Table; chart?: boolean }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby={id}>
      <h3 id={id}>{title}</h3>
      {table.rows.length === 0 ? (
        <p className="muted">{t("campaigns.evidence.noRows")}</p>
      ) : (
        <>
          {chart && <BarChart title={title} labelledBy={id} bars={barsFromRows(table.rows)} />}
          <EvidenceTable caption={title} head={head} rows={table.rows} total={table.total} />
        </>
      )}
    </section>
  );
}

function Responsiveness({ evidence }: { evidence: Evidence }) {
  const { t } = useI18n();
  const cells = useCells();
  const rows = [...evidence.responsiveness, evidence.responsivenessTotal];
  const title = t("campaigns.evidence.responsiveness");
  return (
    <section aria-labelledby="ev-resp">
      <h3 id="ev-resp">{title}</h3>
      <p className="muted">{t("campaigns.evidence.responsivenessHint")}</p>
      {evidence.responsiveness.length > 0 && (
        <BarChart
          title={t("campaigns.evidence.withinWindowChart")}
          percent
          bars={evidence.responsiveness.map((r) => ({
            label: r.district?.label ?? t("campaigns.evidence.total"),
            value: r.shareAnsweredWithinWindow.suppressed ? null : (r.shareAnsweredWithinWindow.value ?? 0),
          }))}
        />
      )}
      <div className="table-wrap" tabIndex={0} role="region" aria-label={title}>
        <table className="evidence">
          <caption className="sr-only">{title}</caption>
          <thead>
            <tr>
              <th scope="col">{t("campaigns.evidence.district")}</th>
              <th scope="col" className="num">{t("campaigns.evidence.sent")}</th>
              <th scope="col" className="num">{t("campaigns.evidence.answered")}</th>
              <th scope="col" className="num">{t("campaigns.evidence.withinWindow")}</th>
              <th scope="col" className="num">{t("campaigns.evidence.withinWindowShare")}</th>
              <th scope="col" className="num">{t("campaigns.evidence.medianDays")}</th>
              <th scope="col" className="num">{t("campaigns.evidence.overdueNow")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i}>
                <th scope="row">{i === rows.length - 1 ? t("campaigns.evidence.allDistricts") : (r.district?.label ?? "")}</th>
                <Cell cell={cells.count(r.sent)} />
                <Cell cell={cells.count(r.answered)} />
                <Cell cell={cells.count(r.answeredWithinWindow)} />
                <Cell cell={cells.share(r.shareAnsweredWithinWindow)} />
                <Cell cell={cells.days(r.medianSchoolDaysToAnswer)} />
                <Cell cell={cells.count(r.overdueNow)} />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export default function CampaignPage() {
  const { id = "" } = useParams();
  const [params] = useSearchParams();
  const { t, te, date, number } = useI18n();
  const { can } = useSession();
  const { data, error, loading, reload } = useQuery(CampaignPageDocument, { id });
  const c = data?.campaign;
  const cells = useCells();
  usePageTitle(c ? c.name : t("campaigns.pageTitle"));

  if (error) return <LoadError error={error} />;
  if (loading && !data) return <Loading />;
  if (!c) {
    return (
      <>
        <h1>{t("campaigns.notFound")}</h1>
        <p>
          <Link to="/campaigns">{t("campaigns.backToList")}</Link>
        </p>
      </>
    );
  }
  const ev = c.evidence;
  const base = `/campaigns/${encodeURIComponent(c.id)}`;
  const criteria = [
    ...c.criteria.categories.map((x) => te("CaseCategory", x)),
    ...c.criteria.districts.map((d) => d.name),
    ...c.criteria.schools.map((s) => s.name),
    ...c.criteria.tags.map((tag) => `#${tag}`),
  ];
  return (
    <>
      <p>
        <Link to="/campaigns">← {t("campaigns.backToList")}</Link>
      </p>
      {params.get("saved") === "1" && (
        <p className="notice" role="status">
          {t("campaigns.saved")}
        </p>
      )}
      <h1>
        {c.name} <span className="badge">{t(`campaigns.status.${c.status}`)}</span>
      </h1>
      <section className="panel" aria-labelledby="camp-facts">
        <h2 id="camp-facts">{t("campaigns.about")}</h2>
        <dl className="facts">
          <dt>{t("campaigns.goal")}</dt>
          <dd>{c.goal || t("common.notSet")}</dd>
          <dt>{t("campaigns.target")}</dt>
          <dd>{[c.target, c.targetDistrict?.name].filter(Boolean).join(" · ") || t("common.notSet")}</dd>
          <dt>{t("campaigns.leads")}</dt>
          <dd>{c.leads.map((l) => l.displayName).join(", ") || t("common.notSet")}</dd>
          <dt>{t("campaigns.criteria")}</dt>
          <dd>
            {criteria.join(" · ") || t("campaigns.noCriteria")}
            {(c.criteria.openedFrom || c.criteria.openedTo) &&
              ` · ${t("campaigns.openedBetween", { from: date(c.criteria.openedFrom) || "…", to: date(c.criteria.openedTo) || "…" })}`}
          </dd>
        </dl>
        {can("campaign:manage") && (
          <p>
            <Link to={`${base}/edit`}>{t("campaigns.edit")}</Link>
          </p>
        )}
      </section>

      {can("evidence:export") && (
        <section className="panel" aria-labelledby="camp-export">
          <h2 id="camp-export">{t("campaigns.exports")}</h2>
          <p className="muted">{t("campaigns.exportsHint")}</p>
          <CampaignExports campaignId={c.id} />
        </section>
      )}

      <section className="panel" aria-labelledby="camp-evidence">
        <h2 id="camp-evidence">{t("campaigns.evidence.title")}</h2>
        <p className="muted">{t("campaigns.evidence.asOf", { date: date(ev.asOf) })}</p>
        <SuppressionNote threshold={ev.suppressionThreshold} />
        <ul className="kpis">
          <li>
            <span className="kpi-value" aria-hidden={ev.cases.suppressed || undefined}>
              {cells.count(ev.cases).text}
            </span>
            {ev.cases.suppressed && <span className="sr-only">{cells.count(ev.cases).spoken}</span>}
            {t("campaigns.evidence.casesKpi")}
          </li>
          <li>
            <span className="kpi-value" aria-hidden={ev.families.suppressed || undefined}>
              {cells.count(ev.families).text}
            </span>
            {ev.families.suppressed && <span className="sr-only">{cells.count(ev.families).spoken}</span>}
            {t("campaigns.evidence.familiesKpi")}
          </li>
          <li>
            <span className="kpi-value">{number(ev.stories.length)}</span>
            {t("campaigns.evidence.storiesKpi")}
          </li>
        </ul>
        <TableSection id="ev-school" title={t("campaigns.evidence.bySchool")} head={t("campaigns.evidence.school")} table={ev.bySchool} />
        <TableSection id="ev-month" title={t("campaigns.evidence.byMonth")} head={t("campaigns.evidence.month")} table={ev.byMonth} />
        <TableSection id="ev-category" title={t("campaigns.evidence.byCategory")} head={t("campaigns.evidence.category")} table={ev.byCategory} />
        {ev.schoolByCategory.rows.length > 0 && ev.schoolByCategory.columns.length > 0 && (
          <section aria-labelledby="ev-cross">
            <h3 id="ev-cross">{t("campaigns.evidence.schoolByCategory")}</h3>
            <CrossTable caption={t("campaigns.evidence.schoolByCategory")} corner={t("campaigns.evidence.school")} data={ev.schoolByCategory} />
          </section>
        )}
        <h3>{t("campaigns.evidence.bySubgroup")}</h3>
        <div className="evidence-grid">
          {ev.bySubgroup.map((table) => (
            <TableSection
              key={table.dimension}
              id={`ev-sub-${table.dimension}`}
              title={t(`campaigns.dimension.${table.dimension}`)}
              head={t(`campaigns.dimension.${table.dimension}`)}
              table={table}
              chart={false}
            />
          ))}
        </div>
        <TableSection id="ev-district" title={t("campaigns.evidence.byDistrict")} head={t("campaigns.evidence.district")} table={ev.byDistrict} chart={false} />
        <Responsiveness evidence={ev} />
        <div className="evidence-grid">
          <TableSection id="ev-status" title={t("campaigns.evidence.byStatus")} head={t("campaigns.evidence.status")} table={ev.byStatus} chart={false} />
          <TableSection id="ev-outcome" title={t("campaigns.evidence.outcomes")} head={t("campaigns.evidence.outcome")} table={ev.outcomes} chart={false} />
        </div>
        <section aria-labelledby="ev-stories">
          <h3 id="ev-stories">{t("campaigns.evidence.stories")}</h3>
          {ev.stories.length === 0 ? (
            <p className="muted">{t("campaigns.evidence.noStories")}</p>
          ) : (
            ev.stories.map((s, i) => (
              <article className="story" key={i}>
                <h4>{s.title}</h4>
                <p className="muted">
                  {te("CaseCategory", s.category)}
                  {s.approvedOn && ` · ${t("campaigns.stories.approvedOn", { date: date(s.approvedOn) })}`}
                </p>
                <p style={{ whiteSpace: "pre-wrap" }}>{s.body}</p>
              </article>
            ))
          )}
        </section>
      </section>
      {can("story:approve") && <StoryReview campaignId={c.id} onChange={reload} />}
    </>
  );
}
