// Network pages: the networks my organization convened or joined (convene, join, leave, leads), and a led
// network's statistics (member organizations side by side and combined).
import { lazy } from "react";
import type { PageRoute } from "../../app/types";

export const networkRoutes: PageRoute[] = [
  {
    path: "/networks",
    page: lazy(() => import("./Networks")),
    nav: { label: "networks.nav", order: 47 },
    permission: ["network:lead", "network:join", "network:manage"],
  },
  { path: "/networks/:id", page: lazy(() => import("./NetworkStats")), permission: "network:lead" },
];
