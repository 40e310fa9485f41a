import type { ComponentType, LazyExoticComponent } from "react";

/** One page of the app: a file under src/pages plus an entry like this in a routes list. */
export interface PageRoute {
  /** react-router path, e.g. "/cases/:id". Must not be a server path (/graphql, /healthz,
   *  /assets/...). */
  path: string;
  page: LazyExoticComponent<ComponentType>;
  /** Shown in the main navigation (label is a catalog key) when the user may open the page. */
  nav?: { label: string; order: number };
  /** The user needs at least one of these "resource:action" permissions. Omitted: any signed-in user. */
  permission?: string | string[];
  /** Reachable without signing in. */
  public?: boolean;
}
