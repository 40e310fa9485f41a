// Who works on the case (case:assign): tick colleagues who can open cases, or find one by name, and save. The
// newly assigned are notified by the server. A change by someone else meanwhile is a conflict: the page reloads.
import { useEffect, useRef, useState, type FormEvent } from "react";
import { graphql } from "../../../gql";
import { Field, FormErrors } from "../../../components/forms";
import { useI18n } from "../../../i18n/I18n";
import { request } from "../../../lib/graphql";
import { useAction } from "../../../lib/useAction";
import { useQuery } from "../../../lib/useQuery";
import { useSession } from "../../../lib/session";
import { useSettled } from "../../../lib/useSettled";
import { CheckGroup } from "../../admin/shared";
import type { CaseData } from "../CasePage";
import { isConflict } from "./shared";

const ColleaguesDocument = graphql(`
  query AssigneeCandidates($search: String) {
    colleagues(can: "case:read", search: $search, first: 30) { id displayName }
  }
`);

const AssignDocument = graphql(`
  mutation AssignCase($input: AssignCaseInput!) {
    assignCase(input: $input) { case { id version assignees { id displayName } } errors { code message field } }
  }
`);

export function Assignees({ data, reload }: { data: CaseData; reload(): Promise<CaseData | null> }) {
  const { t } = useI18n();
  const { me } = useSession();
  const [chosen, setChosen] = useState<string[]>(data.assignees.map((a) => a.id));
  const [search, setSearch] = useState("");
  const settled = useSettled(search.trim());
  const colleagues = useQuery(ColleaguesDocument, { search: settled || null });
  const { busy, errors, message, run } = useAction(["assigneeIds"]);
  const current = data.assignees.map((a) => a.id).join(" ");
  useEffect(() => setChosen(current ? current.split(" ") : []), [current]); // the saved list, after a reload

  // the people ticked stay listed (by name) whatever the search shows now, so they can be unticked
  const names = useRef(new Map<string, string>()).current;
  for (const a of data.assignees) names.set(a.id, a.displayName);
  if (me) names.set(me.user.id, me.user.displayName);
  const found = colleagues.data?.colleagues ?? [];
  for (const u of found) names.set(u.id, u.displayName);
  const listed = new Set([...chosen, ...found.map((u) => u.id)]);
  const options = [...listed]
    .map((id) => ({ value: id, label: names.get(id) ?? id }))
    .sort((a, b) => a.label.localeCompare(b.label));

  async function save(e?: FormEvent, ids = chosen) {
    e?.preventDefault();
    const ok = await run(
      async () => (await request(AssignDocument, { input: { id: data.id, version: data.version, assigneeIds: ids } })).assignCase.errors,
      {
        success: t("assign.saved"),
        onErrors: async (errs, mapped) => {
          if (!isConflict(errs)) return mapped;
          await reload();
          return { fields: {}, general: [t("assign.conflict")] };
        },
      },
    );
    if (ok) await reload();
  }

  const mine = me && chosen.includes(me.user.id);
  return (
    <section className="panel" aria-labelledby="case-assignees">
      <h2 id="case-assignees">{t("assign.title")}</h2>
      {message && (
        <p className="notice" role="status">
          {message}
        </p>
      )}
      <form onSubmit={save} noValidate>
        <FormErrors messages={errors.general} />
        <Field label={t("assign.search")}>
          {(p) => <input {...p} type="search" value={search} onChange={(e) => setSearch(e.target.value)} />}
        </Field>
        {settled && !colleagues.loading && found.length === 0 && <p className="muted">{t("assign.noMatch")}</p>}
        <CheckGroup
          legend={t("case.assignees")}
          hint={t("assign.hint")}
          options={options}
          value={chosen}
          onChange={setChosen}
          error={errors.fields.assigneeIds}
        />
        <div className="actions">
          <button type="submit" disabled={busy}>
            {t("assign.save")}
          </button>
          {me && !mine && (
            <button type="button" className="secondary" disabled={busy} onClick={() => save(undefined, [...chosen, me.user.id])}>
              {t("assign.me")}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
