// Members and invitations (user:manage): invite, resend, password reset links, roles, chapters, deactivate and
// reactivate.
import { useEffect, useRef, useState, type FormEvent } from "react";
import { graphql } from "../../gql";
import type { MemberStatus, UsersQuery } from "../../gql/graphql";
import { CheckGroup, Field, FormErrors, LoadError, Loading, usePageTitle, Notice } from "../../components/forms";
import { Pager } from "../../components/Pager";
import { useI18n } from "../../i18n/I18n";
import { request } from "../../lib/graphql";
import { useQuery } from "../../lib/useQuery";
import { useSession } from "../../lib/session";
import { AdminNav } from "./shared";
import { ADMIN_WORDING } from "./errors";
import { useAction } from "../../lib/useAction";
import { MAX_LENGTH } from "../../lib/limits";

const UsersDocument = graphql(`
  query Users($filter: UserFilter, $first: Int, $after: String) {
    users(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { status roles addedAt joinedAt deactivatedAt lastSeenAt user { id displayName email } chapters { id name } } }
    }
    roles { name builtIn }
  }
`);


const InviteUserDocument = graphql(`
  mutation InviteUser($input: InviteUserInput!) {
    inviteUser(input: $input) { member { status user { id email } } errors { code message field } }
  }
`);
const ResendInvitationDocument = graphql(`
  mutation ResendInvitation($input: ResendInvitationInput!) {
    resendInvitation(input: $input) { member { status } errors { code message field } }
  }
`);
const SendPasswordResetDocument = graphql(`
  mutation SendPasswordReset($input: SendPasswordResetInput!) {
    sendPasswordReset(input: $input) { expiresAt errors { code message field } }
  }
`);
const SetUserRolesDocument = graphql(`
  mutation SetUserRoles($input: SetUserRolesInput!) {
    setUserRoles(input: $input) { member { roles } errors { code message field } }
  }
`);
const SetUserChaptersDocument = graphql(`
  mutation SetUserChapters($input: SetUserChaptersInput!) {
    setUserChapters(input: $input) { member { chapters { id } } errors { code message field } }
  }
`);
const DeactivateUserDocument = graphql(`
  mutation DeactivateUser($input: DeactivateUserInput!) {
    deactivateUser(input: $input) { member { status } errors { code message field } }
  }
`);
const ReactivateUserDocument = graphql(`
  mutation ReactivateUser($input: ReactivateUserInput!) {
    reactivateUser(input: $input) { member { status } errors { code message field } }
  }
`);

type Member = UsersQuery["users"]["edges"][number]["node"];
const STATUSES: MemberStatus[] = ["ACTIVE", "INVITED", "DEACTIVATED"];
const PAGE = 50;

function roleLabel(t: (k: string) => string, name: string): string {
  const key = `admin.role.${name}`;
  const label = t(key);
  return label === key ? name : label;
}

