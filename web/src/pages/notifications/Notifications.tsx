// My notifications, newest first: open the case, mark one or all read; and the daily email digest setting.
import { useState } from "react";
import { Link } from "react-router-dom";
import { graphql } from "../../gql";
import type { NotificationListQuery } from "../../gql/graphql";
import { FormErrors, LoadError, Loading, usePageTitle } from "../../components/forms";
import { useI18n } from "../../i18n/I18n";
import type { UserError } from "../../lib/errors";
import { request } from "../../lib/graphql";
import { useAction } from "../../lib/useAction";
import { useQuery } from "../../lib/useQuery";
import { NOTIFICATIONS_CHANGED } from "./NotificationBell";

const ListDocument = graphql(`
  query NotificationList($first: Int, $after: String, $unreadOnly: Boolean!) {
    notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {
      unreadCount
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          id kind caseId caseReference caseTitle levelName label dueOn respondedOn late createdAt read
        }
      }
    }
    notificationPreferences { emailDigest }
  }
`);

const MarkReadDocument = graphql(`
  mutation MarkNotificationRead($input: MarkNotificationReadInput!) {
    markNotificationRead(input: $input) { notification { id read } errors { code message field } }
  }
`);

const MarkAllDocument = graphql(`
  mutation MarkAllNotificationsRead { markAllNotificationsRead { count errors { code message field } } }
`);

const PreferencesDocument = graphql(`
  mutation SetNotificationPreferences($input: SetNotificationPreferencesInput!) {
    setNotificationPreferences(input: $input) { preferences { emailDigest } errors { code message field } }
  }
`);

type Item = NotificationListQuery["notifications"]["edges"][number]["node"];
const PAGE = 50;

function Summary({ n }: { n: Item }) {
  const { t, date } = useI18n();
  const vars = { level: n.levelName ?? "", label: n.label ?? "", due: date(n.dueOn), responded: date(n.respondedOn) };
  switch (n.kind) {
    case "CASE_ASSIGNED":
      return <>{t("notifications.kind.CASE_ASSIGNED")}</>;
    case "ESCALATION_ANSWERED":
      return <>{t(n.late ? "notifications.kind.ESCALATION_ANSWERED_LATE" : "notifications.kind.ESCALATION_ANSWERED", vars)}</>;
    case "ESCALATION_OVERDUE":
      return <>{t("notifications.kind.ESCALATION_OVERDUE", vars)}</>;
    case "DEADLINE_UPCOMING":
      return <>{t("notifications.kind.DEADLINE_UPCOMING", vars)}</>;
    case "DEADLINE_MISSED":
      return <>{t("notifications.kind.DEADLINE_MISSED", vars)}</>;
    default:
      return <>{n.kind}</>;
  }
}

export default function Notifications() {
  const { t, dateTime, number } = useI18n();
  usePageTitle(t("notifications.title"));
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [first, setFirst] = useState(PAGE);
  const { data, error, loading, reload } = useQuery(ListDocument, { first, unreadOnly });
  const action = useAction([]);
  const { busy, errors, message: status } = action;

  /** Runs a change; answered (done or refused), the list and the bell's count are read again. */
  async function run(fn: () => Promise<readonly UserError[]>, done: string) {
    action.reset();
    let answered = false;
    await action.run(async () => {
      const errs = await fn();
      answered = true;
      return errs;
    }, done);
    if (answered) {
      await reload();
      window.dispatchEvent(new Event(NOTIFICATIONS_CHANGED));
    }
  }

  /**
   * Opening a notification's case reads it: marked read on the way (best effort: this page is left meanwhile, and
   * the bell's count follows once the server has it).
   */
  function opened(n: Item) {
    if (n.read) return;
    request(MarkReadDocument, { input: { id: n.id } }).then(
      (r) => {
        if (r.markNotificationRead.errors.length === 0) window.dispatchEvent(new Event(NOTIFICATIONS_CHANGED));
      },
      () => undefined,
    );
  }

  const list = data?.notifications;
  const [digestChoice, setDigestChoice] = useState<boolean | null>(null); // shown at once, saved in the background
  const digest = digestChoice ?? data?.notificationPreferences.emailDigest ?? true;
  return (
    <>
      <h1>{t("notifications.title")}</h1>
      {error && <LoadError error={error} />}
      {loading && !list && <Loading />}
      <FormErrors messages={errors.general} />
      <p role="status" aria-live="polite" className={status ? "notice" : undefined}>
        {status ?? ""}
      </p>
      {list && (
        <>
          <p>{t("notifications.unread", { count: list.unreadCount, n: number(list.unreadCount) })}</p>
          <div className="actions">
            <label className="checkbox">
              <input type="checkbox" checked={unreadOnly} onChange={(e) => setUnreadOnly(e.target.checked)} />
              {t("notifications.unreadOnly")}
            </label>
            <button
              type="button"
              className="secondary"
              disabled={busy || list.unreadCount === 0}
              onClick={() =>
                run(async () => {
                  const r = await request(MarkAllDocument);
                  return r.markAllNotificationsRead.errors;
                }, t("notifications.allMarked"))
              }
            >
              {t("notifications.markAll")}
            </button>
          </div>
          {list.edges.length === 0 ? (
            <p>{t(unreadOnly ? "notifications.noneUnread" : "notifications.none")}</p>
          ) : (
            <ul className="notifications">
              {list.edges.map(({ node: n }) => (
                <li key={n.id} className={n.read ? "read" : "unread"}>
                  <p>
                    {!n.read && <span className="badge unread-badge">{t("notifications.new")}</span>}{" "}
                    <strong>
                      <Summary n={n} />
                    </strong>
                  </p>
                  {n.caseId && (
                    <p>
                      <Link to={`/cases/${encodeURIComponent(n.caseId)}`} onClick={() => opened(n)} onAuxClick={(e) => e.button === 1 && opened(n)}>
                        {[n.caseReference, n.caseTitle].filter(Boolean).join(" · ") || t("notifications.openCase")}
                      </Link>
                    </p>
                  )}
                  <p className="muted">{dateTime(n.createdAt)}</p>
                  {!n.read && (
                    <button
                      type="button"
                      className="secondary"
                      disabled={busy}
                      aria-label={t("notifications.markReadOf", { title: n.caseTitle ?? n.caseReference ?? "" })}
                      onClick={() =>
                        run(async () => {
                          const r = await request(MarkReadDocument, { input: { id: n.id } });
                          return r.markNotificationRead.errors;
                        }, t("notifications.marked"))
                      }
                    >
                      {t("notifications.markRead")}
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
          {list.pageInfo.hasNextPage && (
            <button type="button" className="secondary" disabled={loading} onClick={() => setFirst(first + PAGE)}>
              {t("notifications.more")}
            </button>
          )}

          <section aria-labelledby="digest-heading">
            <h2 id="digest-heading">{t("notifications.settings")}</h2>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={digest}
                disabled={busy}
                onChange={(e) => {
                  const on = e.target.checked;
                  setDigestChoice(on);
                  void run(async () => {
                    const r = await request(PreferencesDocument, { input: { emailDigest: on } });
                    return r.setNotificationPreferences.errors;
                  }, t(on ? "notifications.digestOn" : "notifications.digestOff")).finally(() => setDigestChoice(null));
                }}
              />
              {t("notifications.digest")}
            </label>
            <p className="hint">{t("notifications.digestHint")}</p>
          </section>
        </>
      )}
    </>
  );
}
