// Advocate pages: the dashboard, the caseload, intake and the case page.
import { lazy } from "react";
import type { PageRoute } from "../../app/types";

export const caseRoutes: PageRoute[] = [
  { path: "/dashboard", page: lazy(() => import("./Dashboard")), nav: { label: "nav.dashboard", order: 10 }, permission: "case:read" },
  { path: "/cases", page: lazy(() => import("./Caseload")), nav: { label: "nav.cases", order: 20 }, permission: "case:read" },
  { path: "/intake", page: lazy(() => import("./Intake")), nav: { label: "nav.intake", order: 30 }, permission: ["case:create"] },
  { path: "/cases/:id", page: lazy(() => import("./CasePage")), permission: "case:read" },
];
