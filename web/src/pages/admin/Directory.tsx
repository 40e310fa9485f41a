// The directory (directory:manage): districts, their schools, contacts (with ladder level and issue areas)
// and calendars (closures), plus the CSV import with a progress indicator and a per-line report. Districts, schools
// and contacts are edited inline (Edit): the form sends only the fields changed, with the version it was based on.
import { Fragment, useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from "react";
import { graphql } from "../../gql";
import type { CaseCategory, DistrictDetailQuery, ImportDirectoryMutation } from "../../gql/graphql";
import { CheckGroup, Field, FormErrors, LoadError, Loading, usePageTitle, Notice } from "../../components/forms";
import { useI18n } from "../../i18n/I18n";
import { request } from "../../lib/graphql";
import { useQuery } from "../../lib/useQuery";
import { AdminNav } from "./shared";
import { ADMIN_WORDING } from "./errors";
import { useAction } from "../../lib/useAction";
import { joinDistinct } from "../../lib/text";
import { MAX_LENGTH } from "../../lib/limits";
import { changedFields, isConflict, keepMyEdits } from "../../lib/conflict";
import type { UserError } from "../../lib/errors";

const DirectoryDocument = graphql(`
  query Directory($search: String) {
    districts(search: $search, first: 100) { totalCount edges { node { id name state ncesId } } }
    escalationLadder { level name }
    caseTaxonomy { code label }
  }
`);
const DistrictDetailDocument = graphql(`
  query DistrictDetail($id: ID!) {
    node(id: $id) {
      ... on District {
        id name state ncesId version
        schools { id name level version }
        contacts(includeInactive: true) { id name title office email phone issueAreas ladderLevel active version school { id name } }
        closures { id name startsOn endsOn }
      }
    }
  }
`);
const CreateDistrictDocument = graphql(`
  mutation CreateDistrict($input: CreateDistrictInput!) {
    createDistrict(input: $input) { district { id name } errors { code message field } }
  }
`);
const CreateSchoolDocument = graphql(`
  mutation CreateSchool($input: CreateSchoolInput!) {
    createSchool(input: $input) { school { id name } errors { code message field } }
  }
`);
const CreateContactDocument = graphql(`
  mutation CreateDistrictContact($input: CreateDistrictContactInput!) {
    createDistrictContact(input: $input) { contact { id name } errors { code message field } }
  }
`);
const UpdateContactDocument = graphql(`
  mutation UpdateDistrictContact($input: UpdateDistrictContactInput!) {
    updateDistrictContact(input: $input) { contact { id active version } errors { code message field } }
  }
`);
const UpdateSchoolDocument = graphql(`
  mutation UpdateSchool($input: UpdateSchoolInput!) {
    updateSchool(input: $input) { school { id name level version } errors { code message field } }
  }
`);
const UpdateDistrictDocument = graphql(`
  mutation UpdateDistrict($input: UpdateDistrictInput!) {
    updateDistrict(input: $input) { district { id name state ncesId version } errors { code message field } }
  }
`);
const DeleteContactDocument = graphql(`
  mutation DeleteDistrictContact($input: DeleteDistrictContactInput!) {
    deleteDistrictContact(input: $input) { deletedId contact { id active } errors { code message field } }
  }
`);
const AddClosureDocument = graphql(`
  mutation AddDistrictClosure($input: AddDistrictClosureInput!) {
    addDistrictClosure(input: $input) { closure { id } errors { code message field } }
  }
`);
const RemoveClosureDocument = graphql(`
  mutation RemoveDistrictClosure($input: RemoveDistrictClosureInput!) {
    removeDistrictClosure(input: $input) { removedId errors { code message field } }
  }
`);
const ImportDirectoryDocument = graphql(`
  mutation ImportDirectory($input: ImportDirectoryInput!) {
    importDirectory(input: $input) {
      report {
        imported rowsImported districtsCreated districtsUpdated schoolsCreated schoolsUpdated contactsCreated contactsUpdated
        rowErrors { line message }
      }
      errors { code message field }
    }
  }
`);

type District = Extract<NonNullable<DistrictDetailQuery["node"]>, { schools: unknown }>;
type Contact = District["contacts"][number];
type School = District["schools"][number];
type Report = NonNullable<ImportDirectoryMutation["importDirectory"]["report"]>;
type Ladder = { level: number; name: string }[];
type Taxonomy = { code: CaseCategory; label: string }[];
type Errors = Record<string, string | undefined>;
type Setter<F> = <K extends keyof F>(key: K, value: F[K]) => void;

/** The entries of `values` named by `keys`: what an edit sends (only the fields changed). */
const pick = <F extends object>(values: F, keys: readonly (keyof F)[]): Partial<F> => Object.fromEntries(keys.map((k) => [k, values[k]])) as Partial<F>;

/**
 * Opening and closing one inline edit form at a time: the form takes the focus when it opens (its first field),
 * and gives it back to the Edit button that opened it when it closes (saved, cancelled or Escape).
 */
function useInlineEdit() {
  const [editing, setEditing] = useState<string | null>(null);
  const buttons = useRef(new Map<string, HTMLButtonElement>());
  const back = useRef<string | null>(null);
  useEffect(() => {
    if (editing !== null || back.current === null) return;
    buttons.current.get(back.current)?.focus();
    back.current = null;
  }, [editing]);
  return {
    editing,
    open: (id: string) => setEditing(id),
    close: (id: string) => {
      back.current = id;
      setEditing(null);
    },
    /** The ref of the Edit button of record `id`. */
    button: (id: string) => (el: HTMLButtonElement | null) => {
      if (el) buttons.current.set(id, el);
      else buttons.current.delete(id);
    },
  };
}

/** The button that opens record `id`'s inline edit form (named for screen readers by the record's name). */
function EditButton({ edit, id, name, label, className = "secondary", onOpen }: {
  edit: ReturnType<typeof useInlineEdit>; id: string; name: string; label: string; className?: string; onOpen(): void;
}) {
  return (
    <button
      type="button"
      className={className}
      ref={edit.button(id)}
      aria-expanded={edit.editing === id}
      onClick={() => {
        onOpen();
        edit.open(id);
      }}
    >
      {label}
      <span className="sr-only"> {name}</span>
    </button>
  );
}

/**
 * One record's inline edit form: prefilled with the record, it sends only the fields changed (with the version it
 * was based on). A CONFLICT on that version loads the latest and rebases the form on it, keeping my edits
 * (lib/conflict); saving again then works.
 */
function useRecordEditor<F extends object>(start: F, startVersion: number, known: readonly string[], tidy: (f: F) => F) {
  const { t } = useI18n();
  const action = useAction(known, ADMIN_WORDING);
  const [form, setForm] = useState(start);
  const [opened, setOpened] = useState(start); // the record as the form started from (or was rebased on)
  const [version, setVersion] = useState(startVersion);
  const set: Setter<F> = (key, value) => setForm((f) => ({ ...f, [key]: value }));
  /**
   * Sends the changed fields with `send`; `latest` fetches the record again after a CONFLICT (null: it is gone).
   * Resolves true when saved.
   */
  async function save(
    send: (changes: Partial<F>, version: number) => Promise<readonly UserError[]>,
    latest: () => Promise<{ form: F; version: number } | null>,
  ): Promise<boolean> {
    const mine = tidy(form);
    const changed = changedFields(tidy(opened), mine);
    if (!changed.length) {
      action.fail({}, [t("admin.directory.nothingChanged")]);
      return false;
    }
    return action.run(() => send(pick(mine, changed), version), {
      onErrors: async (errs, mapped) => {
        if (!isConflict(errs)) return mapped;
        const now = await latest();
        if (!now) return { fields: {}, general: [t("admin.directory.conflictGone")] };
        setForm((f) => keepMyEdits(f, opened, now.form));
        setOpened(now.form);
        setVersion(now.version);
        return { fields: {}, general: [t("admin.directory.conflict")] };
      },
    });
  }
  return { action, form, set, save };
}

/** The frame of an inline edit form: its heading, errors, the fields, Save and Cancel; Escape cancels too. */
function EditFrame({ title, busy, general, onSubmit, onCancel, children }: {
  title: string;
  busy: boolean;
  general: string[];
  onSubmit(e: FormEvent): void;
  onCancel(): void;
  children: ReactNode;
}) {
  const { t } = useI18n();
  const headingId = useId();
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => ref.current?.querySelector<HTMLElement>("input, select, textarea")?.focus(), []);
  return (
    <form
      ref={ref}
      className="edit-record"
      onSubmit={onSubmit}
      noValidate
      aria-labelledby={headingId}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.preventDefault();
          onCancel();
        }
      }}
    >
      <h4 id={headingId}>{title}</h4>
      <FormErrors messages={general} />
      {children}
      <div className="actions">
        <button type="submit" disabled={busy}>
          {t("common.save")}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}

