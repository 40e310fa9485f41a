import { useState, type FormEvent } from "react";
import { graphql } from "../../../gql";
import type { Milestone } from "../../../gql/graphql";
import { Field, FormErrors } from "../../../components/forms";
import { useI18n } from "../../../i18n/I18n";
import { request } from "../../../lib/graphql";
import { useAction } from "../../../lib/useAction";
import { useSession } from "../../../lib/session";
import { today } from "../../../i18n/core";
import type { CaseData } from "../CasePage";

const RecordMilestoneDocument = graphql(`
  mutation RecordMilestone($input: RecordCaseMilestoneInput!) {
    recordCaseMilestone(input: $input) { errors { code message field } }
  }
`);

const MILESTONES: Milestone[] = [
  "EVALUATION_CONSENT_SIGNED", "EVALUATION_COMPLETED", "IEP_PROPOSED", "PLACEMENT_CHANGE_DECIDED",
  "MANIFESTATION_DETERMINATION_HELD", "REMOVAL_RECORDED",
];

export function Deadlines({ data, reload }: { data: CaseData; reload(): Promise<CaseData | null> }) {
  const { t, te, date } = useI18n();
  const { can } = useSession();
  const [milestone, setMilestone] = useState<string>("");
  const [occurredOn, setOccurredOn] = useState(today());
  const [removalDays, setRemovalDays] = useState("");
  const { busy, errors, fail, run } = useAction(["milestone", "occurredOn", "removalDays"]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!milestone) return fail({ milestone: t("deadlines.chooseMilestone") });
    const ok = await run(async () => {
      const r = await request(RecordMilestoneDocument, {
        input: {
          caseId: data.id,
          milestone: milestone as Milestone,
          occurredOn,
          removalDays: milestone === "REMOVAL_RECORDED" && removalDays ? Number(removalDays) : null,
        },
      });
      return r.recordCaseMilestone.errors;
    });
    if (ok) {
      setMilestone("");
      await reload();
    }
  }

  return (
    <section className="panel" aria-labelledby="case-deadlines">
      <h2 id="case-deadlines">{t("deadlines.title")}</h2>
      {data.deadlines.length === 0 ? (
        <p className="muted">{t("deadlines.none")}</p>
      ) : (
        <ul className="plain">
          {data.deadlines.map((d) => (
            <li key={d.id}>
              <strong>{d.label}</strong> · <span className="badge">{te("DeadlineStatus", d.status)}</span>
              <div>
                {t("deadlines.due", { date: date(d.dueOn) })}
                {d.metOn && ` · ${t("deadlines.met", { date: date(d.metOn) })}`}
              </div>
              <div className="muted">{d.citation}</div>
            </li>
          ))}
        </ul>
      )}
      {can("case:update") && (
        <form onSubmit={submit} noValidate>
          <h3>{t("deadlines.record")}</h3>
          <FormErrors messages={errors.general} />
          <div className="grid2">
            <Field label={t("deadlines.milestone")} error={errors.fields.milestone} required>
              {(p) => (
                <select {...p} value={milestone} onChange={(e) => setMilestone(e.target.value)}>
                  <option value="">{t("common.choose")}</option>
                  {MILESTONES.map((m) => (
                    <option key={m} value={m}>
                      {te("Milestone", m)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t("deadlines.occurredOn")} error={errors.fields.occurredOn} required>
              {(p) => <input {...p} type="date" value={occurredOn} onChange={(e) => setOccurredOn(e.target.value)} />}
            </Field>
            {milestone === "REMOVAL_RECORDED" && (
              <Field label={t("deadlines.removalDays")} error={errors.fields.removalDays}>
                {(p) => <input {...p} type="number" min={1} inputMode="numeric" value={removalDays} onChange={(e) => setRemovalDays(e.target.value)} />}
              </Field>
            )}
          </div>
          <button type="submit" disabled={busy}>
            {t("deadlines.recordButton")}
          </button>
        </form>
      )}
    </section>
  );
}
