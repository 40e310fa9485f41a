// The role and permission matrix (role:manage): one checkbox per role and permission; ticking grants,
// unticking revokes at once. The admin role keeps every grant. Custom roles can be created and deleted.
import { useState, type FormEvent } from "react";
import { graphql } from "../../gql";
import type { RolesMatrixQuery } from "../../gql/graphql";
import { Field, FormErrors, LoadError, Loading, usePageTitle, Notice } from "../../components/forms";
import { useI18n } from "../../i18n/I18n";
import { request } from "../../lib/graphql";
import { useQuery } from "../../lib/useQuery";
import { useSession } from "../../lib/session";
import { AdminNav } from "./shared";
import { ADMIN_WORDING } from "./errors";
import { useAction } from "../../lib/useAction";
import { MAX_LENGTH } from "../../lib/limits";

const RolesMatrixDocument = graphql(`
  query RolesMatrix {
    roles { name description builtIn memberCount grants { key } }
    permissionCatalog { key resource action description }
  }
`);
const GrantPermissionDocument = graphql(`
  mutation GrantPermission($input: GrantPermissionInput!) {
    grantPermission(input: $input) { role { name grants { key } } errors { code message field } }
  }
`);
const RevokePermissionDocument = graphql(`
  mutation RevokePermission($input: RevokePermissionInput!) {
    revokePermission(input: $input) { role { name grants { key } } errors { code message field } }
  }
`);
const CreateRoleDocument = graphql(`
  mutation CreateRole($input: CreateRoleInput!) {
    createRole(input: $input) { role { name } errors { code message field } }
  }
`);
const DeleteRoleDocument = graphql(`
  mutation DeleteRole($input: DeleteRoleInput!) {
    deleteRole(input: $input) { ok errors { code message field } }
  }
`);

type Role = RolesMatrixQuery["roles"][number];

export function roleName(t: (k: string) => string, name: string): string {
  const key = `admin.role.${name}`;
  const label = t(key);
  return label === key ? name : label;
}