// ---------------------------------------------------------------- districts

type DistrictForm = { name: string; state: string; ncesId: string };
const DISTRICT_FIELDS = ["name", "state", "ncesId"];
const tidyDistrict = (f: DistrictForm): DistrictForm => ({ name: f.name.trim(), state: f.state.trim().toUpperCase(), ncesId: f.ncesId.trim() });

function districtProblems(f: DistrictForm, t: (key: string) => string): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!f.name.trim()) problems.name = t("admin.directory.nameRequired");
  if (!/^[A-Za-z]{2}$/.test(f.state.trim())) problems.state = t("admin.directory.stateInvalid");
  return problems;
}

/** A district's fields, in the add form and in the edit form. */
function DistrictFields({ form, set, errors }: { form: DistrictForm; set: Setter<DistrictForm>; errors: Errors }) {
  const { t } = useI18n();
  return (
    <div className="grid2">
      <Field label={t("admin.directory.districtName")} error={errors.name} required>
        {(p) => <input {...p} value={form.name} onChange={(e) => set("name", e.target.value)} />}
      </Field>
      <Field label={t("admin.directory.state")} hint={t("admin.directory.stateHint")} error={errors.state} required>
        {(p) => <input {...p} value={form.state} maxLength={2} onChange={(e) => set("state", e.target.value)} />}
      </Field>
      <Field label={t("admin.directory.nces")} error={errors.ncesId}>
        {(p) => <input {...p} value={form.ncesId} onChange={(e) => set("ncesId", e.target.value)} />}
      </Field>
    </div>
  );
}

