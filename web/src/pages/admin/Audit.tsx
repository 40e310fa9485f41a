// The audit log (audit:read): newest first, filtered by action, entity and time; export as CSV.
import { useState, type FormEvent } from "react";
import { graphql } from "../../gql";
import type { AuditEventFilter } from "../../gql/graphql";
import { Field, FormErrors, LoadError, Loading, usePageTitle, Notice } from "../../components/forms";
import { Pager } from "../../components/Pager";
import { useI18n } from "../../i18n/I18n";
import { request } from "../../lib/graphql";
import { useQuery } from "../../lib/useQuery";
import { AdminNav } from "./shared";
import { saveBlob } from "../../lib/download";
import { ADMIN_WORDING } from "./errors";
import { useAction } from "../../lib/useAction";
import { auditFilter, detailText, rangeBackwards } from "./audit";

const AuditEventsDocument = graphql(`
  query AuditEvents($filter: AuditEventFilter, $first: Int, $after: String) {
    auditEvents(filter: $filter, first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges { node { id at action entityType entityId requestId purpose detail actor { id displayName email } } }
    }
  }
`);
const ExportAuditDocument = graphql(`
  mutation ExportAuditEvents($input: ExportAuditEventsInput) {
    exportAuditEvents(input: $input) { csv rowCount truncated errors { code message field } }
  }
`);

const PAGE = 50;

export default function Audit() {
  const { t, dateTime, number } = useI18n();
  usePageTitle(t("admin.audit.title"));
  const [form, setForm] = useState({ action: "", entityType: "", since: "", until: "" });
  const [filter, setFilter] = useState<AuditEventFilter | null>(null);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const { data, error, loading } = useQuery(AuditEventsDocument, { filter, first: PAGE, after: cursors[cursors.length - 1] });
  const exporter = useAction(["filter.since", "filter.until", "filter.action"], ADMIN_WORDING);
  const [problem, setProblem] = useState<string | null>(null);
  const events = data?.auditEvents.edges.map((e) => e.node) ?? [];

  function apply(e: FormEvent) {
    e.preventDefault();
    if (rangeBackwards(form)) {
      setProblem(t("admin.audit.rangeBackwards"));
      return;
    }
    setProblem(null);
    setCursors([null]);
    setFilter(auditFilter(form, Intl.DateTimeFormat().resolvedOptions().timeZone));
  }

  return (
    <>
      <AdminNav />
      <h1>{t("admin.audit.title")}</h1>
      <form role="search" aria-label={t("admin.audit.filter")} onSubmit={apply} noValidate>
        <div className="filters">
          <Field label={t("admin.audit.action")} hint={t("admin.audit.actionHint")}>
            {(p) => <input {...p} value={form.action} onChange={(e) => setForm({ ...form, action: e.target.value })} />}
          </Field>
          <Field label={t("admin.audit.entityType")} hint={t("admin.audit.entityTypeHint")}>
            {(p) => <input {...p} value={form.entityType} onChange={(e) => setForm({ ...form, entityType: e.target.value })} />}
          </Field>
          <Field label={t("admin.audit.since")}>
            {(p) => <input {...p} type="date" value={form.since} onChange={(e) => setForm({ ...form, since: e.target.value })} />}
          </Field>
          <Field label={t("admin.audit.until")} hint={t("admin.audit.untilHint")} error={problem ?? undefined}>
            {(p) => <input {...p} type="date" value={form.until} onChange={(e) => setForm({ ...form, until: e.target.value })} />}
          </Field>
        </div>
        <div className="actions">
          <button type="submit">{t("admin.audit.apply")}</button>
          <button
            type="button"
            className="secondary"
            disabled={exporter.busy}
            onClick={async () => {
              let rows = 0;
              let truncated = false;
              await exporter.run(async () => {
                const r = (await request(ExportAuditDocument, { input: { filter } })).exportAuditEvents;
                if (r.csv != null) {
                  rows = r.rowCount ?? 0;
                  truncated = !!r.truncated;
                  saveBlob(new Blob([r.csv], { type: "text/csv;charset=utf-8" }), `audit-${new Date().toISOString().slice(0, 10)}.csv`);
                }
                return r.errors;
              });
              if (rows || truncated) exporter.setMessage(t(truncated ? "admin.audit.exportedTruncated" : "admin.audit.exported", { rows: number(rows) }));
            }}
          >
            {exporter.busy ? t("admin.audit.exporting") : t("admin.audit.export")}
          </button>
        </div>
      </form>
      <div role="status" aria-live="polite">
        {exporter.busy && (
          <p>
            <progress aria-label={t("admin.audit.exporting")} /> {t("admin.audit.exporting")}
          </p>
        )}
      </div>
      <Notice message={exporter.message} />
      <FormErrors messages={[...exporter.errors.general, ...Object.values(exporter.errors.fields)]} />
      {error && <LoadError error={error} />}
      {loading && !data && <Loading />}
      {data && (
        <>
          {events.length === 0 ? (
            <p>{t("admin.audit.none")}</p>
          ) : (
            <div className="table-wrap" tabIndex={0} role="region" aria-label={t("admin.audit.title")}>
              <table className="responsive admin">
                <caption className="sr-only">{t("admin.audit.title")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("admin.audit.when")}</th>
                    <th scope="col">{t("admin.audit.action")}</th>
                    <th scope="col">{t("admin.audit.who")}</th>
                    <th scope="col">{t("admin.audit.entity")}</th>
                    <th scope="col">{t("admin.audit.detail")}</th>
                  </tr>
                </thead>
                <tbody>
                  {events.map((ev) => (
                    <tr key={ev.id}>
                      <td>{dateTime(ev.at)}</td>
                      <td data-label={t("admin.audit.action")}>
                        <code>{ev.action}</code>
                      </td>
                      <td data-label={t("admin.audit.who")}>{ev.actor ? ev.actor.displayName || ev.actor.email : t("admin.audit.system")}</td>
                      <td data-label={t("admin.audit.entity")}>
                        {ev.entityType ?? ""}
                        {ev.entityId && <div className="muted"><code>{ev.entityId}</code></div>}
                      </td>
                      <td data-label={t("admin.audit.detail")}>
                        <code className="detail">{detailText(ev.detail)}</code>
                        {ev.purpose && <div className="muted">{t("admin.audit.purpose", { purpose: ev.purpose })}</div>}
                        {ev.requestId && <div className="muted">{t("admin.audit.request", { id: ev.requestId })}</div>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <Pager cursors={cursors} setCursors={setCursors} pageInfo={data.auditEvents.pageInfo} loading={loading} />
        </>
      )}
    </>
  );
}
