import { Suspense, useEffect } from "react";
import { Navigate, RouterProvider, createBrowserRouter, useLocation } from "react-router-dom";
import { I18nProvider, useI18n } from "../i18n/I18n";
import { SessionProvider, useSession } from "../lib/session";
import { Layout } from "./Layout";
import { allowed, navFor, routes } from "./routes";
import type { PageRoute } from "./types";
import NotFound from "../pages/NotFound";
import { SECURITY_PATH } from "../pages/account/twoFactor";

function Loading() {
  const { t } = useI18n();
  return <p role="status">{t("common.loading")}</p>;
}

/** A page my permissions do not open: if they changed since `me` was loaded, the page follows. */
function Forbidden() {
  const { t } = useI18n();
  const { recheck } = useSession();
  useEffect(() => recheck(), [recheck]);
  return <p role="alert">{t("errors.FORBIDDEN")}</p>;
}

/** Signed-in users only (unless public), and only with the route's permission. */
function Guard({ route }: { route: PageRoute }) {
  const { me, loading, signedOut } = useSession();
  const location = useLocation();
  if (loading) return <Loading />;
  if (!route.public && !me) {
    // A session that ended comes back here after signing in again; one I ended myself does not (the next person
    // to sign in on this browser starts at their own home page).
    if (signedOut) return <Navigate to="/sign-in" replace />;
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/sign-in?next=${next}`} replace />;
  }
  // My organization requires a second factor I have not turned on: only the Security page works until I do.
  if (me?.twoFactorEnrollmentRequired && !route.public && route.path !== SECURITY_PATH) {
    return <Navigate to={SECURITY_PATH} replace />;
  }
  if (me && !allowed(route, me.permissions)) return <Forbidden />;
  const Page = route.page;
  return (
    <Suspense fallback={<Loading />}>
      <Page />
    </Suspense>
  );
}

/** "/": the first page of the navigation the user may open. */
function Home() {
  const { me, loading } = useSession();
  if (loading) return <Loading />;
  if (!me) return <Navigate to="/sign-in" replace />;
  if (me.twoFactorEnrollmentRequired) return <Navigate to={SECURITY_PATH} replace />;
  const first = navFor(me.permissions)[0];
  return first ? <Navigate to={first.path} replace /> : <NotFound />;
}

const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      { path: "/", element: <Home /> },
      ...routes.map((route) => ({ path: route.path, element: <Guard route={route} /> })),
      { path: "*", element: <NotFound /> },
    ],
  },
]);

export function App() {
  return (
    <I18nProvider>
      <SessionProvider>
        <RouterProvider router={router} />
      </SessionProvider>
    </I18nProvider>
  );
}
