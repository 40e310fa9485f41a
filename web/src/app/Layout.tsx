import { useEffect, useRef } from "react";
import { NavLink, Outlet, useLocation, useNavigate } from "react-router-dom";
import { languages } from "../i18n/core";
import { useI18n } from "../i18n/I18n";
import { useSession } from "../lib/session";
import { NotificationBell } from "../pages/notifications/NotificationBell";
import { SECURITY_PATH } from "../pages/account/twoFactor";
import { navFor } from "./routes";

export function LanguagePicker() {
  const { t, lang } = useI18n();
  const { setLanguage } = useSession(); // signed in: my mail follows the choice
  return (
    <label className="language">
      <span>{t("language.label")}</span>{" "}
      <select value={lang} onChange={(e) => setLanguage(e.target.value)}>
        {languages().map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.name}
          </option>
        ))}
      </select>
    </label>
  );
}

export function Layout() {
  const { t } = useI18n();
  const { me, signOut } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);

  // After client-side navigation, move focus to the new page (screen readers and keyboard users).
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
  }, [location.pathname]);

  const nav = me ? navFor(me.permissions) : [];
  return (
    <>
      <a className="skip" href="#main">
        {t("layout.skip")}
      </a>
      <header className="top">
        <div className="brand">
          <span className="logo">Advocase</span>
          {me && <span className="org">{me.organization.name}</span>}
        </div>
        {nav.length > 0 && (
          <nav aria-label={t("layout.nav")}>
            <ul>
              {nav.map((r) => (
                <li key={r.path}>
                  <NavLink to={r.path} end={r.path === "/cases"}>
                    {t(r.nav!.label)}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
        )}
        <div className="account">
          <LanguagePicker />
          {me && (
            <>
              {!me.twoFactorEnrollmentRequired && <NotificationBell />}
              <span className="who">{me.user.displayName}</span>
              <NavLink to={SECURITY_PATH}>{t("layout.security")}</NavLink>
              <button
                type="button"
                className="secondary"
                onClick={async () => {
                  await signOut();
                  navigate("/sign-in", { replace: true });
                }}
              >
                {t("layout.signOut")}
              </button>
            </>
          )}
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