function NewDistrict({ done }: { done(id: string): Promise<unknown> }) {
  const { t } = useI18n();
  const action = useAction(DISTRICT_FIELDS, ADMIN_WORDING);
  const empty: DistrictForm = { name: "", state: "", ncesId: "" };
  const [form, setForm] = useState(empty);
  const set: Setter<DistrictForm> = (key, value) => setForm((f) => ({ ...f, [key]: value }));
  async function submit(e: FormEvent) {
    e.preventDefault();
    const problems = districtProblems(form, t);
    if (Object.keys(problems).length) return action.fail(problems);
    const input = tidyDistrict(form);
    let id = "";
    const ok = await action.run(async () => {
      const r = (await request(CreateDistrictDocument, { input: { ...input, ncesId: input.ncesId || null } })).createDistrict;
      id = r.district?.id ?? "";
      return r.errors;
    }, t("admin.directory.districtCreated", { name: input.name }));
    if (ok) {
      setForm(empty);
      await done(id);
    }
  }
  return (
    <details className="panel">
      <summary>{t("admin.directory.newDistrict")}</summary>
      <Notice message={action.message} />
      <form onSubmit={submit} noValidate>
        <FormErrors messages={action.errors.general} />
        <DistrictFields form={form} set={set} errors={action.errors.fields} />
        <button type="submit" disabled={action.busy}>
          {t("admin.directory.addDistrict")}
        </button>
      </form>
    </details>
  );
}

const districtForm = (d: District): DistrictForm => ({ name: d.name, state: d.state, ncesId: d.ncesId ?? "" });

function EditDistrict({ district, reload, close }: { district: District; reload(): Promise<DistrictDetailQuery | null>; close(message?: string): void }) {
  const { t } = useI18n();
  const { action, form, set, save } = useRecordEditor(districtForm(district), district.version, DISTRICT_FIELDS, tidyDistrict);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const problems = districtProblems(form, t);
    if (Object.keys(problems).length) return action.fail(problems);
    const saved = await save(
      async (changes, version) =>
        (await request(UpdateDistrictDocument, { input: { id: district.id, version, ...changes, ...("ncesId" in changes ? { ncesId: changes.ncesId || null } : {}) } })).updateDistrict.errors,
      async () => {
        const d = (await reload())?.node as District | null | undefined;
        return d && "schools" in d ? { form: districtForm(d), version: d.version } : null;
      },
    );
    if (!saved) return;
    await reload();
    close(t("admin.directory.districtSaved", { name: tidyDistrict(form).name }));
  }
  return (
    <EditFrame title={t("admin.directory.editDistrict", { name: district.name })} busy={action.busy} general={action.errors.general} onSubmit={submit} onCancel={() => close()}>
      <DistrictFields form={form} set={set} errors={action.errors.fields} />
    </EditFrame>
  );
}

// ---------------------------------------------------------------- schools

type SchoolForm = { name: string; level: string };
const SCHOOL_FIELDS = ["name", "level"];
const tidySchool = (f: SchoolForm): SchoolForm => ({ name: f.name.trim(), level: f.level.trim() || "K-12" });

/** A school's fields, in the add form and in the edit form. */
function SchoolFields({ form, set, errors }: { form: SchoolForm; set: Setter<SchoolForm>; errors: Errors }) {
  const { t } = useI18n();
  return (
    <>
      <Field label={t("admin.directory.schoolName")} error={errors.name} required>
        {(p) => <input {...p} value={form.name} onChange={(e) => set("name", e.target.value)} />}
      </Field>
      <Field label={t("admin.directory.grades")} hint={t("admin.directory.gradesHint")} error={errors.level}>
        {(p) => <input {...p} value={form.level} onChange={(e) => set("level", e.target.value)} />}
      </Field>
    </>
  );
}

function NewSchool({ district, done }: { district: District; done(): Promise<unknown> }) {
  const { t } = useI18n();
  const action = useAction(SCHOOL_FIELDS, ADMIN_WORDING);
  const [form, setForm] = useState<SchoolForm>({ name: "", level: "K-12" });
  const set: Setter<SchoolForm> = (key, value) => setForm((f) => ({ ...f, [key]: value }));
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!form.name.trim()) return action.fail({ name: t("admin.directory.nameRequired") });
    const input = tidySchool(form);
    if (
      await action.run(
        async () => (await request(CreateSchoolDocument, { input: { districtId: district.id, ...input } })).createSchool.errors,
        t("admin.directory.schoolCreated", { name: input.name }),
      )
    ) {
      set("name", "");
      await done();
    }
  }
  return (
    <form onSubmit={submit} noValidate aria-label={t("admin.directory.addSchool")}>
      <Notice message={action.message} />
      <FormErrors messages={action.errors.general} />
      <div className="inline-form">
        <SchoolFields form={form} set={set} errors={action.errors.fields} />
        <div className="field">
          <button type="submit" disabled={action.busy}>
            {t("admin.directory.addSchool")}
          </button>
        </div>
      </div>
    </form>
  );
}

