// The directory (directory:manage): districts, their schools, contacts (with ladder level and issue areas)
// and calendars (closures), plus the CSV import with a progress indicator and a per-line report.
import { useEffect, useRef, useState, type FormEvent } from "react";
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
        id name state ncesId
        schools { id name level }
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
type Report = NonNullable<ImportDirectoryMutation["importDirectory"]["report"]>;
type Ladder = { level: number; name: string }[];
type Taxonomy = { code: CaseCategory; label: string }[];

function NewDistrict({ done }: { done(id: string): Promise<unknown> }) {
  const { t } = useI18n();
  const action = useAction(["name", "state", "ncesId"], ADMIN_WORDING);
  const [name, setName] = useState("");
  const [state, setState] = useState("");
  const [nces, setNces] = useState("");
  async function submit(e: FormEvent) {
    e.preventDefault();
    const fields: Record<string, string> = {};
    if (!name.trim()) fields.name = t("admin.directory.nameRequired");
    if (!/^[A-Za-z]{2}$/.test(state.trim())) fields.state = t("admin.directory.stateInvalid");
    if (Object.keys(fields).length) return action.fail(fields);
    let id = "";
    const ok = await action.run(async () => {
      const r = (await request(CreateDistrictDocument, { input: { name: name.trim(), state: state.trim().toUpperCase(), ncesId: nces.trim() || null } })).createDistrict;
      id = r.district?.id ?? "";
      return r.errors;
    }, t("admin.directory.districtCreated", { name: name.trim() }));
    if (ok) {
      setName("");
      setState("");
      setNces("");
      await done(id);
    }
  }
  return (
    <details className="panel">
      <summary>{t("admin.directory.newDistrict")}</summary>
      <Notice message={action.message} />
      <form onSubmit={submit} noValidate>
        <FormErrors messages={action.errors.general} />
        <div className="grid2">
          <Field label={t("admin.directory.districtName")} error={action.errors.fields.name} required>
            {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <Field label={t("admin.directory.state")} hint={t("admin.directory.stateHint")} error={action.errors.fields.state} required>
            {(p) => <input {...p} value={state} maxLength={2} onChange={(e) => setState(e.target.value)} />}
          </Field>
          <Field label={t("admin.directory.nces")} error={action.errors.fields.ncesId}>
            {(p) => <input {...p} value={nces} onChange={(e) => setNces(e.target.value)} />}
          </Field>
        </div>
        <button type="submit" disabled={action.busy}>
          {t("admin.directory.addDistrict")}
        </button>
      </form>
    </details>
  );
}

function NewSchool({ district, done }: { district: District; done(): Promise<unknown> }) {
  const { t } = useI18n();
  const action = useAction(["name", "level"], ADMIN_WORDING);
  const [name, setName] = useState("");
  const [level, setLevel] = useState("K-12");
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!name.trim()) return action.fail({ name: t("admin.directory.nameRequired") });
    if (
      await action.run(
        async () => (await request(CreateSchoolDocument, { input: { districtId: district.id, name: name.trim(), level: level.trim() || "K-12" } })).createSchool.errors,
        t("admin.directory.schoolCreated", { name: name.trim() }),
      )
    ) {
      setName("");
      await done();
    }
  }
  return (
    <form onSubmit={submit} noValidate aria-label={t("admin.directory.addSchool")}>
      <Notice message={action.message} />
      <FormErrors messages={action.errors.general} />
      <div className="inline-form">
        <Field label={t("admin.directory.schoolName")} error={action.errors.fields.name} required>
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label={t("admin.directory.grades")} hint={t("admin.directory.gradesHint")} error={action.errors.fields.level}>
          {(p) => <input {...p} value={level} onChange={(e) => setLevel(e.target.value)} />}
        </Field>
        <div className="field">
          <button type="submit" disabled={action.busy}>
            {t("admin.directory.addSchool")}
          </button>
        </div>
      </div>
    </form>
  );
}

