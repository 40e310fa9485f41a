// Intake: a family, a student and a case in one form, recorded together (recordIntake: all or nothing).
import { useRef, useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router-dom";
import { graphql } from "../../gql";
import { Field, FormErrors, LoadError, Loading, usePageTitle } from "../../components/forms";
import { useI18n } from "../../i18n/I18n";
import { request } from "../../lib/graphql";
import { newIdempotencyKey } from "../../lib/idempotency";
import { useSession } from "../../lib/session";
import { useAction } from "../../lib/useAction";
import { useQuery } from "../../lib/useQuery";
import { useSettled } from "../../lib/useSettled";
import { LanguageField } from "../families/LanguageField";
import {
  CaseFields, caseFieldNames, CaseFormDataDocument, caseInput, EMPTY_CASE, missingCaseFields, type CaseForm,
} from "./CaseFields";
import {
  EMPTY_STUDENT, missingStudentFields, StudentFields, studentFieldNames, studentInput, type StudentForm,
} from "./StudentFields";
import { MAX_LENGTH } from "../../lib/limits";

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
  ...studentFieldNames("student."),
  ...caseFieldNames("case."),
];


export default function Intake() {
  const { t, lang } = useI18n();
  const { me, can } = useSession();
  const navigate = useNavigate();
  usePageTitle(t("intake.title"));
  const { data, error, loading } = useQuery(CaseFormDataDocument);

  const chapters = me?.chapters.length ? me.chapters : (me?.organizationChapters ?? []);
  const [f, setF] = useState({
    displayName: "", chapterId: chapters[0]?.id ?? "", guardianName: "", relationship: "", phone: "", email: "",
    preferredLanguage: lang, interpreterNeeded: false,
  });
  const [student, setStudent] = useState<StudentForm>(EMPTY_STUDENT);
  const [kase, setKase] = useState<CaseForm>(EMPTY_CASE);
  // One key per form: a retry after a lost answer gets the intake already recorded instead of a second one.
  const [idempotencyKey] = useState(newIdempotencyKey);
  const { busy, errors, fail, reset, run } = useAction(FIELDS);
  const typed = useSettled(f.displayName.trim(), 400);
  // the family name of a send whose answer was lost: that family may be recorded, whatever was typed since
  const lostAs = useRef<string | null>(null);
  const [recordedAs, setRecordedAs] = useState<string | null>(null);
  const mayLook = can("family:identity");
  const lookFor = mayLook ? recordedAs ?? (typed.length >= 3 ? typed : null) : null;
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
    return {
      ...fields,
      ...missingStudentFields(student, t("intake.required"), "student."),
      ...missingCaseFields(kase, t("intake.required"), "case."),
    };
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const empty = missing();
    if (Object.keys(empty).length) return fail(empty, [t("intake.fixFields")]);
    reset();
    const sentAs = f.displayName.trim();
    let answered = false;
    let caseId: string | undefined;
    await run(async () => {
      const r = await request(RecordIntakeDocument, {
        input: {
          family: {
            displayName: sentAs,
            chapterId: f.chapterId || null,
            guardians: f.guardianName.trim()
              ? [{ name: f.guardianName.trim(), relationship: f.relationship.trim() || null, language: f.preferredLanguage }]
              : [],
            phone: f.phone.trim() || null,
            email: f.email.trim() || null,
            preferredLanguage: f.preferredLanguage,
            interpreterNeeded: f.interpreterNeeded,
          },
          student: studentInput(student),
          case: { ...caseInput(kase), schoolId: student.schoolId || null },
          idempotencyKey,
        },
      });
      answered = true;
      caseId = r.recordIntake.case?.id;
      return r.recordIntake.errors;
    }, {
      // a send was recorded but its answer lost, and the form changed since: that intake is the family listed
      // above (looked up under the name it was sent with), not a second one
      onErrors: async (errs, mapped) => {
        if (!errs.some((e) => e.field === "idempotencyKey")) return mapped;
        const name = mayLook ? lostAs.current ?? lookFor : null;
        if (name && name === lookFor) await similar.reload();
        else if (name) setRecordedAs(name);
        return { fields: {}, general: [t("intake.alreadyRecorded")] };
      },
    });
    if (!answered) lostAs.current = sentAs; // no answer: it may have been recorded
    if (caseId) navigate(`/cases/${encodeURIComponent(caseId)}?created=1`);
  }

  return (
    <>
      <h1>{t("intake.title")}</h1>
      <p className="muted">{t("intake.intro")}</p>
      <form onSubmit={submit} noValidate>
        <FormErrors messages={errors.general} />
        <fieldset>
          <legend>{t("intake.family")}</legend>
          <Field label={t("family.displayName")} hint={t("family.displayNameHint")} error={errors.fields["family.displayName"]} required>
            {(p) => <input {...p} maxLength={MAX_LENGTH.name} value={f.displayName} onChange={set("displayName")} autoComplete="off" />}
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
              {(p) => <input {...p} maxLength={MAX_LENGTH.name} value={f.guardianName} onChange={set("guardianName")} autoComplete="off" />}
            </Field>
            <Field label={t("family.relationship")}>
              {(p) => <input {...p} maxLength={MAX_LENGTH.relationship} value={f.relationship} onChange={set("relationship")} autoComplete="off" />}
            </Field>
            <Field label={t("family.phone")} error={errors.fields["family.phone"]}>
              {(p) => <input {...p} type="tel" value={f.phone} onChange={set("phone")} autoComplete="off" />}
            </Field>
            <Field label={t("family.email")} error={errors.fields["family.email"]}>
              {(p) => <input {...p} type="email" value={f.email} onChange={set("email")} autoComplete="off" />}
            </Field>
          </div>
          <LanguageField value={f.preferredLanguage} onChange={(code) => setF({ ...f, preferredLanguage: code })}
            error={errors.fields["family.preferredLanguage"]} />
          <label className="checkbox">
            <input type="checkbox" checked={f.interpreterNeeded} onChange={(e) => setF({ ...f, interpreterNeeded: e.target.checked })} />
            {t("family.interpreterNeeded")}
          </label>
        </fieldset>

        <fieldset>
          <legend>{t("intake.student")}</legend>
          {/* the case's school is the student's: an error on either is said beside the one school field */}
          <StudentFields value={student} onChange={setStudent} errors={errors.fields} prefix="student." schools={schools}
            schoolError={errors.fields["case.schoolId"]} />
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
