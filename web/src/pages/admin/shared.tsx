// What the admin pages share: the section navigation. Their
// mutations run through lib/useAction with the admin wording of errors (describeAdminError).
import { NavLink } from "react-router-dom";
import { useI18n } from "../../i18n/I18n";
import { useSession } from "../../lib/session";
import "./admin.css";

export const ADMIN_SECTIONS: { path: string; label: string; permission: string[] }[] = [
  { path: "/admin/users", label: "admin.nav.users", permission: ["user:manage"] },
  { path: "/admin/roles", label: "admin.nav.roles", permission: ["role:manage"] },
  { path: "/admin/directory", label: "admin.nav.directory", permission: ["directory:manage"] },
  { path: "/admin/settings", label: "admin.nav.settings", permission: ["organization:configure"] },
  { path: "/admin/audit", label: "admin.nav.audit", permission: ["audit:read"] },
];

/** The admin sections I may open, as a secondary navigation. */
export function AdminNav() {
  const { t } = useI18n();
  const { me } = useSession();
  const sections = ADMIN_SECTIONS.filter((s) => s.permission.some((p) => me?.permissions.includes(p)));
  return (
    <nav className="subnav" aria-label={t("admin.nav.label")}>
      <ul>
        {sections.map((s) => (
          <li key={s.path}>
            <NavLink to={s.path}>{t(s.label)}</NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
