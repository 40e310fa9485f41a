// Editing the case. The form sends the version it was based on; if someone else saved in between, the server
// answers CONFLICT: we say so, show the latest version and keep the user's edits to re-apply.
import { useState, type FormEvent } from "react";
import { graphql } from "../../../gql";
import type { CaseCategory, CasePriority, CaseSubcategory } from "../../../gql/graphql";
import { Field, FormErrors } from "../../../components/forms";
import { useQuery } from "../../../lib/useQuery";
import { CaseFormDataDocument, SchoolOptions } from "../CaseFields";
import { useI18n } from "../../../i18n/I18n";
import { request } from "../../../lib/graphql";
import { NO_ERRORS, useAction } from "../../../lib/useAction";
import type { CaseData } from "../CasePage";
import { isConflict } from "./shared";
import { keepMyEdits } from "../../../lib/conflict";
import { MAX_LENGTH } from "../../../lib/limits";

const UpdateCaseDocument = graphql(`
  mutation UpdateCase($input: UpdateCaseInput!) {
    updateCase(input: $input) { case { id version } errors { code message field } }
  }
`);

const PRIORITIES: CasePriority[] = ["LOW", "NORMAL", "HIGH", "URGENT"];
const FIELDS = ["title", "priority", "nextActionDueOn", "narrative", "category", "subcategory", "schoolId", "studentId",
  "incidentOn"];

/** What the form starts from: the case as read. */
function formOf(data: CaseData) {
  return {
    title: data.title, priority: data.priority as string, nextActionDueOn: data.nextActionDueOn ?? "",
    narrative: data.narrative ?? "", category: data.category as string, subcategory: data.subcategory as string,
    schoolId: data.school?.id ?? "", studentId: data.student?.id ?? "", incidentOn: data.incidentOn ?? "",
  };
}

// fields sent only when changed (the others of the form are sent as they are)
const CORRECTED = ["category", "subcategory", "schoolId", "studentId", "incidentOn"] as const;

interface Latest {
  title: string;
  priority: string;
  nextActionDueOn?: string | null;
  issue?: string | null;
  school?: string | null;
  version: number;
  updatedAt: string;
}

export function CaseDetails({ data, reload }: { data: CaseData; reload(): Promise<CaseData | null> }) {
  const { t, te, date, dateTime } = useI18n();
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState(() => formOf(data));
  const [opened, setOpened] = useState(() => formOf(data)); // the case as the form started from it
  const formData = useQuery(CaseFormDataDocument, undefined, { skip: !open });
  const [baseVersion, setBaseVersion] = useState(data.version);
  const [conflict, setConflict] = useState<Latest | null>(null);
  const { busy, errors, message: saved, fail, reset, run } = useAction(FIELDS);

  function start() {
    setForm(formOf(data));
    setOpened(formOf(data));
    setBaseVersion(data.version);
    reset();
    setConflict(null);
    setOpen(true);
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    if (!form.title.trim()) return fail({ title: t("intake.required") });
    if (!form.subcategory) return fail({ subcategory: t("intake.required") });
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
            // the issue, school, student and incident date only when I changed them (they are rarely corrected,
            // and someone else's correction must not be undone by a save of my title)
            ...(form.category !== opened.category || form.subcategory !== opened.subcategory
              ? { category: form.category as CaseCategory, subcategory: form.subcategory as CaseSubcategory }
              : {}),
            ...(form.schoolId !== opened.schoolId && form.schoolId ? { schoolId: form.schoolId } : {}),
            ...(form.studentId !== opened.studentId && form.studentId ? { studentId: form.studentId } : {}),
            ...(form.incidentOn !== opened.incidentOn ? { incidentOn: form.incidentOn || null } : {}),
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
            setConflict({
              title: latest.title, priority: latest.priority, nextActionDueOn: latest.nextActionDueOn,
              issue: latest.subcategoryLabel, school: latest.school?.name, version: latest.version,
              updatedAt: latest.updatedAt,
            });
            setBaseVersion(latest.version);
            // the fields I left alone follow theirs (what the form shows is what a save keeps)
            const theirs = formOf(latest);
            setForm((mine) => keepMyEdits(mine, opened, theirs, CORRECTED));
            setOpened(theirs);
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
                <dt>{t("case.subcategory")}</dt>
                <dd>{conflict.issue ?? t("common.notSet")}</dd>
                <dt>{t("case.school")}</dt>
                <dd>{conflict.school ?? t("common.notSet")}</dd>
              </dl>
              <p>{t("case.conflictKeep")}</p>
            </div>
          )}
          <FormErrors messages={errors.general} />
          <Field label={t("case.title")} hint={t("case.titleHint")} error={errors.fields.title} required>
            {(p) => <input {...p} maxLength={MAX_LENGTH.name} value={form.title} onChange={(e) => setForm({ ...form, title: e.target.value })} />}
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
          {formData.data && (
            <>
              <div className="grid2">
                <Field label={t("case.category")} error={errors.fields.category} required>
                  {(p) => (
                    <select {...p} value={form.category} onChange={(e) => setForm({ ...form, category: e.target.value, subcategory: "" })}>
                      {formData.data!.caseTaxonomy.map((c) => (
                        <option key={c.code} value={c.code}>
                          {te("CaseCategory", c.code, c.label)}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <Field label={t("case.subcategory")} error={errors.fields.subcategory} required>
                  {(p) => (
                    <select {...p} value={form.subcategory} onChange={(e) => setForm({ ...form, subcategory: e.target.value })}>
                      <option value="">{t("common.choose")}</option>
                      {(formData.data!.caseTaxonomy.find((c) => c.code === form.category)?.subcategories ?? []).map((c) => (
                        <option key={c.code} value={c.code}>
                          {te("CaseSubcategory", c.code, c.label)}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <Field label={t("case.school")} error={errors.fields.schoolId}>
                  {(p) => (
                    <select {...p} value={form.schoolId} onChange={(e) => setForm({ ...form, schoolId: e.target.value })}>
                      {!form.schoolId && <option value="">{t("common.notSet")}</option>}
                      <SchoolOptions schools={formData.data!.schools.edges.map((e) => e.node)} />
                    </select>
                  )}
                </Field>
                {data.family.students.length > 0 && (
                  <Field label={t("case.student")} error={errors.fields.studentId}>
                    {(p) => (
                      <select {...p} value={form.studentId} onChange={(e) => setForm({ ...form, studentId: e.target.value })}>
                        {!form.studentId && <option value="">{t("common.notSet")}</option>}
                        {data.family.students.map((s) => (
                          <option key={s.id} value={s.id}>
                            {[s.firstName, s.lastName].filter(Boolean).join(" ") || t("case.redacted")}
                          </option>
                        ))}
                      </select>
                    )}
                  </Field>
                )}
                <Field label={t("case.incidentOn")} error={errors.fields.incidentOn}>
                  {(p) => <input {...p} type="date" value={form.incidentOn} onChange={(e) => setForm({ ...form, incidentOn: e.target.value })} />}
                </Field>
              </div>
            </>
          )}
          {data.narrative !== null && (
            <Field label={t("case.narrative")} error={errors.fields.narrative}>
              {(p) => <textarea {...p} maxLength={MAX_LENGTH.narrative} value={form.narrative} onChange={(e) => setForm({ ...form, narrative: e.target.value })} />}
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
