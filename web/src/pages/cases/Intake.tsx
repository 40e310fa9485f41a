// Intake: a family, a student and a case in one form, recorded together (recordIntake: all or nothing).
import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router-dom";
import { graphql } from "../../gql";
import type { EnglishLearnerStatus, SpecialEducationStatus } from "../../gql/graphql";
import { Field, FormErrors, LoadError, Loading, usePageTitle } from "../../components/forms";
import { useI18n } from "../../i18n/I18n";
import { request } from "../../lib/graphql";
import { newIdempotencyKey } from "../../lib/idempotency";
import { useSession } from "../../lib/session";
import { useAction } from "../../lib/useAction";
import { useQuery } from "../../lib/useQuery";
import { useSettled } from "../../lib/useSettled";
import { FAMILY_LANGUAGES, languageName } from "../../lib/languages";
import {
  CaseFields, caseFieldNames, CaseFormDataDocument, caseInput, EMPTY_CASE, missingCaseFields, SchoolOptions, type CaseForm,
} from "./CaseFields";

// families already recorded under a similar name: a returning family's new issue belongs on its page
const SimilarFamiliesDocument = graphql(`
  query SimilarFamilies($search: String!) {
    families(search: $search, first: 5) { edges { node { id displayName students { firstName lastName } } } }
  }
`);

const RecordIntakeDocument = graphql(`
  mutation RecordIntake($input: RecordIntakeInput!) {
    recordIntake(input: $input) { case { id } errors { code message field } }
  }
`);

// The fields of the form, as the server names them ("student.lastName"): its errors are placed beside them.
const FIELDS = [
  ...["displayName", "chapterId", "guardians", "phone", "email", "preferredLanguage"].map((k) => `family.${k}`),
  ...["firstName", "lastName", "grade", "schoolId"].map((k) => `student.${k}`),
  ...caseFieldNames("case."),
];