function CreateRole({ roles, done }: { roles: Role[]; done(): Promise<unknown> }) {
  const { t } = useI18n();
  const action = useAction(["name", "description", "basedOn"], ADMIN_WORDING);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [basedOn, setBasedOn] = useState("");
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!name.trim()) return action.fail({ name: t("admin.roles.nameRequired") });
    let created = "";
    if (
      await action.run(async () => {
        const r = (await request(CreateRoleDocument, { input: { name: name.trim(), description: description.trim() || null, basedOn: basedOn || null } }))
          .createRole;
        created = r.role?.name ?? "";
        return r.errors;
      })
    ) {
      // the server keeps role names in one form ("Parent leader" becomes parent_leader): say so when it did
      action.setMessage(t(created === name.trim() ? "admin.roles.created" : "admin.roles.createdAs", { name: created }));
      setName("");
      setDescription("");
      await done();
    }
  }
  return (
    <section className="panel" aria-labelledby="new-role-h">
      <h2 id="new-role-h">{t("admin.roles.create")}</h2>
      <Notice message={action.message} />
      <form onSubmit={submit} noValidate>
        <FormErrors messages={action.errors.general} />
        <div className="grid2">
          <Field label={t("admin.roles.name")} hint={t("admin.roles.nameHint")} error={action.errors.fields.name} required>
            {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <Field label={t("admin.roles.basedOn")} hint={t("admin.roles.basedOnHint")} error={action.errors.fields.basedOn}>
            {(p) => (
              <select {...p} value={basedOn} onChange={(e) => setBasedOn(e.target.value)}>
                <option value="">{t("admin.roles.startEmpty")}</option>
                {roles.map((r) => (
                  <option key={r.name} value={r.name}>
                    {roleName(t, r.name)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <Field label={t("admin.roles.description")} error={action.errors.fields.description}>
          {(p) => <input {...p} maxLength={MAX_LENGTH.roleDescription} value={description} onChange={(e) => setDescription(e.target.value)} />}
        </Field>
        <button type="submit" disabled={action.busy}>
          {t("admin.roles.createButton")}
        </button>
      </form>
    </section>
  );
}

export default function Roles() {
  const { t, number } = useI18n();
  const { refresh } = useSession();
  usePageTitle(t("admin.roles.title"));
  const { data, error, loading, reload } = useQuery(RolesMatrixDocument);
  const [pending, setPending] = useState<string | null>(null);
  const grant = useAction([], ADMIN_WORDING);
  const [failedCell, setFailedCell] = useState<string | null>(null);
  // a refused or failed change: its first error, shown at the top and by the checkbox
  const problem = failedCell && grant.errors.general.length ? { cell: failedCell, text: grant.errors.general[0] } : null;
  const del = useAction(["role"], ADMIN_WORDING);

  if (error) return <LoadError error={error} />;
  if (loading && !data) return <Loading />;
  const roles = data!.roles;
  const catalog = data!.permissionCatalog;

  async function change(role: Role, key: string, resource: string, act: string, on: boolean) {
    const cell = `${role.name}/${key}`;
    setPending(cell);
    setFailedCell(null);
    grant.reset();
    const ok = await grant.run(async () => {
      const input = { role: role.name, resource, action: act };
      const errs = on
        ? (await request(GrantPermissionDocument, { input })).grantPermission.errors
        : (await request(RevokePermissionDocument, { input })).revokePermission.errors;
      if (!errs.length) await Promise.all([reload(), refresh()]);
      return errs;
    }, t(on ? "admin.roles.granted" : "admin.roles.revoked", { permission: key, role: roleName(t, role.name) }));
    if (!ok) setFailedCell(cell);
    setPending(null);
  }

  return (
    <>
      <AdminNav />
      <h1>{t("admin.roles.title")}</h1>
      <p className="muted">{t("admin.roles.intro")}</p>
      <Notice message={grant.message} />
      {problem && (
        <div className="form-errors" role="alert">
          <p>
            {t("admin.roles.cellError", { cell: problem.cell.replace("/", ": ") })} {problem.text}
          </p>
        </div>
      )}
      <div className="table-wrap">
        <table className="matrix">
          <caption className="sr-only">{t("admin.roles.matrix")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("admin.roles.permission")}</th>
              {roles.map((r) => (
                <th scope="col" key={r.name}>
                  {roleName(t, r.name)}
                  <div className="muted" style={{ fontWeight: 400, fontSize: ".85rem" }}>
                    {t("admin.roles.members", { count: r.memberCount, n: number(r.memberCount) })}
                  </div>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {catalog.map((p) => (
              <tr key={p.key}>
                <th scope="row">
                  <code>{p.key}</code>
                  <div className="muted">{p.description}</div>
                </th>
                {roles.map((r) => {
                  const on = r.grants.some((g) => g.key === p.key);
                  const cell = `${r.name}/${p.key}`;
                  const locked = r.name === "admin";
                  return (
                    <td key={r.name}>
                      <input
                        type="checkbox"
                        checked={on}
                        disabled={locked}
                        aria-busy={pending === cell || undefined}
                        aria-label={t("admin.roles.cellLabel", { role: roleName(t, r.name), permission: p.key })}
                        aria-invalid={problem?.cell === cell ? true : undefined}
                        title={locked ? t("admin.roles.adminLocked") : undefined}
                        onChange={(e) => {
                          if (pending === null) void change(r, p.key, p.resource, p.action, e.target.checked);
                        }}
                      />
                      {problem?.cell === cell && (
                        <p className="error" style={{ fontSize: ".85rem" }}>
                          {problem.text}
                        </p>
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted">{t("admin.roles.adminLocked")}</p>
      <CreateRole roles={roles} done={reload} />
      <section className="panel" aria-labelledby="custom-h">
        <h2 id="custom-h">{t("admin.roles.custom")}</h2>
        <Notice message={del.message} />
        <FormErrors messages={[...del.errors.general, ...Object.values(del.errors.fields)]} />
        {roles.filter((r) => !r.builtIn).length === 0 ? (
          <p className="muted">{t("admin.roles.noCustom")}</p>
        ) : (
          <ul className="plain">
            {roles
              .filter((r) => !r.builtIn)
              .map((r) => (
                <li key={r.name}>
                  <strong>{r.name}</strong> {r.description && <span className="muted">· {r.description}</span>}{" "}
                  <span className="muted">· {t("admin.roles.members", { count: r.memberCount, n: number(r.memberCount) })}</span>{" "}
                  <button
                    type="button"
                    className="secondary"
                    disabled={del.busy || r.memberCount > 0}
                    title={r.memberCount > 0 ? t("admin.roles.inUse") : undefined}
                    onClick={async () => {
                      if (!window.confirm(t("admin.roles.confirmDelete", { name: r.name }))) return;
                      if (await del.run(async () => (await request(DeleteRoleDocument, { input: { role: r.name } })).deleteRole.errors, t("admin.roles.deleted", { name: r.name })))
                        await reload();
                    }}
                  >
                    {t("admin.roles.delete")}
                    <span className="sr-only"> {r.name}</span>
                  </button>
                  {r.memberCount > 0 && <span className="muted"> {t("admin.roles.inUse")}</span>}
                </li>
              ))}
          </ul>
        )}
      </section>
    </>
  );
}
