// A student's fields (name, grade, school, special education, English learner), shared by the intake and a
// family page's "add a student".
import type { EnglishLearnerStatus, SpecialEducationStatus } from "../../gql/graphql";
import { Field } from "../../components/forms";
import { useI18n } from "../../i18n/I18n";
import { SchoolOptions } from "./CaseFields";
import { MAX_LENGTH } from "../../lib/limits";

export interface StudentForm {
  firstName: string;
  lastName: string;
  grade: string;
  schoolId: string;
  specialEducation: SpecialEducationStatus;
  englishLearner: EnglishLearnerStatus;
}

export const EMPTY_STUDENT: StudentForm = {
  firstName: "", lastName: "", grade: "", schoolId: "", specialEducation: "UNKNOWN", englishLearner: "UNKNOWN",
};

/** The fields as the server names them (with the form's prefix, e.g. "student."). */
export const studentFieldNames = (prefix = "") => ["firstName", "lastName", "grade", "schoolId"].map((k) => prefix + k);

const SPED: SpecialEducationStatus[] = ["UNKNOWN", "NONE", "EVALUATION_REQUESTED", "IEP", "PLAN_504"];
const EL: EnglishLearnerStatus[] = ["UNKNOWN", "NOT_EL", "EL", "FORMER_EL"];
const GRADES = ["PK", "K", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"];

/** The required fields left empty (named with the prefix), each with `message`. */
export function missingStudentFields(f: StudentForm, message: string, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ["firstName", "lastName"] as const) if (!f[k].trim()) out[prefix + k] = message;
  return out;
}

/** The student part of createStudent / recordIntake. */
export function studentInput(f: StudentForm) {
  return {
    firstName: f.firstName.trim(),
    lastName: f.lastName.trim(),
    grade: f.grade || null,
    schoolId: f.schoolId || null,
    specialEducation: f.specialEducation,
    englishLearner: f.englishLearner,
  };
}

export function StudentFields({ value: f, onChange, errors, prefix = "", schools, schoolError }: {
  value: StudentForm;
  onChange(f: StudentForm): void;
  errors: Record<string, string>;
  prefix?: string;
  schools: readonly { id: string; name: string; district?: { name: string } | null }[];
  /** An error of another part that the school field says (the intake's case takes the student's school). */
  schoolError?: string;
}) {
  const { t, te } = useI18n();
  const set = (k: keyof StudentForm) => (e: { target: { value: string } }) => onChange({ ...f, [k]: e.target.value });
  return (
    <div className="grid2">
      <Field label={t("student.firstName")} error={errors[prefix + "firstName"]} required>
        {(p) => <input {...p} maxLength={MAX_LENGTH.studentName} value={f.firstName} onChange={set("firstName")} autoComplete="off" />}
      </Field>
      <Field label={t("student.lastName")} error={errors[prefix + "lastName"]} required>
        {(p) => <input {...p} maxLength={MAX_LENGTH.studentName} value={f.lastName} onChange={set("lastName")} autoComplete="off" />}
      </Field>
      <Field label={t("student.grade")} error={errors[prefix + "grade"]}>
        {(p) => (
          <select {...p} value={f.grade} onChange={set("grade")}>
            <option value="">{t("common.notSet")}</option>
            {GRADES.map((g) => (
              <option key={g} value={g}>
                {g}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t("student.school")} error={errors[prefix + "schoolId"] ?? schoolError}>
        {(p) => (
          <select {...p} value={f.schoolId} onChange={set("schoolId")}>
            <option value="">{t("common.notSet")}</option>
            <SchoolOptions schools={schools} />
          </select>
        )}
      </Field>
      <Field label={t("student.specialEducation")}>
        {(p) => (
          <select {...p} value={f.specialEducation} onChange={set("specialEducation")}>
            {SPED.map((s) => (
              <option key={s} value={s}>
                {te("SpecialEducationStatus", s)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t("student.englishLearner")}>
        {(p) => (
          <select {...p} value={f.englishLearner} onChange={set("englishLearner")}>
            {EL.map((s) => (
              <option key={s} value={s}>
                {te("EnglishLearnerStatus", s)}
              </option>
            ))}
          </select>
        )}
      </Field>
    </div>
  );
}
