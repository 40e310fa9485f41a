// Who works on the case (case:assign): tick colleagues who can open cases, or find one by name, and save. The
// newly assigned are notified by the server. A change by someone else meanwhile is a conflict: the page reloads.
import { useEffect, useState, type FormEvent } from "react";
import { graphql } from "../../../gql";
import { ColleaguePicker } from "../../../components/ColleaguePicker";
import { FormErrors } from "../../../components/forms";
import { useI18n } from "../../../i18n/I18n";
import { request } from "../../../lib/graphql";
import { useAction } from "../../../lib/useAction";
import { useSession } from "../../../lib/session";
import type { CaseData } from "../CasePage";
import { isConflict } from "./shared";

const AssignDocument = graphql(`
  mutation AssignCase($input: AssignCaseInput!) {
    assignCase(input: $input) { case { id version assignees { id displayName } } errors { code message field } }
  }
`);

export function Assignees({ data, reload }: { data: CaseData; reload(): Promise<CaseData | null> }) {
  const { t } = useI18n();
  const { me } = useSession();
  const [chosen, setChosen] = useState<string[]>(data.assignees.map((a) => a.id));
  const { busy, errors, message, run } = useAction(["assigneeIds"]);
  const current = data.assignees.map((a) => a.id).join(" ");
  useEffect(() => setChosen(current ? current.split(" ") : []), [current]); // the saved list, after a reload

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

  const saved = data.assignees.map((a) => a.id);
  const mine = me && saved.includes(me.user.id);
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
        <ColleaguePicker
          legend={t("case.assignees")}
          hint={t("assign.hint")}
          can="case:update"
          value={chosen}
          onChange={setChosen}
          known={data.assignees}
          error={errors.fields.assigneeIds}
        />
        <div className="actions">
          <button type="submit" disabled={busy}>
            {t("assign.save")}
          </button>
          {me && !mine && (
            <button type="button" className="secondary" disabled={busy} onClick={() => save(undefined, [...saved, me.user.id])}>
              {t("assign.me")}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