const schoolForm = (s: School): SchoolForm => ({ name: s.name, level: s.level });

function EditSchool({ school, reload, close }: { school: School; reload(): Promise<DistrictDetailQuery | null>; close(message?: string): void }) {
  const { t } = useI18n();
  const { action, form, set, save } = useRecordEditor(schoolForm(school), school.version, SCHOOL_FIELDS, tidySchool);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!form.name.trim()) return action.fail({ name: t("admin.directory.nameRequired") });
    const saved = await save(
      async (changes, version) => (await request(UpdateSchoolDocument, { input: { id: school.id, version, ...changes } })).updateSchool.errors,
      async () => {
        const d = (await reload())?.node as District | null | undefined;
        const latest = d && "schools" in d ? d.schools.find((s) => s.id === school.id) : undefined;
        return latest ? { form: schoolForm(latest), version: latest.version } : null;
      },
    );
    if (!saved) return;
    await reload();
    close(t("admin.directory.schoolSaved", { name: tidySchool(form).name }));
  }
  return (
    <EditFrame title={t("admin.directory.editSchool", { name: school.name })} busy={action.busy} general={action.errors.general} onSubmit={submit} onCancel={() => close()}>
      <div className="inline-form">
        <SchoolFields form={form} set={set} errors={action.errors.fields} />
      </div>
    </EditFrame>
  );
}

function Schools({ district, reload }: { district: District; reload(): Promise<DistrictDetailQuery | null> }) {
  const { t } = useI18n();
  const edit = useInlineEdit();
  const [message, setMessage] = useState<string | null>(null);
  return (
    <section aria-labelledby="schools-h">
      <h3 id="schools-h">{t("admin.directory.schools")}</h3>
      <Notice message={message} />
      {district.schools.length === 0 ? (
        <p className="muted">{t("admin.directory.noSchools")}</p>
      ) : (
        <ul>
          {district.schools.map((s) => (
            <li key={s.id}>
              {s.name} <span className="muted">({s.level})</span>{" "}
              <EditButton edit={edit} id={s.id} name={s.name} label={t("admin.directory.edit")} className="link"
                onOpen={() => setMessage(null)} />
              {edit.editing === s.id && (
                <EditSchool
                  school={s}
                  reload={reload}
                  close={(saved) => {
                    if (saved) setMessage(saved);
                    edit.close(s.id);
                  }}
                />
              )}
            </li>
          ))}
        </ul>
      )}
      <NewSchool district={district} done={reload} />
    </section>
  );
}

// ---------------------------------------------------------------- contacts

type ContactForm = { name: string; title: string; office: string; email: string; phone: string; ladderLevel: string; schoolId: string; issueAreas: string[] };
const CONTACT_FIELDS = ["name", "title", "office", "email", "phone", "ladderLevel", "schoolId", "issueAreas"];
const EMPTY_CONTACT: ContactForm = { name: "", title: "", office: "", email: "", phone: "", ladderLevel: "", schoolId: "", issueAreas: [] };
const tidyContact = (f: ContactForm): ContactForm => ({
  ...f,
  name: f.name.trim(),
  title: f.title.trim(),
  office: f.office.trim(),
  email: f.email.trim(),
  phone: f.phone.trim(),
  issueAreas: [...f.issueAreas].sort(),
});
const contactForm = (c: Contact): ContactForm => ({
  name: c.name,
  title: c.title ?? "",
  office: c.office ?? "",
  email: c.email ?? "",
  phone: c.phone ?? "",
  ladderLevel: String(c.ladderLevel),
  schoolId: c.school?.id ?? "",
  issueAreas: [...c.issueAreas],
});

/** The contact's fields (of a tidied form) as the API takes them: empty text is null. */
function contactInput(f: Partial<ContactForm>) {
  const text = (v: string | undefined) => (v === undefined ? undefined : v || null);
  return {
    name: f.name,
    title: text(f.title),
    office: text(f.office),
    email: text(f.email),
    phone: text(f.phone),
    ladderLevel: f.ladderLevel === undefined ? undefined : Number(f.ladderLevel),
    schoolId: text(f.schoolId),
    issueAreas: f.issueAreas as CaseCategory[] | undefined,
  };
}

function contactProblems(f: ContactForm, t: (key: string) => string): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!f.name.trim()) problems.name = t("admin.directory.nameRequired");
  if (!f.ladderLevel) problems.ladderLevel = t("admin.directory.levelRequired");
  if (f.email.trim() && !/^\S+@\S+\.\S+$/.test(f.email.trim())) problems.email = t("admin.users.emailInvalid");
  return problems;
}

