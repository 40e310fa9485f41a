// Adding a student to a family (family:create): a sibling, say, whose issue is a new case of the same family.
import { useState, type FormEvent } from "react";
import { graphql } from "../../gql";
import { FormErrors, LoadError, Loading, Notice } from "../../components/forms";
import { useI18n } from "../../i18n/I18n";
import { request } from "../../lib/graphql";
import { useAction } from "../../lib/useAction";
import { useQuery } from "../../lib/useQuery";
import { CaseFormDataDocument } from "../cases/CaseFields";
import {
  EMPTY_STUDENT, missingStudentFields, StudentFields, studentFieldNames, studentInput, type StudentForm,
} from "../cases/StudentFields";

const CreateStudentDocument = graphql(`
  mutation CreateStudent($input: CreateStudentInput!) {
    createStudent(input: $input) { student { id } errors { code message field } }
  }
`);

export function AddStudent({ familyId, reload }: { familyId: string; reload(): Promise<unknown> }) {
  const { t } = useI18n();
  const [form, setForm] = useState<StudentForm | null>(null);
  const data = useQuery(CaseFormDataDocument, undefined, { skip: !form });
  const action = useAction(studentFieldNames());

  async function save(e: FormEvent) {
    e.preventDefault();
    if (!form) return;
    const empty = missingStudentFields(form, t("intake.required"));
    if (Object.keys(empty).length) return action.fail(empty, [t("intake.fixFields")]);
    const ok = await action.run(
      async () => (await request(CreateStudentDocument, { input: { familyId, ...studentInput(form) } })).createStudent.errors,
      t("family.studentAdded", { name: `${form.firstName.trim()} ${form.lastName.trim()}` }),
    );
    if (ok) {
      setForm(null);
      await reload();
    }
  }

  if (!form) {
    return (
      <>
        <p>
          <button type="button" className="secondary" onClick={() => { action.reset(); setForm(EMPTY_STUDENT); }}>
            {t("family.addStudent")}
          </button>
        </p>
        <Notice message={action.message} />
      </>
    );
  }
  return (
    <form onSubmit={save} noValidate aria-label={t("family.addStudent")}>
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
