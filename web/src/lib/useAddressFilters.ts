// A list's filters kept in the address (?q=…&chapter=…), so a filtered list can be bookmarked or shared, and its
// keyset paging (the cursors of the pages walked so far), kept in the history entry's state (replaced as I page):
// the browser's Back from a record, or its page's "back to the list" link (useListReturn), comes back to the page I
// was on, with Previous still working. The paging starts over whenever the filters change (cursors are kept with
// the filters they were walked under).
import { useMemo } from "react";
import { useLocation, useNavigate, useSearchParams, type Location } from "react-router-dom";

type Cursors = (string | null)[];

/** What a history entry's state holds of a list's paging: the cursors, and the filters (query string) they are for. */
interface Paging {
  cursors: Cursors;
  filters: string;
}

/** Where a row's link leaves the list from: given as the link's state (`<Link state={from}>`), see useListReturn. */
export interface ListFrom {
  list: { pathname: string; search: string; paging: Paging };
}

const FIRST: Cursors = [null];

/** The cursors walked under `filters` that a history entry's `state` holds ([null], the first page, otherwise). */
export function cursorsOf(state: unknown, filters: string): Cursors {
  const paging = (state as { paging?: Partial<Paging> } | null)?.paging;
  const cursors = paging?.cursors;
  if (paging?.filters !== filters || !Array.isArray(cursors) || cursors.length === 0 || cursors[0] !== null) return FIRST;
  return cursors.every((c) => c === null || typeof c === "string") ? cursors : FIRST;
}

/** A history entry's state with these cursors (the rest of the state is kept). */
export function withCursors(state: unknown, cursors: Cursors, filters: string): { paging: Paging } {
  const rest = state && typeof state === "object" ? state : {};
  return { ...rest, paging: { cursors, filters } };
}

export interface AddressFilters {
  params: URLSearchParams;
  /** Set (or, with null or "", remove) filters; the paging starts over. */
  update(changes: Record<string, string | null>): void;
  /** The cursors of the pages walked so far: [null] on the first page. */
  cursors: Cursors;
  setCursors(cursors: Cursors): void;
  /** The state for a row's link to a record (`<Link state={from}>`): its "back to the list" link returns here. */
  from: ListFrom;
}

export function useAddressFilters(): AddressFilters {
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const key = params.toString();
  const cursors = useMemo(() => cursorsOf(location.state, key), [location.state, key]);
  return {
    params,
    cursors,
    setCursors(next) {
      const { pathname, search, hash } = location;
      navigate({ pathname, search, hash }, { replace: true, state: withCursors(location.state, next, key), preventScrollReset: true });
    },
    from: { list: { pathname: location.pathname, search: location.search, paging: { cursors, filters: key } } },
    update(changes) {
      const next = new URLSearchParams(params);
      for (const [k, v] of Object.entries(changes)) {
        if (v) next.set(k, v);
        else next.delete(k);
      }
      setParams(next, { replace: true }); // a new state: the first page
    },
  };
}

/**
 * A record page's link back to its list (`fallback`, e.g. "/cases"): to the list as I left it, its filters and
 * page, when I came from it by a row's link (ListFrom); otherwise to the list's first page.
 */
export function useListReturn(fallback: string): { to: string; state?: { paging: Paging } } {
  const location: Location = useLocation();
  const list = (location.state as Partial<ListFrom> | null)?.list;
  if (!list || list.pathname !== fallback || typeof list.search !== "string") return { to: fallback };
  const filters = new URLSearchParams(list.search).toString();
  return { to: `${list.pathname}${list.search}`, state: withCursors(null, cursorsOf({ paging: list.paging }, filters), filters) };
}
