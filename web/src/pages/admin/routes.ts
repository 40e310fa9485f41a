// Admin pages: add { path: "/admin/...", page: lazy(() => import("./Users")), nav, permission } entries here.
import type { PageRoute } from "../../app/types";

export const adminRoutes: PageRoute[] = [];
