// The header's link to my notifications, with the unread count (polled every minute, and refreshed when a
// page marks notifications read or the route changes).
import { useEffect, useRef } from "react";
import { Link, useLocation } from "react-router-dom";
import { graphql } from "../../gql";
import { useI18n } from "../../i18n/I18n";
import { useQuery } from "../../lib/useQuery";

const UnreadDocument = graphql(`
  query NotificationUnread { notifications(first: 1) { unreadCount } }
`);

/** Dispatched (on window) after notifications were marked read, so the count follows at once. */
export const NOTIFICATIONS_CHANGED = "advocase:notifications-changed";
const POLL_MS = 60_000;

export function NotificationBell() {
  const { t, number } = useI18n();
  const location = useLocation();
  const { data, reload } = useQuery(UnreadDocument, {});
  useEffect(() => {
    const timer = window.setInterval(() => {
      if (document.visibilityState !== "hidden") void reload();
    }, POLL_MS);
    const changed = () => void reload();
    window.addEventListener(NOTIFICATIONS_CHANGED, changed);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener(NOTIFICATIONS_CHANGED, changed);
    };
  }, [reload]);
  const shown = useRef(location.pathname);
  useEffect(() => {
    if (shown.current === location.pathname) return; // the first load is useQuery's
    shown.current = location.pathname;
    void reload();
  }, [location.pathname, reload]);

  const count = data?.notifications.unreadCount ?? 0;
  // The accessible name is the visible text plus hidden words: "Notifications 3 unread".
  return (
    <Link to="/notifications" className="notification-link" data-testid="notification-indicator">
      {t("notifications.nav")}{" "}
      <span className={count > 0 ? "badge unread-count" : "sr-only"}>{number(count)}</span>
      <span className="sr-only"> {t("notifications.unreadWord")}</span>
    </Link>
  );
}
