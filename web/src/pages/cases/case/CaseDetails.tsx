// Editing the case. The form sends the version it was based on; if someone else saved in between, the server
// answers CONFLICT: we say so, show the latest version and keep the user's edits to re-apply.
import { useState, type FormEvent } from "react";
import { graphql } from "../../../gql";
import type { CasePriority } from "../../../gql/graphql";
import { Field, FormErrors } from "../../../components/forms";
import { useI18n } from "../../../i18n/I18n";
import { request } from "../../../lib/graphql";
import { NO_ERRORS, useAction } from "../../../lib/useAction";
import type { CaseData } from "../CasePage";
import { isConflict } from "./shared";

const UpdateCaseDocument = graphql(`
  mutation UpdateCase($input: UpdateCaseInput!) {
    updateCase(input: $input) { case { id version } errors { code message field } }
  }
`);

const PRIORITIES: CasePriority[] = ["LOW", "NORMAL", "HIGH", "URGENT"];
const FIELDS = ["title", "priority", "nextActionDueOn", "narrative"];

interface Latest {
  title: string;
  priority: string;
  nextActionDueOn?: string | null;
  version: number;
  updatedAt: string;
}

export function CaseDetails({ data, reload }: { data: CaseData; reload(): Promise<CaseData | null> }) {
  const { t, te, date, dateTime } = useI18n();
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState({ title: "", priority: "NORMAL", nextActionDueOn: "", narrative: "" });
  const [baseVersion, setBaseVersion] = useState(data.version);
  const [conflict, setConflict] = useState<Latest | null>(null);
  const { busy, errors, message: saved, fail, reset, run } = useAction(FIELDS);

  function start() {
    setForm({
      title: data.title,
      priority: data.priority,
      nextActionDueOn: data.nextActionDueOn ?? "",
      narrative: data.narrative ?? "",
    });
    setBaseVersion(data.version);
    reset();
    setConflict(null);
    setOpen(true);
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    if (!form.title.trim()) return fail({ title: t("intake.required") });
    const ok = await run(
      async () => {
        const r = await request(UpdateCaseDocument, {
          input: {
            id: data.id,
            version: baseVersion,
            title: form.title.trim(),
            priority: form.priority as CasePriority,
            nextActionDueOn: form.nextActionDueOn || null,
            ...(data.narrative !== null || form.narrative ? { narrative: form.narrative } : {}),
          },
        });
        return r.updateCase.errors;
      },
      {
        success: t("case.saved"),
        // saved by someone else meanwhile: show the latest version above the user's edits, to save anyway
        onErrors: async (errs, mapped) => {
          if (!isConflict(errs)) return mapped;
          const latest = await reload();
          if (latest) {
            setConflict({ title: latest.title, priority: latest.priority, nextActionDueOn: latest.nextActionDueOn, version: latest.version, updatedAt: latest.updatedAt });
            setBaseVersion(latest.version);
          }
          return NO_ERRORS;
        },
      },
    );
    if (ok) {
      setConflict(null);
      setOpen(false);
      await reload();
    }
  }

  return (
    <section className="panel" aria-labelledby="case-edit">
      <h2 id="case-edit">{t("case.edit")}</h2>
      {saved && (
        <p className="notice" role="status">
          {saved}
        </p>
      )}
      {!open ? (
        <button type="button" className="secondary" onClick={start}>
          {t("case.editButton")}
        </button>
      ) : (
        <form onSubmit={save} noValidate>
          {conflict && (
            <div className="warning" role="alert">
              <p>
                <strong>{t("case.conflict")}</strong>
              </p>
              <p>{t("case.conflictLatest", { version: conflict.version, at: dateTime(conflict.updatedAt) })}</p>
              <dl className="facts">
                <dt>{t("case.title")}</dt>
                <dd>{conflict.title}</dd>
                <dt>{t("case.priority")}</dt>
                <dd>{te("CasePriority", conflict.priority)}</dd>
                <dt>{t("case.nextActionDueOn")}</dt>
                <dd>{conflict.nextActionDueOn ? date(conflict.nextActionDueOn) : t("common.notSet")}</dd>
              </dl>
              <p>{t("case.conflictKeep")}</p>
            </div>
          )}
          <FormErrors messages={errors.general} />
          <Field label={t("case.title")} hint={t("case.titleHint")} error={errors.fields.title} required>
            {(p) => <input {...p} value={form.title} onChange={(e) => setForm({ ...form, title: e.target.value })} />}
          </Field>
          <Field label={t("case.priority")} error={errors.fields.priority}>
            {(p) => (
              <select {...p} value={form.priority} onChange={(e) => setForm({ ...form, priority: e.target.value })}>
                {PRIORITIES.map((x) => (
                  <option key={x} value={x}>
                    {te("CasePriority", x)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t("case.nextActionDueOn")} error={errors.fields.nextActionDueOn}>
            {(p) => <input {...p} type="date" value={form.nextActionDueOn} onChange={(e) => setForm({ ...form, nextActionDueOn: e.target.value })} />}
          </Field>
          {data.narrative !== null && (
            <Field label={t("case.narrative")} error={errors.fields.narrative}>
              {(p) => <textarea {...p} value={form.narrative} onChange={(e) => setForm({ ...form, narrative: e.target.value })} />}
            </Field>
          )}
          <div className="actions">
            <button type="submit" disabled={busy}>
              {conflict ? t("case.saveAnyway") : t("common.save")}
            </button>
            <button type="button" className="secondary" onClick={() => setOpen(false)}>
              {t("common.cancel")}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
