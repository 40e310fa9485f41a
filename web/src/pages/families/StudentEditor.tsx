// Adding a student to a family (family:create: a sibling, say, whose issue is a new case of the same family), or
// correcting one (family:update: a new grade or school). An edit sends only the fields changed, with the version
// read; if someone else saved the student meanwhile, the page shows theirs and the form keeps mine.
import { useState, type FormEvent } from "react";
import { graphql } from "../../gql";
import type { FamilyPageQuery } from "../../gql/graphql";
import { FormErrors, LoadError, Loading, Notice } from "../../components/forms";
import { useI18n } from "../../i18n/I18n";
import { request } from "../../lib/graphql";
import { useAction } from "../../lib/useAction";
import { useQuery } from "../../lib/useQuery";
import { CaseFormDataDocument } from "../cases/CaseFields";
import { isConflict } from "../cases/case/shared";
import {
  EMPTY_STUDENT, missingStudentFields, StudentFields, studentFieldNames, studentInput, type StudentForm,
} from "../cases/StudentFields";

const CreateStudentDocument = graphql(`
  mutation CreateStudent($input: CreateStudentInput!) {
    createStudent(input: $input) { student { id } errors { code message field } }
  }
`);

const UpdateStudentDocument = graphql(`
  mutation UpdateStudent($input: UpdateStudentInput!) {
    updateStudent(input: $input) { student { id version } errors { code message field } }
  }
`);

type Student = NonNullable<FamilyPageQuery["family"]>["students"][number];

function formOf(s: Student): StudentForm {
  return {
    firstName: s.firstName ?? "", lastName: s.lastName ?? "", grade: s.grade ?? "", schoolId: s.school?.id ?? "",
    specialEducation: s.specialEducation, englishLearner: s.englishLearner,
  };
}

/** `student`: edit that one; else add one to the family. */
export function StudentEditor({ familyId, student, reload }: { familyId: string; student?: Student; reload(): Promise<unknown> }) {
  const { t } = useI18n();
  const [form, setForm] = useState<StudentForm | null>(null);
  const [opened, setOpened] = useState<StudentForm>(EMPTY_STUDENT); // what the form started from
  const data = useQuery(CaseFormDataDocument, undefined, { skip: !form });
  const action = useAction(studentFieldNames());
  const label = student
    ? t("family.editStudent", { name: [student.firstName, student.lastName].filter(Boolean).join(" ") })
    : t("family.addStudent");

  async function save(e: FormEvent) {
    e.preventDefault();
    if (!form) return;
    const empty = missingStudentFields(form, t("intake.required"));
    if (Object.keys(empty).length) return action.fail(empty, [t("intake.fixFields")]);
    const name = `${form.firstName.trim()} ${form.lastName.trim()}`;
    let ok: boolean;
    if (!student) {
      ok = await action.run(
        async () => (await request(CreateStudentDocument, { input: { familyId, ...studentInput(form) } })).createStudent.errors,
        t("family.studentAdded", { name }),
      );
    } else {
      const was = studentInput(opened); // only what I changed: someone else's changes to other fields stay
      const now = studentInput(form);
      const changed = Object.fromEntries(Object.entries(now).filter(([k, v]) => was[k as keyof typeof was] !== v));
      if (Object.keys(changed).length === 0) return setForm(null);
      ok = await action.run(
        async () =>
          (await request(UpdateStudentDocument, { input: { id: student.id, version: student.version, ...changed } })).updateStudent.errors,
        {
          success: t("family.studentSaved", { name }),
          onErrors: async (errs, mapped) => {
            if (!isConflict(errs)) return mapped;
            await reload(); // the page shows theirs; saving again puts mine over them
            return { fields: {}, general: [t("family.studentConflict")] };
          },
        },
      );
    }
    if (ok) {
      setForm(null);
      await reload();
    }
  }

  if (!form) {
    return (
      <>
        <button type="button" className="secondary" onClick={() => {
            const start = student ? formOf(student) : EMPTY_STUDENT;
            action.reset();
            setForm(start);
            setOpened(start);
          }}>
          {label}
        </button>
        <Notice message={action.message} />
      </>
    );
  }
  return (
    <form onSubmit={save} noValidate aria-label={label}>
      <FormErrors messages={action.errors.general} />
      {data.error && <LoadError error={data.error} />}
      {data.loading && !data.data && <Loading />}
      {data.data && (
        <StudentFields value={form} onChange={setForm} errors={action.errors.fields} schools={data.data.schools.edges.map((e) => e.node)} />
      )}
      <div className="actions">
        <button type="submit" disabled={action.busy || !data.data}>
          {t("family.saveStudent")}
        </button>
        <button type="button" className="secondary" disabled={action.busy} onClick={() => setForm(null)}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}
