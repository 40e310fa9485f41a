// Importing families, students and cases from a CSV or Excel file (case:import).
import { lazy } from "react";
import type { PageRoute } from "../../app/types";

export const importRoutes: PageRoute[] = [
  { path: "/import", page: lazy(() => import("./ImportPage")), nav: { label: "nav.import", order: 40 }, permission: "case:import" },
];
