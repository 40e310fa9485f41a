// What the admin pages share: the section navigation, the status message, checkbox groups and downloads. Their
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

/** Toggle a value in a list. */
export const toggle = (list: readonly string[], value: string, on: boolean): string[] =>
  on ? [...new Set([...list, value])] : list.filter((x) => x !== value);

/** A group of checkboxes with a legend and an error below it. */
export function CheckGroup({ legend, options, value, onChange, error, hint }: {
  legend: string;
  options: { value: string; label: string; disabled?: boolean }[];
  value: readonly string[];
  onChange(v: string[]): void;
  error?: string;
  hint?: string;
}) {
  const id = `cg-${legend.replace(/\W+/g, "-").toLowerCase()}`;
  const described = [hint && `${id}-hint`, error && `${id}-err`].filter(Boolean).join(" ") || undefined;
  return (
    <fieldset aria-describedby={described} className={error ? "invalid" : undefined}>
      <legend>{legend}</legend>
      {hint && (
        <p className="hint muted" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <div className="checkgrid">
        {options.map((o) => (
          <label className="checkbox" key={o.value}>
            <input
              type="checkbox"
              disabled={o.disabled}
              checked={value.includes(o.value)}
              onChange={(e) => onChange(toggle(value, o.value, e.target.checked))}
            />
            {o.label}
          </label>
        ))}
      </div>
      {error && (
        <p className="error" id={`${id}-err`}>
          {error}
        </p>
      )}
    </fieldset>
  );
}