const SPED: SpecialEducationStatus[] = ["UNKNOWN", "NONE", "EVALUATION_REQUESTED", "IEP", "PLAN_504"];
const EL: EnglishLearnerStatus[] = ["UNKNOWN", "NOT_EL", "EL", "FORMER_EL"];
const GRADES = ["PK", "K", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"];

export default function Intake() {
  const { t, te, lang } = useI18n();
  const { me, can } = useSession();
  const navigate = useNavigate();
  usePageTitle(t("intake.title"));
  const { data, error, loading } = useQuery(CaseFormDataDocument);

  const chapters = me?.chapters.length ? me.chapters : (me?.organizationChapters ?? []);
  const [f, setF] = useState({
    displayName: "", chapterId: chapters[0]?.id ?? "", guardianName: "", relationship: "", phone: "", email: "",
    preferredLanguage: lang, interpreterNeeded: false,
    firstName: "", lastName: "", grade: "", schoolId: "", specialEducation: "UNKNOWN", englishLearner: "UNKNOWN",
  });
  const [kase, setKase] = useState<CaseForm>(EMPTY_CASE);
  // One key per form: a retry after a lost answer gets the intake already recorded instead of a second one.
  const [idempotencyKey] = useState(newIdempotencyKey);
  const { busy, errors, fail, reset, run } = useAction(FIELDS);
  const typed = useSettled(f.displayName.trim(), 400);
  const lookFor = can("family:identity") && typed.length >= 3 ? typed : null;
  const similar = useQuery(SimilarFamiliesDocument, { search: lookFor ?? "" }, { skip: !lookFor });
  const matches = lookFor ? (similar.data?.families.edges ?? []).map((e) => e.node) : [];

  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });

  if (error) return <LoadError error={error} />;
  if (loading && !data) return <Loading />;
  const schools = data!.schools.edges.map((e) => e.node);

  /** The required fields left empty, each with its message. */
  function missing(): Record<string, string> {
    const fields: Record<string, string> = {};
    const need = (k: string, v: string) => {
      if (!v.trim()) fields[k] = t("intake.required");
    };
    need("family.displayName", f.displayName);
    need("student.firstName", f.firstName);
    need("student.lastName", f.lastName);
    return { ...fields, ...missingCaseFields(kase, t("intake.required"), "case.") };
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const empty = missing();
    if (Object.keys(empty).length) return fail(empty, [t("intake.fixFields")]);
    reset();
    let caseId: string | undefined;
    await run(async () => {
      const r = await request(RecordIntakeDocument, {
        input: {
          family: {
            displayName: f.displayName.trim(),
            chapterId: f.chapterId || null,
            guardians: f.guardianName.trim()
              ? [{ name: f.guardianName.trim(), relationship: f.relationship.trim() || null, language: f.preferredLanguage }]
              : [],
            phone: f.phone.trim() || null,
            email: f.email.trim() || null,
            preferredLanguage: f.preferredLanguage,
            interpreterNeeded: f.interpreterNeeded,
          },
          student: {
            firstName: f.firstName.trim(),
            lastName: f.lastName.trim(),
            grade: f.grade || null,
            schoolId: f.schoolId || null,
            specialEducation: f.specialEducation as SpecialEducationStatus,
            englishLearner: f.englishLearner as EnglishLearnerStatus,
          },
          case: { ...caseInput(kase), schoolId: f.schoolId || null },
          idempotencyKey,
        },
      });
      caseId = r.recordIntake.case?.id;
      return r.recordIntake.errors;
    });
    if (caseId) navigate(`/cases/${encodeURIComponent(caseId)}?created=1`);
  }

  const langs = Array.from(new Set([...(me?.organization.languages ?? []), ...FAMILY_LANGUAGES]));
  return (
    <>
      <h1>{t("intake.title")}</h1>
      <p className="muted">{t("intake.intro")}</p>
      <form onSubmit={submit} noValidate>
        <FormErrors messages={errors.general} />
        <fieldset>
          <legend>{t("intake.family")}</legend>
          <Field label={t("family.displayName")} hint={t("family.displayNameHint")} error={errors.fields["family.displayName"]} required>
            {(p) => <input {...p} value={f.displayName} onChange={set("displayName")} autoComplete="off" />}
          </Field>
          {matches.length > 0 && (
            <div className="notice" role="status">
              <p>{t("intake.similarFamilies")}</p>
              <ul>
                {matches.map((m) => (
                  <li key={m.id}>
                    <Link to={`/families/${encodeURIComponent(m.id)}`}>{m.displayName}</Link>
                    {m.students.length > 0 &&
                      ` (${m.students.map((s) => [s.firstName, s.lastName].filter(Boolean).join(" ")).join(", ")})`}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {chapters.length > 1 && (
            <Field label={t("family.chapter")} error={errors.fields["family.chapterId"]}>
              {(p) => (
                <select {...p} value={f.chapterId} onChange={set("chapterId")}>
                  {chapters.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
          <div className="grid2">
            <Field label={t("family.guardian")} error={errors.fields["family.guardians"]}>
              {(p) => <input {...p} value={f.guardianName} onChange={set("guardianName")} autoComplete="off" />}
            </Field>
            <Field label={t("family.relationship")}>
              {(p) => <input {...p} value={f.relationship} onChange={set("relationship")} autoComplete="off" />}
            </Field>
            <Field label={t("family.phone")} error={errors.fields["family.phone"]}>
              {(p) => <input {...p} type="tel" value={f.phone} onChange={set("phone")} autoComplete="off" />}
            </Field>
            <Field label={t("family.email")} error={errors.fields["family.email"]}>
              {(p) => <input {...p} type="email" value={f.email} onChange={set("email")} autoComplete="off" />}
            </Field>
          </div>
          <Field label={t("family.language")} error={errors.fields["family.preferredLanguage"]}>
            {(p) => (
              <select {...p} value={f.preferredLanguage} onChange={set("preferredLanguage")}>
                {langs.map((code) => (
                  <option key={code} value={code}>
                    {languageName(lang, code)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <label className="checkbox">
            <input type="checkbox" checked={f.interpreterNeeded} onChange={(e) => setF({ ...f, interpreterNeeded: e.target.checked })} />
            {t("family.interpreterNeeded")}
          </label>
        </fieldset>

        <fieldset>
          <legend>{t("intake.student")}</legend>
          <div className="grid2">
            <Field label={t("student.firstName")} error={errors.fields["student.firstName"]} required>
              {(p) => <input {...p} value={f.firstName} onChange={set("firstName")} autoComplete="off" />}
            </Field>
            <Field label={t("student.lastName")} error={errors.fields["student.lastName"]} required>
              {(p) => <input {...p} value={f.lastName} onChange={set("lastName")} autoComplete="off" />}
            </Field>
            <Field label={t("student.grade")} error={errors.fields["student.grade"]}>
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
            {/* the case's school is the student's: an error on either is said here */}
            <Field label={t("student.school")} error={errors.fields["student.schoolId"] ?? errors.fields["case.schoolId"]}>
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
        </fieldset>

        <fieldset>
          <legend>{t("intake.case")}</legend>
          <CaseFields value={kase} onChange={setKase} errors={errors.fields} prefix="case." taxonomy={data!.caseTaxonomy} />
        </fieldset>
        <button type="submit" disabled={busy}>
          {t("intake.submit")}
        </button>
      </form>
    </>
  );
}