/** A contact's fields, in the add form and in the edit form. */
function ContactFields({ form, set, errors, district, ladder, taxonomy }: {
  form: ContactForm;
  set: Setter<ContactForm>;
  errors: Errors;
  district: District;
  ladder: Ladder;
  taxonomy: Taxonomy;
}) {
  const { t, te } = useI18n();
  return (
    <>
      <div className="grid2">
        <Field label={t("admin.directory.contactName")} error={errors.name} required>
          {(p) => <input {...p} maxLength={MAX_LENGTH.name} value={form.name} onChange={(e) => set("name", e.target.value)} />}
        </Field>
        <Field label={t("admin.directory.jobTitle")} error={errors.title}>
          {(p) => <input {...p} maxLength={MAX_LENGTH.name} value={form.title} onChange={(e) => set("title", e.target.value)} />}
        </Field>
        <Field label={t("admin.directory.office")} error={errors.office}>
          {(p) => <input {...p} maxLength={MAX_LENGTH.name} value={form.office} onChange={(e) => set("office", e.target.value)} />}
        </Field>
        <Field label={t("admin.directory.email")} error={errors.email}>
          {(p) => <input {...p} type="email" value={form.email} onChange={(e) => set("email", e.target.value)} />}
        </Field>
        <Field label={t("admin.directory.phone")} error={errors.phone}>
          {(p) => <input {...p} type="tel" value={form.phone} onChange={(e) => set("phone", e.target.value)} />}
        </Field>
        <Field label={t("admin.directory.ladderLevel")} error={errors.ladderLevel} required>
          {(p) => (
            <select {...p} value={form.ladderLevel} onChange={(e) => set("ladderLevel", e.target.value)}>
              <option value="">{t("common.choose")}</option>
              {ladder.map((l) => (
                <option key={l.level} value={String(l.level)}>
                  {l.level} · {l.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("admin.directory.school")} hint={t("admin.directory.schoolHint")} error={errors.schoolId}>
          {(p) => (
            <select {...p} value={form.schoolId} onChange={(e) => set("schoolId", e.target.value)}>
              <option value="">{t("admin.directory.districtOffice")}</option>
              {district.schools.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <CheckGroup
        legend={t("admin.directory.issueAreas")}
        hint={t("admin.directory.issueAreasHint")}
        options={taxonomy.map((c) => ({ value: c.code, label: te("CaseCategory", c.code, c.label) }))}
        value={form.issueAreas}
        onChange={(v) => set("issueAreas", v)}
        error={errors.issueAreas}
      />
    </>
  );
}

function NewContact({ district, ladder, taxonomy, done }: { district: District; ladder: Ladder; taxonomy: Taxonomy; done(): Promise<unknown> }) {
  const { t } = useI18n();
  const action = useAction(CONTACT_FIELDS, ADMIN_WORDING);
  const [form, setForm] = useState(EMPTY_CONTACT);
  const set: Setter<ContactForm> = (key, value) => setForm((f) => ({ ...f, [key]: value }));
  async function submit(e: FormEvent) {
    e.preventDefault();
    const problems = contactProblems(form, t);
    if (Object.keys(problems).length) return action.fail(problems);
    const fields = tidyContact(form);
    const input = { districtId: district.id, ...contactInput(fields), name: fields.name, ladderLevel: Number(fields.ladderLevel), issueAreas: fields.issueAreas as CaseCategory[] };
    if (await action.run(async () => (await request(CreateContactDocument, { input })).createDistrictContact.errors, t("admin.directory.contactCreated", { name: input.name }))) {
      setForm(EMPTY_CONTACT);
      await done();
    }
  }
  return (
    <form onSubmit={submit} noValidate aria-labelledby="new-contact-h">
      <h4 id="new-contact-h">{t("admin.directory.newContact")}</h4>
      <Notice message={action.message} />
      <FormErrors messages={action.errors.general} />
      <ContactFields form={form} set={set} errors={action.errors.fields} district={district} ladder={ladder} taxonomy={taxonomy} />
      <button type="submit" disabled={action.busy}>
        {t("admin.directory.addContact")}
      </button>
    </form>
  );
}

function EditContact({ contact, district, ladder, taxonomy, reload, close }: {
  contact: Contact;
  district: District;
  ladder: Ladder;
  taxonomy: Taxonomy;
  reload(): Promise<DistrictDetailQuery | null>;
  close(message?: string): void;
}) {
  const { t } = useI18n();
  const { action, form, set, save } = useRecordEditor(contactForm(contact), contact.version, CONTACT_FIELDS, tidyContact);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const problems = contactProblems(form, t);
    if (Object.keys(problems).length) return action.fail(problems);
    const saved = await save(
      async (changes, version) =>
        (await request(UpdateContactDocument, { input: { id: contact.id, version, ...contactInput(changes) } })).updateDistrictContact.errors,
      async () => {
        const d = (await reload())?.node as District | null | undefined;
        const latest = d && "contacts" in d ? d.contacts.find((c) => c.id === contact.id) : undefined;
        return latest ? { form: contactForm(latest), version: latest.version } : null;
      },
    );
    if (!saved) return;
    await reload();
    close(t("admin.directory.contactSaved", { name: tidyContact(form).name }));
  }
  return (
    <EditFrame title={t("admin.directory.editContact", { name: contact.name })} busy={action.busy} general={action.errors.general} onSubmit={submit} onCancel={() => close()}>
      <ContactFields form={form} set={set} errors={action.errors.fields} district={district} ladder={ladder} taxonomy={taxonomy} />
    </EditFrame>
  );
}

function Contacts({ district, ladder, taxonomy, reload }: { district: District; ladder: Ladder; taxonomy: Taxonomy; reload(): Promise<DistrictDetailQuery | null> }) {
  const { t, te } = useI18n();
  const action = useAction(["active", "id"], ADMIN_WORDING);
  const edit = useInlineEdit();
  const levelName = (n: number) => ladder.find((l) => l.level === n)?.name ?? String(n);
  return (
    <section aria-labelledby="contacts-h">
      <h3 id="contacts-h">{t("admin.directory.contacts")}</h3>
      <Notice message={action.message} />
      <FormErrors messages={[...action.errors.general, ...Object.values(action.errors.fields)]} />
      {district.contacts.length === 0 ? (
        <p className="muted">{t("admin.directory.noContacts")}</p>
      ) : (
        <div className="table-wrap">
          <table className="responsive admin">
            <caption className="sr-only">{t("admin.directory.contactsOf", { district: district.name })}</caption>
            <thead>
              <tr>
                <th scope="col">{t("admin.directory.contactName")}</th>
                <th scope="col">{t("admin.directory.ladderLevel")}</th>
                <th scope="col">{t("admin.directory.reach")}</th>
                <th scope="col">{t("admin.directory.issueAreas")}</th>
                <th scope="col">
                  <span className="sr-only">{t("admin.users.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {district.contacts.map((c) => (
                <Fragment key={c.id}>
                  <tr>
                    <td>
                      <strong>{c.name}</strong>
                      {!c.active && <span className="badge"> {t("admin.directory.inactive")}</span>}
                      <div className="muted">{joinDistinct([c.title, c.office, c.school?.name])}</div>
                    </td>
                    <td data-label={t("admin.directory.ladderLevel")}>
                      {c.ladderLevel} · {levelName(c.ladderLevel)}
                    </td>
                    <td data-label={t("admin.directory.reach")}>{[c.email, c.phone].filter(Boolean).join(" · ")}</td>
                    <td data-label={t("admin.directory.issueAreas")}>
                      {c.issueAreas.length ? c.issueAreas.map((a) => te("CaseCategory", a)).join(", ") : t("admin.directory.allIssues")}
                    </td>
                    <td>
                      <div className="actions" style={{ margin: 0 }}>
                        <EditButton edit={edit} id={c.id} name={c.name} label={t("admin.directory.edit")}
                          onOpen={action.reset} />
                        <button
                          type="button"
                          className="secondary"
                          disabled={action.busy}
                          onClick={async () => {
                            if (
                              await action.run(
                                async () => (await request(UpdateContactDocument, { input: { id: c.id, version: c.version, active: !c.active } })).updateDistrictContact.errors,
                                t(c.active ? "admin.directory.contactDeactivated" : "admin.directory.contactReactivated", { name: c.name }),
                              )
                            )
                              await reload();
                          }}
                        >
                          {t(c.active ? "admin.directory.deactivate" : "admin.directory.reactivate")}
                          <span className="sr-only"> {c.name}</span>
                        </button>
                        <button
                          type="button"
                          className="secondary"
                          disabled={action.busy}
                          onClick={async () => {
                            if (!window.confirm(t("admin.directory.confirmDelete", { name: c.name }))) return;
                            if (
                              await action.run(
                                async () => (await request(DeleteContactDocument, { input: { id: c.id, version: c.version } })).deleteDistrictContact.errors,
                                t("admin.directory.contactDeleted", { name: c.name }),
                              )
                            )
                              await reload();
                          }}
                        >
                          {t("admin.directory.delete")}
                          <span className="sr-only"> {c.name}</span>
                        </button>
                      </div>
                    </td>
                  </tr>
                  {edit.editing === c.id && (
                    <tr className="edit-row">
                      <td colSpan={5}>
                        <EditContact
                          contact={c}
                          district={district}
                          ladder={ladder}
                          taxonomy={taxonomy}
                          reload={reload}
                          close={(saved) => {
                            if (saved) action.setMessage(saved);
                            edit.close(c.id);
                          }}
                        />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <NewContact district={district} ladder={ladder} taxonomy={taxonomy} done={reload} />
    </section>
  );
}

function Closures({ district, reload }: { district: District; reload(): Promise<unknown> }) {
  const { t, date } = useI18n();
  const action = useAction(["name", "startsOn", "endsOn"], ADMIN_WORDING);
  const removal = useAction(["id"], ADMIN_WORDING);
  const [name, setName] = useState("");
  const [startsOn, setStartsOn] = useState("");
  const [endsOn, setEndsOn] = useState("");
  async function submit(e: FormEvent) {
    e.preventDefault();
    const problems: Record<string, string> = {};
    if (!name.trim()) problems.name = t("admin.directory.closureNameRequired");
    if (!startsOn) problems.startsOn = t("admin.directory.startRequired");
    if (startsOn && endsOn && endsOn < startsOn) problems.endsOn = t("admin.directory.endBeforeStart");
    if (Object.keys(problems).length) return action.fail(problems);
    if (
      await action.run(
        async () => (await request(AddClosureDocument, { input: { districtId: district.id, name: name.trim(), startsOn, endsOn: endsOn || null } })).addDistrictClosure.errors,
        t("admin.directory.closureAdded", { name: name.trim() }),
      )
    ) {
      setName("");
      setStartsOn("");
      setEndsOn("");
      await reload();
    }
  }
  return (
    <section aria-labelledby="closures-h">
      <h3 id="closures-h">{t("admin.directory.calendar")}</h3>
      <p className="muted">{t("admin.directory.calendarHint")}</p>
      <Notice message={removal.message} />
      <FormErrors messages={removal.errors.general} />
      {district.closures.length === 0 ? (
        <p className="muted">{t("admin.directory.noClosures")}</p>
      ) : (
        <ul className="plain">
          {district.closures.map((c) => (
            <li key={c.id}>
              {c.name}: {date(c.startsOn)}
              {c.endsOn !== c.startsOn && ` – ${date(c.endsOn)}`}{" "}
              <button
                type="button"
                className="link"
                disabled={removal.busy}
                onClick={async () => {
                  if (await removal.run(async () => (await request(RemoveClosureDocument, { input: { id: c.id } })).removeDistrictClosure.errors, t("admin.directory.closureRemoved", { name: c.name })))
                    await reload();
                }}
              >
                {t("admin.directory.remove")}
                <span className="sr-only"> {c.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={submit} noValidate aria-label={t("admin.directory.addClosure")}>
        <Notice message={action.message} />
        <FormErrors messages={action.errors.general} />
        <div className="inline-form">
          <Field label={t("admin.directory.closureName")} error={action.errors.fields.name} required>
            {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <Field label={t("admin.directory.startsOn")} error={action.errors.fields.startsOn} required>
            {(p) => <input {...p} type="date" value={startsOn} onChange={(e) => setStartsOn(e.target.value)} />}
          </Field>
          <Field label={t("admin.directory.endsOn")} hint={t("admin.directory.endsOnHint")} error={action.errors.fields.endsOn}>
            {(p) => <input {...p} type="date" value={endsOn} onChange={(e) => setEndsOn(e.target.value)} />}
          </Field>
          <div className="field">
            <button type="submit" disabled={action.busy}>
              {t("admin.directory.addClosure")}
            </button>
          </div>
        </div>
      </form>
    </section>
  );
}

function DistrictPanel({ id, ladder, taxonomy, changed }: { id: string; ladder: Ladder; taxonomy: Taxonomy; changed(): Promise<unknown> }) {
  const { t } = useI18n();
  const { data, error, loading, reload } = useQuery(DistrictDetailDocument, { id });
  const heading = useRef<HTMLHeadingElement>(null);
  const edit = useInlineEdit();
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => heading.current?.focus(), [id, data !== null]);
  if (error) return <LoadError error={error} />;
  if (loading && !data) return <Loading />;
  const district = data?.node as District | null | undefined;
  if (!district || !("schools" in district)) return <p>{t("admin.directory.districtNotFound")}</p>;
  return (
    <section className="panel" aria-labelledby="district-h">
      <h2 id="district-h" ref={heading} tabIndex={-1}>
        {district.name} <span className="muted">({district.state})</span>
      </h2>
      <Notice message={message} />
      <p>
        <EditButton edit={edit} id={district.id} name={district.name} label={t("admin.directory.editDistrictButton")}
          onOpen={() => setMessage(null)} />
      </p>
      {edit.editing === district.id && (
        <EditDistrict
          district={district}
          reload={async () => {
            const [latest] = await Promise.all([reload(), changed()]);
            return latest;
          }}
          close={(saved) => {
            if (saved) setMessage(saved);
            edit.close(district.id);
          }}
        />
      )}
      <Schools district={district} reload={reload} />
      <Contacts district={district} ladder={ladder} taxonomy={taxonomy} reload={reload} />
      <Closures district={district} reload={reload} />
    </section>
  );
}

function ImportCsv({ done }: { done(): Promise<unknown> }) {
  const { t, number } = useI18n();
  const action = useAction(["csv", "defaultState", "skipInvalid"], ADMIN_WORDING);
  const [csv, setCsv] = useState("");
  const [skipInvalid, setSkipInvalid] = useState(false);
  const [state, setState] = useState("");
  const [report, setReport] = useState<Report | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!csv.trim()) return action.fail({ csv: t("admin.import.csvRequired") });
    setReport(null);
    const ok = await action.run(async () => {
      const r = (await request(ImportDirectoryDocument, { input: { csv, skipInvalid, defaultState: state.trim().toUpperCase() || null } })).importDirectory;
      if (r.report) setReport(r.report);
      return r.errors;
    });
    if (ok) await done();
  }

  return (
    <details className="panel">
      <summary>{t("admin.import.title")}</summary>
      <p className="muted">{t("admin.import.intro")}</p>
      <form onSubmit={submit} noValidate aria-busy={action.busy}>
        <FormErrors messages={action.errors.general} />
        <Field label={t("admin.import.file")} hint={t("admin.import.fileHint")}>
          {(p) => (
            <input
              {...p}
              type="file"
              accept=".csv,text/csv"
              onChange={async (e) => {
                const file = e.target.files?.[0];
                if (file) setCsv(await file.text());
              }}
            />
          )}
        </Field>
        <Field label={t("admin.import.csv")} hint={t("admin.import.csvHint")} error={action.errors.fields.csv} required>
          {(p) => <textarea {...p} rows={8} spellCheck={false} value={csv} onChange={(e) => setCsv(e.target.value)} style={{ fontFamily: "ui-monospace, monospace" }} />}
        </Field>
        <div className="inline-form">
          <Field label={t("admin.import.defaultState")} hint={t("admin.import.defaultStateHint")} error={action.errors.fields.defaultState}>
            {(p) => <input {...p} maxLength={2} value={state} onChange={(e) => setState(e.target.value)} />}
          </Field>
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={skipInvalid} onChange={(e) => setSkipInvalid(e.target.checked)} />
          {t("admin.import.skipInvalid")}
        </label>
        <button type="submit" disabled={action.busy}>
          {action.busy ? t("admin.import.running") : t("admin.import.run")}
        </button>
      </form>
      <div role="status" aria-live="polite">
        {action.busy && (
          <p>
            <progress aria-label={t("admin.import.running")} /> {t("admin.import.running")}
          </p>
        )}
        {report && (
          <div className={report.imported ? "notice" : "warning"}>
            <p>
              <strong>{report.imported ? t("admin.import.done", { count: report.rowsImported, rows: number(report.rowsImported) }) : t("admin.import.nothing")}</strong>
            </p>
            {report.imported && (
              <p>
                {t("admin.import.summary", {
                  dc: number(report.districtsCreated),
                  du: number(report.districtsUpdated),
                  sc: number(report.schoolsCreated),
                  su: number(report.schoolsUpdated),
                  cc: number(report.contactsCreated),
                  cu: number(report.contactsUpdated),
                })}
              </p>
            )}
          </div>
        )}
      </div>
      {report && report.rowErrors.length > 0 && (
        <div className="form-errors">
          <p>{t("admin.import.rowErrors", { count: report.rowErrors.length })}</p>
          <ul>
            {report.rowErrors.map((r) => (
              <li key={`${r.line}-${r.message}`}>{t("admin.import.line", { line: r.line, message: r.message })}</li>
            ))}
          </ul>
        </div>
      )}
    </details>
  );
}

export default function Directory() {
  const { t, number } = useI18n();
  usePageTitle(t("admin.directory.title"));
  const [search, setSearch] = useState("");
  const [applied, setApplied] = useState("");
  const [selected, setSelected] = useState<string | null>(null);
  const { data, error, loading, reload } = useQuery(DirectoryDocument, { search: applied || null });
  const districts = data?.districts.edges.map((e) => e.node) ?? [];

  return (
    <>
      <AdminNav />
      <h1>{t("admin.directory.title")}</h1>
      <form
        role="search"
        aria-label={t("admin.directory.searchLabel")}
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(search.trim());
        }}
      >
        <Field label={t("admin.directory.search")}>
          {(p) => <input {...p} type="search" maxLength={MAX_LENGTH.search} value={search} onChange={(e) => setSearch(e.target.value)} />}
        </Field>
        <div className="field">
          <button type="submit">{t("admin.users.searchButton")}</button>
        </div>
      </form>
      {error && <LoadError error={error} />}
      {loading && !data && <Loading />}
      {data && (
        <>
          <section aria-labelledby="districts-h">
            <h2 id="districts-h">{t("admin.directory.districts", { count: data.districts.totalCount ?? districts.length, n: number(data.districts.totalCount ?? districts.length) })}</h2>
            {districts.length === 0 ? (
              <p className="muted">{t("admin.directory.noDistricts")}</p>
            ) : (
              <ul className="plain">
                {districts.map((d) => (
                  <li key={d.id}>
                    <button type="button" className="link" aria-pressed={selected === d.id} onClick={() => setSelected(d.id)}>
                      {d.name}
                    </button>{" "}
                    <span className="muted">
                      {d.state}
                      {d.ncesId && ` · NCES ${d.ncesId}`}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <NewDistrict
            done={async (id) => {
              await reload();
              if (id) setSelected(id);
            }}
          />
          {selected && <DistrictPanel key={selected} id={selected} ladder={data.escalationLadder} taxonomy={data.caseTaxonomy} changed={reload} />}
          <ImportCsv done={reload} />
        </>
      )}
    </>
  );
}
