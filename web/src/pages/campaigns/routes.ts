// Campaign-lead pages: add { path, page: lazy(() => import("./CampaignList")), nav, permission } entries here.
import type { PageRoute } from "../../app/types";

export const campaignRoutes: PageRoute[] = [];
