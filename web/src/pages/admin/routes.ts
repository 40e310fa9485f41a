// Admin pages: users, roles and permissions, directory, settings, audit log. "/admin" opens the first one
// I may use; the main navigation has one "Administration" entry and the pages share a section navigation.
import { lazy } from "react";
import type { PageRoute } from "../../app/types";

export const adminRoutes: PageRoute[] = [
  {
    path: "/admin",
    page: lazy(() => import("./AdminHome")),
    nav: { label: "admin.nav.main", order: 90 },
    permission: ["user:manage", "role:manage", "organization:configure", "audit:read"],
  },
  { path: "/admin/users", page: lazy(() => import("./Users")), permission: "user:manage" },
  { path: "/admin/roles", page: lazy(() => import("./Roles")), permission: "role:manage" },
  { path: "/admin/directory", page: lazy(() => import("./Directory")), permission: "directory:manage" },
  { path: "/admin/settings", page: lazy(() => import("./Settings")), permission: "organization:configure" },
  { path: "/admin/audit", page: lazy(() => import("./Audit")), permission: "audit:read" },
];
