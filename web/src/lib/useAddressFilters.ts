// A list's filters kept in the address (?q=…&chapter=…), so a filtered list can be bookmarked or shared, and its
// keyset paging (the cursors of the pages walked so far), which starts over whenever the filters change: by the
// page's own controls or by the browser's back and forward.
import { useEffect, useState } from "react";
import { useSearchParams } from "react-router-dom";

export interface AddressFilters {
  params: URLSearchParams;
  /** Set (or, with null or "", remove) filters; the paging starts over. */
  update(changes: Record<string, string | null>): void;
  /** The cursors of the pages walked so far: [null] on the first page. */
  cursors: (string | null)[];
  setCursors(cursors: (string | null)[]): void;
}

export function useAddressFilters(): AddressFilters {
  const [params, setParams] = useSearchParams();
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const key = params.toString();
  useEffect(() => setCursors([null]), [key]);
  return {
    params,
    cursors,
    setCursors,
    update(changes) {
      const next = new URLSearchParams(params);
      for (const [k, v] of Object.entries(changes)) {
        if (v) next.set(k, v);
        else next.delete(k);
      }
      setCursors([null]);
      setParams(next, { replace: true });
    },
  };
}
