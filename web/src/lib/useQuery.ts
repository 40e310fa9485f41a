import { useCallback, useEffect, useRef, useState } from "react";
import type { TypedDocumentString } from "../gql/graphql";
import { RequestError, request } from "./graphql";

export interface QueryState<T> {
  data: T | null;
  error: RequestError | null;
  loading: boolean;
  /** Fetch again (after a change, or to get the latest version). Resolves to the new data. */
  reload(): Promise<T | null>;
}

/** Runs a typed query when the component mounts and whenever `variables` change. */
export function useQuery<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables?: TVariables,
  options: { skip?: boolean } = {},
): QueryState<TResult> {
  const [data, setData] = useState<TResult | null>(null);
  const [error, setError] = useState<RequestError | null>(null);
  const [loading, setLoading] = useState(!options.skip);
  const key = JSON.stringify(variables ?? {});
  const seq = useRef(0);

  const run = useCallback(async (): Promise<TResult | null> => {
    const mine = ++seq.current;
    setLoading(true);
    try {
      const result = await request(document, JSON.parse(key) as TVariables);
      if (mine === seq.current) {
        setData(result);
        setError(null);
      }
      return result;
    } catch (e) {
      if (mine === seq.current) setError(e instanceof RequestError ? e : new RequestError("INTERNAL", String(e)));
      return null;
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, [document, key]);

  useEffect(() => {
    if (!options.skip) void run();
  }, [run, options.skip]);

  return { data, error, loading, reload: run };
}
