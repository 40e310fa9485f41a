import { describe, expect, it } from "vitest";
import { allowed, navFor, routes } from "./routes";

describe("routes", () => {
  it("shows an advocate the advocate pages, in order", () => {
    const nav = navFor(["case:read", "case:create"]).map((r) => r.path);
    expect(nav.slice(0, 3)).toEqual(["/dashboard", "/cases", "/intake"]);
  });
  it("hides pages the user may not open", () => {
    const nav = navFor(["campaign:read"]).map((r) => r.path);
    expect(nav).not.toContain("/cases");
    expect(nav).not.toContain("/intake");
    expect(allowed({ permission: ["a:b", "c:d"] }, ["c:d"])).toBe(true);
    expect(allowed({ permission: "a:b" }, [])).toBe(false);
    expect(allowed({ public: true, permission: "a:b" }, [])).toBe(true);
  });
  it("opens the pages links in mail point at, signed out (mail already sent holds these addresses)", () => {
    for (const path of ["/accept-invite", "/reset-password"]) {
      const route = routes.find((r) => r.path === path);
      expect(route?.public, path).toBe(true);
    }
  });
  it("never claims a path the server answers itself", () => {
    const server = [/^\/graphql/, /^\/healthz/, /^\/readyz/, /^\/metrics/, /^\/assets\//];
    for (const r of routes) {
      const sample = r.path.replace(/:[a-z]+/gi, "x");
      expect(server.some((re) => re.test(sample)), r.path).toBe(false);
      expect(new Set(routes.map((x) => x.path)).size).toBe(routes.length);
    }
  });
});
