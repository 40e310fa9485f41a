// The one way the app talks to the server: POST /graphql with the session cookie and the CSRF header.
import type { TypedDocumentString } from "../gql/graphql";

/** Required by the server on every cookie-authenticated request (a cross-site form cannot set it). */
export const CSRF_HEADER = "X-Advocase-CSRF";

export interface GraphQLErrorEntry {
  message: string;
  extensions?: { code?: string; requestId?: string };
}

/** A request that failed as a whole: network, HTTP status, or `errors` from a query field. */
export class RequestError extends Error {
  readonly code: string;
  readonly requestId?: string;
  constructor(code: string, message: string, requestId?: string) {
    super(message);
    this.name = "RequestError";
    this.code = code;
    this.requestId = requestId;
  }
}

export type Fetch = typeof fetch;

/** Sends one typed operation; resolves to its data, rejects with a RequestError. */
export async function request<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables?: TVariables,
  fetchImpl: Fetch = fetch,
): Promise<TResult> {
  let response: Response;
  try {
    response = await fetchImpl("/graphql", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", [CSRF_HEADER]: "1" },
      body: JSON.stringify({ query: document.toString(), variables: variables ?? {} }),
    });
  } catch {
    throw new RequestError("NETWORK", "network error");
  }
  const requestId = response.headers.get("x-request-id") ?? undefined;
  let body: { data?: TResult | null; errors?: GraphQLErrorEntry[] };
  try {
    body = await response.json();
  } catch {
    throw new RequestError(response.status === 403 ? "FORBIDDEN" : "HTTP", `HTTP ${response.status}`, requestId);
  }
  if (body.errors && body.errors.length > 0) {
    const first = body.errors[0];
    throw new RequestError(first.extensions?.code ?? "INTERNAL", first.message, first.extensions?.requestId ?? requestId);
  }
  if (!response.ok || body.data == null) {
    throw new RequestError("HTTP", `HTTP ${response.status}`, requestId);
  }
  return body.data;
}
