import { useEffect, useRef, useState } from "react";
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

/** Phone widths: the same query as styles.css's compact header (@media (max-width: 40rem)). */
const NARROW = "(max-width: 40rem)";

/** Whether the screen is narrow, following resizes and rotation. */
function useNarrow(): boolean {
  const query = () => typeof window !== "undefined" && !!window.matchMedia?.(NARROW).matches;
  const [narrow, setNarrow] = useState(query);
  useEffect(() => {
    if (!window.matchMedia) return;
    const list = window.matchMedia(NARROW);
    const changed = () => setNarrow(list.matches);
    changed();
    list.addEventListener("change", changed);
    return () => list.removeEventListener("change", changed);
  }, []);
  return narrow;
}

export function Layout() {
  const { t } = useI18n();
  const { me, signOut } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  // On a phone the navigation, the language menu and the account links fold behind a "Menu" button (the CSS hides
  // them while it is closed); the notifications link stays in the header row, so the unread count is always seen.
  const narrow = useNarrow();
  const [menuOpen, setMenuOpen] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);

  // After client-side navigation, move focus to the new page (screen readers and keyboard users).
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
  }, [location.pathname]);
  // Choosing a page (or going back) closes the menu.
  useEffect(() => setMenuOpen(false), [location.pathname]);

  const nav = me ? navFor(me.permissions) : [];
  const bell = me && !me.twoFactorEnrollmentRequired && <NotificationBell />;
  const closeMenu = () => setMenuOpen(false);
  return (
    <>
      <a className="skip" href="#main">
        {t("layout.skip")}
      </a>
      <header
        className={`top${me ? " has-menu" : ""}${menuOpen ? " menu-open" : ""}`}
        onKeyDown={(e) => {
          if (e.key === "Escape" && menuOpen) {
            setMenuOpen(false);
            toggle.current?.focus(); // the menu's content is hidden: focus goes back to its button
          }
        }}
      >
        <div className="brand">
          <span className="logo">Advocase</span>
          {me && <span className="org">{me.organization.name}</span>}
        </div>
        {me && (
          <div className="header-quick">
            {narrow && bell}
            <button
              ref={toggle}
              type="button"
              className="secondary menu-toggle"
              aria-expanded={menuOpen}
              aria-controls="header-menu"
              onClick={() => setMenuOpen((open) => !open)}
            >
              {t("layout.menu")}
            </button>
          </div>
        )}
        <div className="header-menu" id="header-menu">
          {nav.length > 0 && (
            <nav aria-label={t("layout.nav")}>
              <ul>
                {nav.map((r) => (
                  <li key={r.path}>
                    <NavLink to={r.path} end={r.path === "/cases"} onClick={closeMenu}>
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
                {!narrow && bell}
                <span className="who">{me.user.displayName}</span>
                <NavLink to={SECURITY_PATH} onClick={closeMenu}>
                  {t("layout.security")}
                </NavLink>
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
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
