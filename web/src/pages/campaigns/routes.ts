// Campaign-lead pages: the campaigns list, the editor, and a campaign's evidence page.
import { lazy } from "react";
import type { PageRoute } from "../../app/types";

export const campaignRoutes: PageRoute[] = [
  { path: "/campaigns", page: lazy(() => import("./CampaignList")), nav: { label: "campaigns.nav", order: 40 }, permission: "campaign:read" },
  { path: "/campaigns/new", page: lazy(() => import("./CampaignEditor")), permission: "campaign:manage" },
  { path: "/campaigns/:id", page: lazy(() => import("./CampaignPage")), permission: "campaign:read" },
  { path: "/campaigns/:id/edit", page: lazy(() => import("./CampaignEditor")), permission: "campaign:manage" },
  { path: "/stats", page: lazy(() => import("./IssueStats")), nav: { label: "campaigns.stats.nav", order: 45 }, permission: "stats:read" },
];
