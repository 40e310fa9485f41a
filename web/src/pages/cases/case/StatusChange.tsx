import { useState, type FormEvent } from "react";
import { graphql } from "../../../gql";
import type { CaseOutcome, CaseStatus } from "../../../gql/graphql";
import { Field, FormErrors } from "../../../components/forms";
import { useI18n } from "../../../i18n/I18n";
import { request } from "../../../lib/graphql";
import { useAction } from "../../../lib/useAction";
import type { CaseData } from "../CasePage";
import { isConflict } from "./shared";
import { MAX_LENGTH } from "../../../lib/limits";

const TransitionDocument = graphql(`
  mutation TransitionCase($input: TransitionCaseInput!) {
    transitionCase(input: $input) { case { id status version } errors { code message field } }
  }
`);

const OUTCOMES: CaseOutcome[] = ["REMEDY_ACHIEVED", "PARTIAL_REMEDY", "NO_REMEDY", "FAMILY_WITHDREW", "REFERRED_OUT", "NO_ACTION_NEEDED"];

export function StatusChange({ data, reload }: { data: CaseData; reload(): Promise<CaseData | null> }) {
  const { t, te } = useI18n();
  const [to, setTo] = useState<string>("");
  const [outcome, setOutcome] = useState("");
  const [note, setNote] = useState("");
  const { busy, errors, message, fail, run } = useAction(["to", "outcome", "note"]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const fields: Record<string, string> = {};
    if (!to) fields.to = t("status.chooseStatus");
    if (to === "RESOLVED" && !outcome) fields.outcome = t("status.outcomeRequired");
    if (Object.keys(fields).length) return fail(fields);
    const ok = await run(
      async () =>
        (
          await request(TransitionDocument, {
            input: { id: data.id, version: data.version, to: to as CaseStatus, outcome: (outcome || null) as CaseOutcome | null, note: note.trim() || null },
          })
        ).transitionCase.errors,
      {
        success: t("status.changed", { status: te("CaseStatus", to) }),
        // someone changed the case meanwhile: show what it is now and say so
        onErrors: async (errs, mapped) => {
          if (!isConflict(errs)) return mapped;
          await reload();
          return { fields: {}, general: [t("case.conflictStatus")] };
        },
      },
    );
    if (ok) {
      setTo("");
      setOutcome("");
      setNote("");
      await reload();
    }
  }

  return (
    <section className="panel" aria-labelledby="case-status">
      <h2 id="case-status">{t("status.title")}</h2>
      {message && (
        <p className="notice" role="status">
          {message}
        </p>
      )}
      <form onSubmit={submit} noValidate>
        <FormErrors messages={errors.general} />
        <Field label={t("status.newStatus")} error={errors.fields.to} required>
          {(p) => (
            <select {...p} value={to} onChange={(e) => setTo(e.target.value)}>
              <option value="">{t("common.choose")}</option>
              {data.allowedTransitions.map((s) => (
                <option key={s} value={s}>
                  {te("CaseStatus", s)}
                </option>
              ))}
            </select>
          )}
        </Field>
        {to === "RESOLVED" && (
          <Field label={t("case.outcome")} error={errors.fields.outcome} required>
            {(p) => (
              <select {...p} value={outcome} onChange={(e) => setOutcome(e.target.value)}>
                <option value="">{t("common.choose")}</option>
                {OUTCOMES.map((o) => (
                  <option key={o} value={o}>
                    {te("CaseOutcome", o)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <Field label={t("status.note")} error={errors.fields.note}>
          {(p) => <textarea {...p} maxLength={MAX_LENGTH.note} value={note} onChange={(e) => setNote(e.target.value)} />}
        </Field>
        <button type="submit" disabled={busy}>
          {t("status.submit")}
        </button>
      </form>
    </section>
  );
}
