import { Link } from "react-router-dom";
import { graphql } from "../../gql";
import { LoadError, Loading, StatusBadge, usePageTitle } from "../../components/forms";
import { useI18n } from "../../i18n/I18n";
import { useQuery } from "../../lib/useQuery";
import { today } from "../../i18n/core";

const DashboardDocument = graphql(`
  query Dashboard {
    dashboard {
      dueSoonUntil
      openCases { id title status priority overdue nextActionDueOn categoryLabel category school { name } }
      overdueEscalations { id levelName responseDueOn contact { name } case { id title } }
      escalationsDueSoon { id levelName responseDueOn contact { name } case { id title } }
      deadlines { id label citation dueOn status case { id title } }
    }
  }
`);

/** Monday..Sunday of the week `day` (YYYY-MM-DD) is in. */
export function weekOf(day: string): { start: string; end: string } {
  const d = new Date(`${day}T00:00:00Z`);
  const offset = (d.getUTCDay() + 6) % 7;
  const start = new Date(d.getTime() - offset * 86400000);
  const end = new Date(start.getTime() + 6 * 86400000);
  return { start: start.toISOString().slice(0, 10), end: end.toISOString().slice(0, 10) };
}

export default function Dashboard() {
  const { t, te, date } = useI18n();
  usePageTitle(t("dashboard.title"));
  const { data, error, loading } = useQuery(DashboardDocument);
  if (error) return <LoadError error={error} />;
  if (loading && !data) return <Loading />;
  const d = data!.dashboard;
  const now = today();
  const { end } = weekOf(now);
  const deadlines = d.deadlines.filter((x) => x.dueOn >= now && x.dueOn <= end);
  const missed = d.deadlines.filter((x) => x.dueOn < now);

  return (
    <>
      <h1>{t("dashboard.title")}</h1>
      <section className="panel" aria-labelledby="dash-open">
        <h2 id="dash-open">{t("dashboard.openCases", { count: d.openCases.length })}</h2>
        {d.openCases.length === 0 ? (
          <p className="muted">{t("dashboard.noOpenCases")}</p>
        ) : (
          <ul className="plain">
            {d.openCases.map((c) => (
              <li key={c.id}>
                <Link to={`/cases/${encodeURIComponent(c.id)}`}>{c.title}</Link> <StatusBadge status={c.status} />{" "}
                {c.overdue && <span className="badge overdue">{t("case.overdue")}</span>}
                <div className="muted">
                  {te("CaseCategory", c.category, c.categoryLabel)}
                  {c.school && ` · ${c.school.name}`}
                  {c.nextActionDueOn && ` · ${t("case.nextActionDue", { date: date(c.nextActionDueOn) })}`}
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="panel" aria-labelledby="dash-overdue">
        <h2 id="dash-overdue">{t("dashboard.overdueEscalations", { count: d.overdueEscalations.length })}</h2>
        {d.overdueEscalations.length === 0 ? (
          <p className="muted">{t("dashboard.noOverdue")}</p>
        ) : (
          <EscalationList items={d.overdueEscalations} />
        )}
        {d.escalationsDueSoon.length > 0 && (
          <>
            <h3>{t("dashboard.dueSoon", { date: date(d.dueSoonUntil) })}</h3>
            <EscalationList items={d.escalationsDueSoon} />
          </>
        )}
      </section>
      <section className="panel" aria-labelledby="dash-deadlines">
        <h2 id="dash-deadlines">{t("dashboard.deadlinesThisWeek", { count: deadlines.length })}</h2>
        {deadlines.length === 0 ? <p className="muted">{t("dashboard.noDeadlines")}</p> : <DeadlineList items={deadlines} />}
        {missed.length > 0 && (
          <>
            <h3>{t("dashboard.missedDeadlines", { count: missed.length })}</h3>
            <DeadlineList items={missed} overdue />
          </>
        )}
      </section>
    </>
  );
}

function EscalationList({
  items,
}: {
  items: { id: string; levelName: string; responseDueOn: string; contact?: { name: string } | null; case?: { id: string; title: string } | null }[];
}) {
  const { t, date } = useI18n();
  return (
    <ul className="plain">
      {items.map((e) => (
        <li key={e.id}>
          {e.case && <Link to={`/cases/${encodeURIComponent(e.case.id)}`}>{e.case.title}</Link>}
          <div className="muted">
            {e.levelName}
            {e.contact && ` · ${e.contact.name}`} · {t("escalation.dueOn", { date: date(e.responseDueOn) })}
          </div>
        </li>
      ))}
    </ul>
  );
}

function DeadlineList({
  items,
  overdue,
}: {
  items: { id: string; label: string; citation: string; dueOn: string; case?: { id: string; title: string } | null }[];
  overdue?: boolean;
}) {
  const { t, date } = useI18n();
  return (
    <ul className="plain">
      {items.map((x) => (
        <li key={x.id}>
          <strong>{date(x.dueOn)}</strong> · {x.label} {overdue && <span className="badge overdue">{t("case.overdue")}</span>}
          {x.case && (
            <div>
              <Link to={`/cases/${encodeURIComponent(x.case.id)}`}>{x.case.title}</Link>
            </div>
          )}
          <div className="muted">{x.citation}</div>
        </li>
      ))}
    </ul>
  );
}
