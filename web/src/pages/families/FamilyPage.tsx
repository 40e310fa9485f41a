// One family: who they are, their students, the cases of theirs I may see, and (case:create) a new case for them:
// a returning family's new issue is opened here, not by a second intake that would record the family twice.
import { useState, type FormEvent, type ReactNode } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { graphql } from "../../gql";
import type { FamilyPageQuery } from "../../gql/graphql";
import { Field, FormErrors, LoadError, Loading, StatusBadge, usePageTitle } from "../../components/forms";
import { useI18n } from "../../i18n/I18n";
import { request } from "../../lib/graphql";
import { languageName } from "../../lib/languages";
import { useAction } from "../../lib/useAction";
import { useQuery } from "../../lib/useQuery";
import { useSession } from "../../lib/session";
import { useListReturn } from "../../lib/useAddressFilters";
import { StudentEditor } from "./StudentEditor";
import { EraseFamily } from "./EraseFamily";
import { FamilyEdit } from "./FamilyEdit";
import {
  CaseFields, caseFieldNames, CaseFormDataDocument, caseInput, EMPTY_CASE, missingCaseFields, type CaseForm,
} from "../cases/CaseFields";

const FamilyPageDocument = graphql(`
  query FamilyPage($id: ID!) {
    family(id: $id) {
      id displayName redacted phone email preferredLanguage interpreterNeeded version chapter { name }
      addressArea contactChannels contactNotes
      guardians { name relationship phone email language }
      students { id firstName lastName grade specialEducation englishLearner version redacted school { id name } }
      cases(first: 100) {
        pageInfo { hasNextPage }
        edges { node { id title status category categoryLabel openedOn overdue student { id } } }
      }
    }
  }
`);

const OpenCaseDocument = graphql(`
  mutation OpenCase($input: OpenCaseInput!) {
    openCase(input: $input) { case { id } errors { code message field } }
  }
`);

type FamilyData = NonNullable<FamilyPageQuery["family"]>;

export default function FamilyPage() {
  const { id = "" } = useParams();
  const { t, te, date, lang } = useI18n();
  const { can } = useSession();
  const { data, error, loading, reload } = useQuery(FamilyPageDocument, { id });
  const back = useListReturn("/families"); // the list as I left it (search, page) when I came from it
  const f = data?.family;
  const name = f ? (f.redacted ? t("case.redacted") : f.displayName ?? "") : t("family.pageTitle");
  usePageTitle(name);

  if (error) return <LoadError error={error} />;
  if (loading && !data) return <Loading />;
  if (!f) {
    return (
      <>
        <h1>{t("family.notFound")}</h1>
        <p>
          <Link to="/families">{t("nav.families")}</Link>
        </p>
      </>
    );
  }
  const person = (s: { firstName?: string | null; lastName?: string | null }) =>
    [s.firstName, s.lastName].filter(Boolean).join(" ") || t("case.redacted");
  const studentOf = new Map(f.students.map((s) => [s.id, person(s)]));

  return (
    <>
      <p>
        <Link to={back.to} state={back.state}>← {t("family.backToFamilies")}</Link>
      </p>
      <h1>{name}</h1>
      <section className="panel" aria-labelledby="family-facts">
        <h2 id="family-facts" className="sr-only">
          {t("family.facts")}
        </h2>
        <dl className="facts">
          <Fact label={t("family.guardian")}>
            {(f.guardians ?? [])
              .map((g) => [g.name, g.relationship && `(${g.relationship})`, g.phone].filter(Boolean).join(" "))
              .join("; ")}
          </Fact>
          <Fact label={t("family.phone")}>{f.phone}</Fact>
          <Fact label={t("family.email")}>{f.email}</Fact>
          <Fact label={t("family.contactChannels")}>{f.contactChannels.map((c) => te("ContactChannel", c)).join(", ")}</Fact>
          <Fact label={t("family.addressArea")}>{f.addressArea}</Fact>
          <Fact label={t("family.contactNotes")}>{f.contactNotes}</Fact>
          <Fact label={t("family.language")}>
            {languageName(lang, f.preferredLanguage)}
            {f.interpreterNeeded && ` · ${t("family.interpreterNeeded")}`}
          </Fact>
          <Fact label={t("family.chapter")}>{f.chapter?.name}</Fact>
        </dl>
      </section>
      {can("family:update") && !f.redacted && <FamilyEdit family={f} reload={reload} />}

      <section className="panel" aria-labelledby="family-students">
        <h2 id="family-students">{t("families.students")}</h2>
        {f.students.length === 0 ? (
          <p className="muted">{t("family.noStudents")}</p>
        ) : (
          <ul>
            {f.students.map((s) => (
              <li key={s.id}>
                {person(s)}
                {s.grade && ` · ${t("student.gradeN", { grade: s.grade })}`}
                {s.school && ` · ${s.school.name}`}
                {can("family:update") && !s.redacted && <StudentEditor familyId={f.id} student={s} reload={reload} />}
              </li>
            ))}
          </ul>
        )}
        {can("family:create") && !f.redacted && <StudentEditor familyId={f.id} reload={reload} />}
      </section>

      <section className="panel" aria-labelledby="family-cases">
        <h2 id="family-cases">{t("family.cases")}</h2>
        {f.cases.edges.length === 0 ? (
          <p className="muted">{t("family.noCases")}</p>
        ) : (
          <ul>
            {f.cases.edges.map(({ node: c }) => (
              <li key={c.id}>
                <Link to={`/cases/${encodeURIComponent(c.id)}`}>{c.title}</Link> <StatusBadge status={c.status} />{" "}
                <span className="muted">
                  {[te("CaseCategory", c.category, c.categoryLabel), c.student && studentOf.get(c.student.id), date(c.openedOn)]
                    .filter(Boolean)
                    .join(" · ")}
                </span>{" "}
                {c.overdue && <span className="badge overdue">{t("case.overdue")}</span>}
              </li>
            ))}
          </ul>
        )}
        {f.cases.pageInfo.hasNextPage && <p className="muted">{t("family.moreCases")}</p>}
      </section>
      {can("case:create") && <NewCase family={f} />}
      {can("family:erase") && !f.redacted && <EraseFamily family={f} />}
    </>
  );
}