function InviteForm({ roles, done }: { roles: string[]; done(): Promise<unknown> }) {
  const { t } = useI18n();
  const { me } = useSession();
  const action = useAction(["email", "displayName", "roles", "chapterIds", "language"], ADMIN_WORDING);
  // what a new invitation starts from, and what the form goes back to once one is sent
  const blank = { email: "", name: "", roles: ["advocate"], chapters: [] as string[], language: me?.organization.languages[0] ?? "en" };
  const [email, setEmail] = useState(blank.email);
  const [name, setName] = useState(blank.name);
  const [chosen, setChosen] = useState<string[]>(blank.roles);
  const [chapters, setChapters] = useState<string[]>(blank.chapters);
  const [language, setLanguage] = useState(blank.language);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const fields: Record<string, string> = {};
    if (!/^\S+@\S+\.\S+$/.test(email.trim())) fields.email = t("admin.users.emailInvalid");
    if (chosen.length === 0) fields.roles = t("admin.users.rolesRequired");
    if (Object.keys(fields).length) return action.fail(fields);
    const ok = await action.run(
      async () =>
        (
          await request(InviteUserDocument, {
            input: { email: email.trim(), displayName: name.trim() || null, roles: chosen, chapterIds: chapters, language },
          })
        ).inviteUser.errors,
      t("admin.users.invited", { email: email.trim() }),
    );
    if (ok) {
      // the whole form: roles and chapters left ticked would go out silently with the next invitation
      setEmail(blank.email);
      setName(blank.name);
      setChosen(blank.roles);
      setChapters(blank.chapters);
      setLanguage(blank.language);
      await done();
    }
  }

  return (
    <section className="panel" aria-labelledby="invite-h">
      <h2 id="invite-h">{t("admin.users.invite")}</h2>
      <Notice message={action.message} />
      <form onSubmit={submit} noValidate>
        <FormErrors messages={action.errors.general} />
        <div className="grid2">
          <Field label={t("admin.users.email")} error={action.errors.fields.email} required>
            {(p) => <input {...p} type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} />}
          </Field>
          <Field label={t("admin.users.displayName")} hint={t("admin.users.displayNameHint")} error={action.errors.fields.displayName}>
            {(p) => <input {...p} maxLength={MAX_LENGTH.name} value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
        </div>
        <CheckGroup
          legend={t("admin.users.roles")}
          options={roles.map((r) => ({ value: r, label: roleLabel(t, r) }))}
          value={chosen}
          onChange={setChosen}
          error={action.errors.fields.roles}
        />
        {(me?.organizationChapters.length ?? 0) > 0 && (
          <CheckGroup
            legend={t("admin.users.chapters")}
            hint={t("admin.users.chaptersHint")}
            options={me!.organizationChapters.map((c) => ({ value: c.id, label: c.name }))}
            value={chapters}
            onChange={setChapters}
            error={action.errors.fields.chapterIds}
          />
        )}
        <Field label={t("admin.users.language")} hint={t("admin.users.languageHint")} error={action.errors.fields.language}>
          {(p) => (
            <select {...p} value={language} onChange={(e) => setLanguage(e.target.value)}>
              {(me?.organization.languages ?? ["en"]).map((l) => (
                <option key={l} value={l}>
                  {t(`admin.language.${l}`) === `admin.language.${l}` ? l : t(`admin.language.${l}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit" disabled={action.busy}>
          {action.busy ? t("admin.users.inviting") : t("admin.users.sendInvitation")}
        </button>
      </form>
    </section>
  );
}

function MemberEditor({ member, roles, done, close }: { member: Member; roles: string[]; done(): Promise<unknown>; close(): void }) {
  const { t, dateTime } = useI18n();
  const { me } = useSession();
  const heading = useRef<HTMLHeadingElement>(null);
  const [chosen, setChosen] = useState(member.roles);
  const [chapters, setChapters] = useState(member.chapters.map((c) => c.id));
  const rolesAction = useAction(["roles"], ADMIN_WORDING);
  const chaptersAction = useAction(["chapterIds"], ADMIN_WORDING);
  const statusAction = useAction(["userId"], ADMIN_WORDING);
  const userId = member.user.id;
  useEffect(() => heading.current?.focus(), [userId]);

  return (
    <section className="panel" aria-labelledby="member-h">
      <h2 id="member-h" ref={heading} tabIndex={-1}>
        {t("admin.users.manage", { name: member.user.displayName || member.user.email })}
      </h2>
      <p className="muted">
        {member.user.email} · {t(`admin.users.status.${member.status}`)}
      </p>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (chosen.length === 0) return rolesAction.fail({ roles: t("admin.users.rolesRequired") });
          if (await rolesAction.run(async () => (await request(SetUserRolesDocument, { input: { userId, roles: chosen } })).setUserRoles.errors, t("admin.users.rolesSaved")))
            await done();
        }}
        noValidate
      >
        <Notice message={rolesAction.message} />
        <FormErrors messages={rolesAction.errors.general} />
        <CheckGroup
          legend={t("admin.users.roles")}
          options={roles.map((r) => ({ value: r, label: roleLabel(t, r) }))}
          value={chosen}
          onChange={setChosen}
          error={rolesAction.errors.fields.roles}
        />
        <button type="submit" disabled={rolesAction.busy}>
          {t("admin.users.saveRoles")}
        </button>
      </form>
      {(me?.organizationChapters.length ?? 0) > 0 && (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            if (
              await chaptersAction.run(
                async () => (await request(SetUserChaptersDocument, { input: { userId, chapterIds: chapters } })).setUserChapters.errors,
                t("admin.users.chaptersSaved"),
              )
            )
              await done();
          }}
          noValidate
        >
          <Notice message={chaptersAction.message} />
          <FormErrors messages={chaptersAction.errors.general} />
          <CheckGroup
            legend={t("admin.users.chapters")}
            hint={t("admin.users.chaptersHint")}
            options={me!.organizationChapters.map((c) => ({ value: c.id, label: c.name }))}
            value={chapters}
            onChange={setChapters}
            error={chaptersAction.errors.fields.chapterIds}
          />
          <button type="submit" disabled={chaptersAction.busy}>
            {t("admin.users.saveChapters")}
          </button>
        </form>
      )}
      <h3>{t("admin.users.access")}</h3>
      <Notice message={statusAction.message} />
      <FormErrors messages={[...statusAction.errors.general, ...Object.values(statusAction.errors.fields)]} />
      <div className="actions">
        {member.status === "INVITED" && (
          <button
            type="button"
            className="secondary"
            disabled={statusAction.busy}
            onClick={async () => {
              if (await statusAction.run(async () => (await request(ResendInvitationDocument, { input: { userId } })).resendInvitation.errors, t("admin.users.resent", { email: member.user.email })))
                await done();
            }}
          >
            {t("admin.users.resend")}
          </button>
        )}
        {member.status === "ACTIVE" && (
          <button
            type="button"
            className="secondary"
            disabled={statusAction.busy}
            onClick={async () => {
              let expiresAt: string | null | undefined;
              await statusAction.run(async () => {
                const result = (await request(SendPasswordResetDocument, { input: { userId } })).sendPasswordReset;
                expiresAt = result.expiresAt;
                return result.errors;
              });
              if (expiresAt) statusAction.setMessage(t("admin.users.resetSent", { email: member.user.email, at: dateTime(expiresAt) }));
            }}
          >
            {t("admin.users.sendReset")}
          </button>
        )}
        {member.status !== "DEACTIVATED" ? (
          <button
            type="button"
            className="secondary"
            disabled={statusAction.busy}
            onClick={async () => {
              if (!window.confirm(t("admin.users.confirmDeactivate", { name: member.user.displayName || member.user.email }))) return;
              if (await statusAction.run(async () => (await request(DeactivateUserDocument, { input: { userId } })).deactivateUser.errors, t("admin.users.deactivated")))
                await done();
            }}
          >
            {t("admin.users.deactivate")}
          </button>
        ) : (
          <button
            type="button"
            className="secondary"
            disabled={statusAction.busy}
            onClick={async () => {
              if (await statusAction.run(async () => (await request(ReactivateUserDocument, { input: { userId } })).reactivateUser.errors, t("admin.users.reactivated")))
                await done();
            }}
          >
            {t("admin.users.reactivate")}
          </button>
        )}
        <button type="button" className="link" onClick={close}>
          {t("admin.users.close")}
        </button>
      </div>
    </section>
  );
}

export default function Users() {
  const { t, dateTime, number } = useI18n();
  usePageTitle(t("admin.users.title"));
  const [search, setSearch] = useState("");
  const [applied, setApplied] = useState("");
  const [status, setStatus] = useState<MemberStatus | "">("");
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [selected, setSelected] = useState<string | null>(null);
  const filter = { search: applied || null, status: status ? [status] : null };
  const { data, error, loading, reload } = useQuery(UsersDocument, { filter, first: PAGE, after: cursors[cursors.length - 1] });
  const members = data?.users.edges.map((e) => e.node) ?? [];
  const roles = (data?.roles ?? []).map((r) => r.name);
  const member = members.find((m) => m.user.id === selected);

  return (
    <>
      <AdminNav />
      <h1>{t("admin.users.title")}</h1>
      <InviteForm roles={roles} done={reload} />
      {member && <MemberEditor key={member.user.id} member={member} roles={roles} done={reload} close={() => setSelected(null)} />}
      <section aria-labelledby="members-h">
        <h2 id="members-h">{t("admin.users.members")}</h2>
        <form
          role="search"
          aria-label={t("admin.users.filter")}
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            setCursors([null]);
            setApplied(search.trim());
          }}
        >
          <Field label={t("admin.users.search")}>
            {(p) => <input {...p} type="search" value={search} onChange={(e) => setSearch(e.target.value)} />}
          </Field>
          <Field label={t("admin.users.statusFilter")}>
            {(p) => (
              <select
                {...p}
                value={status}
                onChange={(e) => {
                  setCursors([null]);
                  setStatus(e.target.value as MemberStatus | "");
                }}
              >
                <option value="">{t("admin.users.anyStatus")}</option>
                {STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {t(`admin.users.status.${s}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <div className="field">
            <button type="submit">{t("admin.users.searchButton")}</button>
          </div>
        </form>
        {error && <LoadError error={error} />}
        {loading && !data && <Loading />}
        {data && (
          <>
            <p role="status">{t("admin.users.count", { count: data.users.totalCount ?? 0, n: number(data.users.totalCount ?? 0) })}</p>
            <div className="table-wrap">
              <table className="responsive admin">
                <caption className="sr-only">{t("admin.users.members")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("admin.users.person")}</th>
                    <th scope="col">{t("admin.users.statusFilter")}</th>
                    <th scope="col">{t("admin.users.roles")}</th>
                    <th scope="col">{t("admin.users.chapters")}</th>
                    <th scope="col">{t("admin.users.lastSeen")}</th>
                    <th scope="col">
                      <span className="sr-only">{t("admin.users.actions")}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {members.map((m) => (
                    <tr key={m.user.id}>
                      <td>
                        <strong>{m.user.displayName}</strong>
                        <div className="muted">{m.user.email}</div>
                      </td>
                      <td data-label={t("admin.users.statusFilter")}>
                        <span className={`badge member-${m.status.toLowerCase()}`}>{t(`admin.users.status.${m.status}`)}</span>
                      </td>
                      <td data-label={t("admin.users.roles")}>{m.roles.map((r) => roleLabel(t, r)).join(", ")}</td>
                      <td data-label={t("admin.users.chapters")}>{m.chapters.map((c) => c.name).join(", ") || t("admin.users.allChapters")}</td>
                      <td data-label={t("admin.users.lastSeen")}>{m.lastSeenAt ? dateTime(m.lastSeenAt) : t("admin.users.never")}</td>
                      <td>
                        <button type="button" className="secondary nowrap" onClick={() => setSelected(m.user.id)}>
                          {t("admin.users.manageButton")}
                          <span className="sr-only"> {m.user.displayName || m.user.email}</span>
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager cursors={cursors} setCursors={setCursors} pageInfo={data.users.pageInfo} loading={loading} />
          </>
        )}
      </section>
    </>
  );
}
