import { useEffect, useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { graphql } from "../../gql";
import type { CaseCategory, CaseFilter, CaseOrder, CaseStatus } from "../../gql/graphql";
import { Field, LoadError, Loading, StatusBadge, usePageTitle } from "../../components/forms";
import { useI18n } from "../../i18n/I18n";
import { Pager } from "../../components/Pager";
import { useAddressFilters } from "../../lib/useAddressFilters";
import { useQuery } from "../../lib/useQuery";
import { useSession } from "../../lib/session";
import { CaseloadExport } from "./CaseloadExport";
import { MAX_LENGTH } from "../../lib/limits";

const CasesDocument = graphql(`
  query Caseload($filter: CaseFilter, $orderBy: CaseOrder!, $first: Int, $after: String) {
    cases(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          id title status category categoryLabel priority overdue openedOn nextActionDueOn
          school { name } chapter { name } assignees { id displayName }
        }
      }
    }
    caseTaxonomy { code label }
  }
`);

export const STATUSES: CaseStatus[] = ["INTAKE", "OPEN", "ESCALATED", "ON_HOLD", "RESOLVED", "CLOSED"];
const ORDERS: CaseOrder[] = ["OPENED_NEWEST", "OPENED_OLDEST", "UPDATED_NEWEST", "PRIORITY"];
const PAGE = 25;

/** The filter the URL's query string describes (?status=OPEN&category=…&q=…&overdue=1&mine=1). */
export function filterFromParams(params: URLSearchParams, myId?: string): CaseFilter {
  const filter: CaseFilter = {};
  const status = params.getAll("status").filter((s): s is CaseStatus => (STATUSES as string[]).includes(s));
  if (status.length) filter.status = status;
  const category = params.get("category");
  if (category) filter.category = [category as CaseCategory];
  // at most what the API takes (a longer one from an edited or pasted address searches its start, not an error)
  const q = params.get("q")?.trim().slice(0, MAX_LENGTH.search).trim();
  if (q) filter.search = q;
  if (params.get("overdue") === "1") filter.overdue = true;
  if (params.get("mine") === "1" && myId) filter.assigneeId = [myId];
  const chapter = params.get("chapter");
  if (chapter) filter.chapterId = [chapter];
  return filter;
}

export default function Caseload() {
  const { t, te, date, number } = useI18n();
  const { me, can } = useSession();
  usePageTitle(t("caseload.title"));
  const { params, update, cursors, setCursors, from } = useAddressFilters();
  const filter = filterFromParams(params, me?.user.id);
  const order = (ORDERS as string[]).includes(params.get("order") ?? "") ? (params.get("order") as CaseOrder) : "OPENED_NEWEST";
  const after = cursors[cursors.length - 1];
  const { data, error, loading } = useQuery(CasesDocument, { filter, orderBy: order, first: PAGE, after });

  const [q, setQ] = useState(params.get("q") ?? "");
  const typed = params.get("q") ?? "";
  useEffect(() => setQ(typed), [typed]); // back and forward: the field follows the address

  function search(e: FormEvent) {
    e.preventDefault();
    update({ q: q.trim() || null });
  }

  const cases = data?.cases;
  const page = cursors.length;
  return (
    <>
      <h1>{t("caseload.title")}</h1>
      <form onSubmit={search} role="search" aria-label={t("caseload.filters")}>
        <div className="filters">
          <Field label={t("caseload.search")} hint={t("caseload.searchHint")}>
            {(p) => <input {...p} type="search" maxLength={MAX_LENGTH.search} value={q} onChange={(e) => setQ(e.target.value)} />}
          </Field>
          <Field label={t("caseload.status")}>
            {(p) => (
              <select {...p} value={params.get("status") ?? ""} onChange={(e) => update({ status: e.target.value || null })}>
                <option value="">{t("caseload.any")}</option>
                {STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {te("CaseStatus", s)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t("caseload.category")}>
            {(p) => (
              <select {...p} value={params.get("category") ?? ""} onChange={(e) => update({ category: e.target.value || null })}>
                <option value="">{t("caseload.any")}</option>
                {(data?.caseTaxonomy ?? []).map((c) => (
                  <option key={c.code} value={c.code}>
                    {te("CaseCategory", c.code, c.label)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {(me?.organizationChapters.length ?? 0) > 1 && (
            <Field label={t("caseload.chapter")}>
              {(p) => (
                <select {...p} value={params.get("chapter") ?? ""} onChange={(e) => update({ chapter: e.target.value || null })}>
                  <option value="">{t("caseload.any")}</option>
                  {me!.organizationChapters.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
          <Field label={t("caseload.order")}>
            {(p) => (
              <select {...p} value={order} onChange={(e) => update({ order: e.target.value })}>
                {ORDERS.map((o) => (
                  <option key={o} value={o}>
                    {te("CaseOrder", o)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <div className="actions">
          <label className="checkbox">
            <input type="checkbox" checked={params.get("overdue") === "1"} onChange={(e) => update({ overdue: e.target.checked ? "1" : null })} />
            {t("caseload.overdueOnly")}
          </label>
          <label className="checkbox">
            <input type="checkbox" checked={params.get("mine") === "1"} onChange={(e) => update({ mine: e.target.checked ? "1" : null })} />
            {t("caseload.mineOnly")}
          </label>
          <button type="submit">{t("caseload.searchButton")}</button>
        </div>
      </form>

      {can("case:export") && <CaseloadExport filter={filter} />}
      {error && <LoadError error={error} />}
      {loading && !cases && <Loading />}
      {cases && (
        <>
          <p role="status" aria-live="polite">
            {t("caseload.count", { count: cases.totalCount ?? 0, n: number(cases.totalCount ?? 0) })}
            {loading && ` · ${t("common.loading")}`}
          </p>
          <div className="table-wrap">
            <table className="responsive">
              <caption className="muted" style={{ textAlign: "left" }}>
                {t("caseload.page", { page: number(page) })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t("case.title")}</th>
                  <th scope="col">{t("caseload.status")}</th>
                  <th scope="col">{t("caseload.category")}</th>
                  <th scope="col">{t("case.school")}</th>
                  <th scope="col">{t("case.openedOn")}</th>
                  <th scope="col">{t("case.nextAction")}</th>
                </tr>
              </thead>
              <tbody>
                {cases.edges.map(({ node: c }) => (
                  <tr key={c.id}>
                    <td>
                      <Link to={`/cases/${encodeURIComponent(c.id)}`} state={from}>{c.title}</Link>
                    </td>
                    <td data-label={t("caseload.status")}>
                      <StatusBadge status={c.status} />
                    </td>
                    <td data-label={t("caseload.category")}>{te("CaseCategory", c.category, c.categoryLabel)}</td>
                    <td data-label={t("case.school")}>{c.school?.name ?? ""}</td>
                    <td data-label={t("case.openedOn")}>{date(c.openedOn)}</td>
                    <td data-label={t("case.nextAction")}>
                      {date(c.nextActionDueOn)} {c.overdue && <span className="badge overdue">{t("case.overdue")}</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {cases.edges.length === 0 && <p>{t("caseload.none")}</p>}
          <Pager cursors={cursors} setCursors={setCursors} pageInfo={cases.pageInfo} loading={loading} />
        </>
      )}
    </>
  );
}