function NewContact({ district, ladder, taxonomy, done }: { district: District; ladder: Ladder; taxonomy: Taxonomy; done(): Promise<unknown> }) {
  const { t, te } = useI18n();
  const fields = ["name", "title", "office", "email", "phone", "ladderLevel", "schoolId", "issueAreas"];
  const action = useAction(fields, ADMIN_WORDING);
  const empty = { name: "", title: "", office: "", email: "", phone: "", ladderLevel: "", schoolId: "" };
  const [form, setForm] = useState(empty);
  const [areas, setAreas] = useState<string[]>([]);
  const set = (k: keyof typeof empty, v: string) => setForm({ ...form, [k]: v });
  async function submit(e: FormEvent) {
    e.preventDefault();
    const problems: Record<string, string> = {};
    if (!form.name.trim()) problems.name = t("admin.directory.nameRequired");
    if (!form.ladderLevel) problems.ladderLevel = t("admin.directory.levelRequired");
    if (form.email.trim() && !/^\S+@\S+\.\S+$/.test(form.email.trim())) problems.email = t("admin.users.emailInvalid");
    if (Object.keys(problems).length) return action.fail(problems);
    const input = {
      districtId: district.id,
      name: form.name.trim(),
      title: form.title.trim() || null,
      office: form.office.trim() || null,
      email: form.email.trim() || null,
      phone: form.phone.trim() || null,
      ladderLevel: Number(form.ladderLevel),
      schoolId: form.schoolId || null,
      issueAreas: areas as CaseCategory[],
    };
    if (await action.run(async () => (await request(CreateContactDocument, { input })).createDistrictContact.errors, t("admin.directory.contactCreated", { name: input.name }))) {
      setForm(empty);
      setAreas([]);
      await done();
    }
  }
  return (
    <form onSubmit={submit} noValidate aria-labelledby="new-contact-h">
      <h4 id="new-contact-h">{t("admin.directory.newContact")}</h4>
      <Notice message={action.message} />
      <FormErrors messages={action.errors.general} />
      <div className="grid2">
        <Field label={t("admin.directory.contactName")} error={action.errors.fields.name} required>
          {(p) => <input {...p} maxLength={MAX_LENGTH.name} value={form.name} onChange={(e) => set("name", e.target.value)} />}
        </Field>
        <Field label={t("admin.directory.jobTitle")} error={action.errors.fields.title}>
          {(p) => <input {...p} maxLength={MAX_LENGTH.name} value={form.title} onChange={(e) => set("title", e.target.value)} />}
        </Field>
        <Field label={t("admin.directory.office")} error={action.errors.fields.office}>
          {(p) => <input {...p} maxLength={MAX_LENGTH.name} value={form.office} onChange={(e) => set("office", e.target.value)} />}
        </Field>
        <Field label={t("admin.directory.email")} error={action.errors.fields.email}>
          {(p) => <input {...p} type="email" value={form.email} onChange={(e) => set("email", e.target.value)} />}
        </Field>
        <Field label={t("admin.directory.phone")} error={action.errors.fields.phone}>
          {(p) => <input {...p} type="tel" value={form.phone} onChange={(e) => set("phone", e.target.value)} />}
        </Field>
        <Field label={t("admin.directory.ladderLevel")} error={action.errors.fields.ladderLevel} required>
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
        <Field label={t("admin.directory.school")} hint={t("admin.directory.schoolHint")} error={action.errors.fields.schoolId}>
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
        value={areas}
        onChange={setAreas}
        error={action.errors.fields.issueAreas}
      />
      <button type="submit" disabled={action.busy}>
        {t("admin.directory.addContact")}
      </button>
    </form>
  );
}

function Contacts({ district, ladder, taxonomy, reload }: { district: District; ladder: Ladder; taxonomy: Taxonomy; reload(): Promise<unknown> }) {
  const { t, te } = useI18n();
  const action = useAction(["active", "id"], ADMIN_WORDING);
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
                <tr key={c.id}>
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

function DistrictPanel({ id, ladder, taxonomy }: { id: string; ladder: Ladder; taxonomy: Taxonomy }) {
  const { t } = useI18n();
  const { data, error, loading, reload } = useQuery(DistrictDetailDocument, { id });
  const heading = useRef<HTMLHeadingElement>(null);
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
      <section aria-labelledby="schools-h">
        <h3 id="schools-h">{t("admin.directory.schools")}</h3>
        {district.schools.length === 0 ? (
          <p className="muted">{t("admin.directory.noSchools")}</p>
        ) : (
          <ul>
            {district.schools.map((s) => (
              <li key={s.id}>
                {s.name} <span className="muted">({s.level})</span>
              </li>
            ))}
          </ul>
        )}
        <NewSchool district={district} done={reload} />
      </section>
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
          {selected && <DistrictPanel key={selected} id={selected} ladder={data.escalationLadder} taxonomy={data.caseTaxonomy} />}
          <ImportCsv done={reload} />
        </>
      )}
    </>
  );
}
