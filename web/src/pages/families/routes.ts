// Families: find a family (by its name, phone or a student's name), see its students and cases, open a new case.
import { lazy } from "react";
import type { PageRoute } from "../../app/types";

export const familyRoutes: PageRoute[] = [
  { path: "/families", page: lazy(() => import("./Families")), nav: { label: "nav.families", order: 25 }, permission: "family:read" },
  { path: "/families/:id", page: lazy(() => import("./FamilyPage")), permission: "family:read" },
];
