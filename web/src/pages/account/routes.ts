// My account: the Security page (second factor). Any signed-in member may open it, also one who must still
// turn on the second factor their organization requires (they are brought here, see app/App.tsx).
import { lazy } from "react";
import type { PageRoute } from "../../app/types";
import { SECURITY_PATH } from "./twoFactor";

export const accountRoutes: PageRoute[] = [{ path: SECURITY_PATH, page: lazy(() => import("./Security")) }];
