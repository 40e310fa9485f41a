import { describe, expect, it } from "vitest";
import { CSRF_HEADER, RequestError, request } from "./graphql";

// A document as codegen makes it (documentMode: string): a String with the operation's text.
const doc = Object.assign(new String("query Me { me { user { id } } }"), { __apiType: undefined }) as never;

const unexpected = (): RequestError => {
  throw new Error("expected the request to fail");
};

function respond(body: unknown, init: ResponseInit = {}) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetchImpl = (async (url: string, i: RequestInit) => {
    calls.push({ url, init: i });
    return new Response(JSON.stringify(body), { status: 200, headers: { "x-request-id": "rid-1" }, ...init });
  }) as unknown as typeof fetch;
  return { calls, fetchImpl };
}

describe("request", () => {
  it("posts JSON to /graphql with the session cookie and the CSRF header", async () => {
    const { calls, fetchImpl } = respond({ data: { me: null } });
    await expect(request(doc, { a: 1 } as never, fetchImpl)).resolves.toEqual({ me: null });
    expect(calls).toHaveLength(1);
    const { url, init } = calls[0];
    expect(url).toBe("/graphql");
    expect(init.method).toBe("POST");
    expect(init.credentials).toBe("same-origin");
    expect((init.headers as Record<string, string>)[CSRF_HEADER]).toBe("1");
    expect(CSRF_HEADER).toBe("X-Advocase-CSRF");
    expect(JSON.parse(init.body as string)).toEqual({ query: "query Me { me { user { id } } }", variables: { a: 1 } });
  });
  it("turns GraphQL errors into a RequestError with the code and request id", async () => {
    const { fetchImpl } = respond({ data: null, errors: [{ message: "Sign in first.", extensions: { code: "UNAUTHENTICATED" } }] });
    const err = await request(doc, undefined, fetchImpl).then(unexpected, (e: RequestError) => e);
    expect(err).toBeInstanceOf(RequestError);
    expect(err.code).toBe("UNAUTHENTICATED");
    expect(err.requestId).toBe("rid-1");
  });
  it("reports a network failure and a non-JSON answer plainly", async () => {
    const down = (async () => {
      throw new TypeError("Failed to fetch");
    }) as unknown as typeof fetch;
    expect((await request(doc, undefined, down).then(unexpected, (e: RequestError) => e)).code).toBe("NETWORK");
    const html = (async () => new Response("<h1>Bad gateway</h1>", { status: 502 })) as unknown as typeof fetch;
    expect((await request(doc, undefined, html).then(unexpected, (e: RequestError) => e)).code).toBe("HTTP");
  });
});
