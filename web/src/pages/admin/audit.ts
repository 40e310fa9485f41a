// Pure helpers of the audit page: the filter the form describes, and a compact reading of an event's detail.
import type { AuditEventFilter } from "../../gql/graphql";

/** A calendar day at midnight in `timeZone`, as an ISO instant with that zone's offset on that day. */
export function startOfDay(day: string, timeZone: string): string {
  const utc = new Date(`${day}T00:00:00Z`);
  // The zone's offset at that moment: format the instant in the zone and compare.
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
  }).formatToParts(utc);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  const offsetMinutes = Math.round((asUtc - utc.getTime()) / 60000);
  const sign = offsetMinutes >= 0 ? "+" : "-";
  const abs = Math.abs(offsetMinutes);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${day}T00:00:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The next calendar day of "YYYY-MM-DD". */
export function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Whether the form's "To" day is before its "From" day. Both days are included: From = To is one day's events. */
export function rangeBackwards(form: { since: string; until: string }): boolean {
  return !!form.since && !!form.until && form.until < form.since;
}

/**
 * The filter for the form: actions are comma-separated names or families ("user.*"); `since` is the start of
 * that day and `until` the end of that day (the API's `until` is exclusive), in the browser's time zone.
 */
export function auditFilter(
  form: { action: string; entityType: string; since: string; until: string },
  timeZone: string,
): AuditEventFilter | null {
  const out: AuditEventFilter = {};
  const actions = form.action.split(",").map((a) => a.trim()).filter(Boolean);
  if (actions.length) out.action = actions;
  if (form.entityType.trim()) out.entityType = form.entityType.trim();
  if (form.since) out.since = startOfDay(form.since, timeZone);
  if (form.until) out.until = startOfDay(nextDay(form.until), timeZone);
  return Object.keys(out).length ? out : null;
}

/** `{"roles": ["admin"], "email": "x"}` -> `roles: admin · email: x` (strings unquoted, lists joined). */
export function detailText(detail: unknown): string {
  if (detail == null) return "";
  if (typeof detail !== "object" || Array.isArray(detail)) return JSON.stringify(detail);
  const show = (v: unknown): string =>
    v == null ? "—" : Array.isArray(v) ? v.map(show).join(", ") : typeof v === "object" ? JSON.stringify(v) : String(v);
  return Object.entries(detail as Record<string, unknown>)
    .map(([k, v]) => `${k}: ${show(v)}`)
    .join(" · ");
}
