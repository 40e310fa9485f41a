// A new case's own fields (issue, title, what happened, priority, dates and, where the form has no student school
// to take it from, the school), shared by the intake and a family's "open a new case".
import { graphql } from "../../gql";
import type { CaseCategory, CasePriority, CaseSubcategory } from "../../gql/graphql";
import { Field } from "../../components/forms";
import { useI18n } from "../../i18n/I18n";
import { MAX_LENGTH } from "../../lib/limits";

/** What the case fields offer: the issues and the organization's schools. */
export const CaseFormDataDocument = graphql(`
  query CaseFormData {
    caseTaxonomy { code label subcategories { code label } }
    schools(first: 100) { edges { node { id name district { id name } } } }
  }
`);

export interface CaseForm {
  category: string;
  subcategory: string;
  title: string;
  narrative: string;
  priority: string;
  incidentOn: string;
  nextActionDueOn: string;
  schoolId: string;
}

export const EMPTY_CASE: CaseForm = {
  category: "", subcategory: "", title: "", narrative: "", priority: "NORMAL", incidentOn: "", nextActionDueOn: "", schoolId: "",
};

/** The fields as the server names them (with the form's prefix, e.g. "case."): its errors are placed beside them. */
export const caseFieldNames = (prefix = "") =>
  ["category", "subcategory", "title", "narrative", "incidentOn", "nextActionDueOn", "schoolId"].map((k) => prefix + k);

const PRIORITIES: CasePriority[] = ["LOW", "NORMAL", "HIGH", "URGENT"];

type Taxonomy = readonly { code: CaseCategory; label: string; subcategories: readonly { code: CaseSubcategory; label: string }[] }[];
type Schools = readonly { id: string; name: string; district?: { name: string } | null }[];

/** The required fields left empty (named with the prefix), each with `message`. */
export function missingCaseFields(f: CaseForm, message: string, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ["category", "subcategory", "title"] as const) if (!f[k].trim()) out[prefix + k] = message;
  return out;
}

/** The case part of openCase / recordIntake (the school apart: the intake takes the student's). */
export function caseInput(f: CaseForm) {
  return {
    category: f.category as CaseCategory,
    subcategory: f.subcategory as CaseSubcategory,
    title: f.title.trim(),
    narrative: f.narrative.trim() || null,
    priority: f.priority as CasePriority,
    incidentOn: f.incidentOn || null,
    nextActionDueOn: f.nextActionDueOn || null,
  };
}

/** A school select's options: each school with its district. */
export function SchoolOptions({ schools }: { schools: Schools }) {
  return (
    <>
      {schools.map((s) => (
        <option key={s.id} value={s.id}>
          {s.name}
          {s.district ? ` (${s.district.name})` : ""}
        </option>
      ))}
    </>
  );
}

export function CaseFields({ value: f, onChange, errors, prefix = "", taxonomy, schools }: {
  value: CaseForm;
  onChange(f: CaseForm): void;
  errors: Record<string, string>;
  prefix?: string;
  taxonomy: Taxonomy;
  /** Offer a school field (else the case takes its school elsewhere). */
  schools?: Schools;
}) {
  const { t, te } = useI18n();
  const set = (k: keyof CaseForm) => (e: { target: { value: string } }) => onChange({ ...f, [k]: e.target.value });
  const subcategories = taxonomy.find((c) => c.code === f.category)?.subcategories ?? [];
  return (
    <>
      <div className="grid2">
        <Field label={t("case.category")} error={errors[prefix + "category"]} required>
          {(p) => (
            <select {...p} value={f.category} onChange={(e) => onChange({ ...f, category: e.target.value, subcategory: "" })}>
              <option value="">{t("common.choose")}</option>
              {taxonomy.map((c) => (
                <option key={c.code} value={c.code}>
                  {te("CaseCategory", c.code, c.label)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("case.subcategory")} error={errors[prefix + "subcategory"]} required>
          {(p) => (
            <select {...p} value={f.subcategory} onChange={set("subcategory")} disabled={!f.category}>
              <option value="">{t("common.choose")}</option>
              {subcategories.map((c) => (
                <option key={c.code} value={c.code}>
                  {te("CaseSubcategory", c.code, c.label)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field label={t("case.title")} hint={t("case.titleHint")} error={errors[prefix + "title"]} required>
        {(p) => <input {...p} maxLength={MAX_LENGTH.name} value={f.title} onChange={set("title")} autoComplete="off" />}
      </Field>
      <Field label={t("case.narrative")} error={errors[prefix + "narrative"]}>
        {(p) => <textarea {...p} maxLength={MAX_LENGTH.narrative} value={f.narrative} onChange={set("narrative")} />}
      </Field>
      <div className="grid2">
        {schools && (
          <Field label={t("case.school")} error={errors[prefix + "schoolId"]}>
            {(p) => (
              <select {...p} value={f.schoolId} onChange={set("schoolId")}>
                <option value="">{t("common.notSet")}</option>
                <SchoolOptions schools={schools} />
              </select>
            )}
          </Field>
        )}
        <Field label={t("case.priority")}>
          {(p) => (
            <select {...p} value={f.priority} onChange={set("priority")}>
              {PRIORITIES.map((s) => (
                <option key={s} value={s}>
                  {te("CasePriority", s)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("case.incidentOn")} error={errors[prefix + "incidentOn"]}>
          {(p) => <input {...p} type="date" value={f.incidentOn} onChange={set("incidentOn")} />}
        </Field>
        <Field label={t("case.nextActionDueOn")} error={errors[prefix + "nextActionDueOn"]}>
          {(p) => <input {...p} type="date" value={f.nextActionDueOn} onChange={set("nextActionDueOn")} />}
        </Field>
      </div>
    </>
  );
}
