// Every page of the app. Each area keeps its own list (src/pages/<area>/routes.ts); this joins them.
import { lazy } from "react";
import { accountRoutes } from "../pages/account/routes";
import { adminRoutes } from "../pages/admin/routes";
import { campaignRoutes } from "../pages/campaigns/routes";
import { familyRoutes } from "../pages/families/routes";
import { caseRoutes } from "../pages/cases/routes";
import { importRoutes } from "../pages/imports/routes";
import { networkRoutes } from "../pages/networks/routes";
import { notificationRoutes } from "../pages/notifications/routes";
import type { PageRoute } from "./types";

export const routes: PageRoute[] = [
  { path: "/sign-in", page: lazy(() => import("../pages/SignIn")), public: true },
  // the pages links in mail open (domain/identity/users.py link()): these addresses are in mail already sent
  { path: "/accept-invite", page: lazy(() => import("../pages/AcceptInvitation")), public: true },
  { path: "/reset-password", page: lazy(() => import("../pages/ResetPassword")), public: true },
  ...caseRoutes,
  ...familyRoutes,
  ...campaignRoutes,
  ...networkRoutes,
  ...adminRoutes,
  ...importRoutes,
  ...notificationRoutes,
  ...accountRoutes,
];

/** Whether a user with these permissions may open a route. */
export function allowed(route: Pick<PageRoute, "permission" | "public">, permissions: readonly string[]): boolean {
  if (route.public || !route.permission) return true;
  const needed = Array.isArray(route.permission) ? route.permission : [route.permission];
  return needed.some((p) => permissions.includes(p));
}

/** The navigation a user sees: routes with a nav entry they may open, in order. */
export function navFor(permissions: readonly string[], all: PageRoute[] = routes): PageRoute[] {
  return all.filter((r) => r.nav && !r.public && allowed(r, permissions)).sort((a, b) => a.nav!.order - b.nav!.order);
}