/** A term and its description, left out when there is nothing to say. */
function Fact({ label, children }: { label: string; children: ReactNode }) {
  if (children == null || children === "" || children === false) return null;
  return (
    <>
      <dt>{label}</dt>
      <dd style={{ whiteSpace: "pre-wrap" }}>{children}</dd>
    </>
  );
}

function NewCase({ family }: { family: FamilyData }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const data = useQuery(CaseFormDataDocument, undefined, { skip: !open });
  const only = family.students.length === 1 ? family.students[0] : null;
  const [studentId, setStudentId] = useState(only?.id ?? "");
  const [kase, setKase] = useState<CaseForm>({ ...EMPTY_CASE, schoolId: only?.school?.id ?? "" });
  const { busy, errors, fail, run } = useAction(["studentId", ...caseFieldNames()]);

  function chooseStudent(id: string) {
    setStudentId(id);
    const school = family.students.find((s) => s.id === id)?.school?.id;
    if (school) setKase({ ...kase, schoolId: school }); // the student's school, which can be changed
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const empty = missingCaseFields(kase, t("intake.required"));
    if (Object.keys(empty).length) return fail(empty, [t("intake.fixFields")]);
    let caseId: string | undefined;
    await run(async () => {
      const r = await request(OpenCaseDocument, {
        input: { ...caseInput(kase), familyId: family.id, studentId: studentId || null, schoolId: kase.schoolId || null },
      });
      caseId = r.openCase.case?.id;
      return r.openCase.errors;
    });
    if (caseId) navigate(`/cases/${encodeURIComponent(caseId)}?created=1`);
  }

  if (!open) {
    return (
      <p>
        <button type="button" onClick={() => setOpen(true)}>
          {t("family.newCase")}
        </button>
      </p>
    );
  }
  return (
    <section className="panel" aria-labelledby="family-new-case">
      <h2 id="family-new-case">{t("family.newCase")}</h2>
      {data.error && <LoadError error={data.error} />}
      {data.loading && !data.data && <Loading />}
      {data.data && (
        <form onSubmit={submit} noValidate>
          <FormErrors messages={errors.general} />
          <Field label={t("family.caseStudent")} error={errors.fields.studentId}>
            {(p) => (
              <select {...p} value={studentId} onChange={(e) => chooseStudent(e.target.value)}>
                <option value="">{t("family.noStudent")}</option>
                {family.students.map((s) => (
                  <option key={s.id} value={s.id}>
                    {[s.firstName, s.lastName].filter(Boolean).join(" ") || t("case.redacted")}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <CaseFields
            value={kase}
            onChange={setKase}
            errors={errors.fields}
            taxonomy={data.data.caseTaxonomy}
            schools={data.data.schools.edges.map((e) => e.node)}
          />
          <div className="actions">
            <button type="submit" disabled={busy}>
              {t("family.openCase")}
            </button>
            <button type="button" className="secondary" disabled={busy} onClick={() => setOpen(false)}>
              {t("common.cancel")}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
