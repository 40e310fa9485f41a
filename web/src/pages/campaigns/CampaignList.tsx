import { Link, useSearchParams } from "react-router-dom";
import { graphql } from "../../gql";
import type { CampaignStatus } from "../../gql/graphql";
import { Field, LoadError, Loading, usePageTitle } from "../../components/forms";
import { useI18n } from "../../i18n/I18n";
import { useQuery } from "../../lib/useQuery";
import { useSession } from "../../lib/session";
import "./campaigns.css";

const CampaignListDocument = graphql(`
  query CampaignList($status: [CampaignStatus!], $first: Int) {
    campaigns(status: $status, first: $first) {
      totalCount
      edges {
        node {
          id name goal target status updatedAt
          leads { id displayName }
        }
      }
    }
  }
`);

export const CAMPAIGN_STATUSES: CampaignStatus[] = ["PLANNING", "ACTIVE", "WON", "CLOSED"];

export default function CampaignList() {
  const { t, dateTime, number } = useI18n();
  const { can } = useSession();
  usePageTitle(t("campaigns.title"));
  const [params, setParams] = useSearchParams();
  const status = params.get("status");
  const filter = status && (CAMPAIGN_STATUSES as string[]).includes(status) ? [status as CampaignStatus] : null;
  const { data, error, loading } = useQuery(CampaignListDocument, { status: filter, first: 100 });
  const campaigns = data?.campaigns.edges.map((e) => e.node) ?? [];

  return (
    <>
      <h1>{t("campaigns.title")}</h1>
      <div className="actions" style={{ alignItems: "end" }}>
        <Field label={t("campaigns.filterStatus")}>
          {(p) => (
            <select
              {...p}
              value={status ?? ""}
              onChange={(e) => setParams(e.target.value ? { status: e.target.value } : {}, { replace: true })}
            >
              <option value="">{t("campaigns.anyStatus")}</option>
              {CAMPAIGN_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`campaigns.status.${s}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        {can("campaign:manage") && (
          <p>
            <Link to="/campaigns/new" className="button-link">
              {t("campaigns.new")}
            </Link>
          </p>
        )}
      </div>
      {error && <LoadError error={error} />}
      {loading && !data && <Loading />}
      {data && (
        <>
          <p role="status">{t("campaigns.count", { count: data.campaigns.totalCount ?? campaigns.length, n: number(data.campaigns.totalCount ?? campaigns.length) })}</p>
          {campaigns.length === 0 ? (
            <p>{t("campaigns.none")}</p>
          ) : (
            <div className="table-wrap">
              <table className="responsive">
                <caption className="sr-only">{t("campaigns.title")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("campaigns.name")}</th>
                    <th scope="col">{t("campaigns.statusLabel")}</th>
                    <th scope="col">{t("campaigns.target")}</th>
                    <th scope="col">{t("campaigns.leads")}</th>
                    <th scope="col">{t("campaigns.updated")}</th>
                  </tr>
                </thead>
                <tbody>
                  {campaigns.map((c) => (
                    <tr key={c.id}>
                      <td>
                        <Link to={`/campaigns/${encodeURIComponent(c.id)}`}>{c.name}</Link>
                        {c.goal && <div className="muted">{c.goal}</div>}
                      </td>
                      <td data-label={t("campaigns.statusLabel")}>
                        <span className="badge">{t(`campaigns.status.${c.status}`)}</span>
                      </td>
                      <td data-label={t("campaigns.target")}>{c.target ?? ""}</td>
                      <td data-label={t("campaigns.leads")}>{c.leads.map((l) => l.displayName).join(", ")}</td>
                      <td data-label={t("campaigns.updated")}>{dateTime(c.updatedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </>
  );
}
