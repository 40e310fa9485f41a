// My notifications: any signed-in user (the header links to it with the unread count).
import { lazy } from "react";
import type { PageRoute } from "../../app/types";

export const notificationRoutes: PageRoute[] = [{ path: "/notifications", page: lazy(() => import("./Notifications")) }];
