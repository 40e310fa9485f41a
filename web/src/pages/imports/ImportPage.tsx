// Import families, students and cases from a CSV or Excel file: choose the file, match its columns to the
// import fields (or use a saved mapping), check it (dry run: every problem with its row and column), then import.
import { useMemo, useState, type FormEvent } from "react";
import { graphql } from "../../gql";
import type { ImportRecordsMutation } from "../../gql/graphql";
import { Field, FormErrors, LoadError, Loading, usePageTitle } from "../../components/forms";
import { useI18n } from "../../i18n/I18n";
import { describeError, type UserError } from "../../lib/errors";
import { fileToBase64 } from "../../lib/download";
import { RequestError, request } from "../../lib/graphql";
import { useQuery } from "../../lib/useQuery";
import { applySaved, autoMatch, csvHeader, duplicateColumns, toColumns, unmapped, type Mapping } from "./mapping";

const SetupDocument = graphql(`
  query ImportSetup {
    importFields { name entity description }
    importMappings { id name version columns { field column } updatedAt }
  }
`);

const ImportDocument = graphql(`
  mutation ImportRecords($input: ImportRecordsInput!) {
    importRecords(input: $input) {
      report {
        dryRun imported rows familiesCreated familiesUpdated studentsCreated studentsUpdated casesCreated casesUpdated
        problemCount unmappedColumns problems { row column field message }
      }
      errors { code message field }
    }
  }
`);

const CreateMappingDocument = graphql(`
  mutation CreateImportMapping($input: CreateImportMappingInput!) {
    createImportMapping(input: $input) { mapping { id name } errors { code message field } }
  }
`);

const UpdateMappingDocument = graphql(`
  mutation UpdateImportMapping($input: UpdateImportMappingInput!) {
    updateImportMapping(input: $input) { mapping { id name } errors { code message field } }
  }
`);

/** A column no file has: a dry run mapped to it lists every column of the file as unmapped (used for .xlsx). */
const NO_COLUMN = "\u2063advocase-list-columns\u2063";
const MAX_BYTES = 20 * 1024 * 1024;

interface Loaded {
  name: string;
  base64: string;
  headers: string[];
}

type Report = NonNullable<ImportRecordsMutation["importRecords"]["report"]>;

export default function ImportPage() {
  const { t, lang, number } = useI18n();
  usePageTitle(t("import.title"));
  const setup = useQuery(SetupDocument, {});
  const fields = useMemo(() => setup.data?.importFields ?? [], [setup.data]);
  const names = useMemo(() => fields.map((f) => f.name), [fields]);
  const [file, setFile] = useState<Loaded | null>(null);
  const [mapping, setMapping] = useState<Mapping>({});
  const [savedId, setSavedId] = useState("");
  const [mappingName, setMappingName] = useState("");
  const [report, setReport] = useState<Report | null>(null);
  const [checked, setChecked] = useState(false); // the report is a clean dry run of the current file and mapping
  const [busy, setBusy] = useState<string | null>(null);
  const [errors, setErrors] = useState<string[]>([]);
  const [fileError, setFileError] = useState<string | undefined>();
  const [status, setStatus] = useState("");

  function fail(e: unknown) {
    setErrors([describeError(e instanceof RequestError ? e : { code: "INTERNAL", message: "" }, t, lang)]);
  }

  function changeMapping(next: Mapping) {
    setMapping(next);
    setReport(null);
    setChecked(false);
  }

  async function choose(f: File | undefined) {
    setFile(null);
    setReport(null);
    setChecked(false);
    setErrors([]);
    setStatus("");
    setFileError(undefined);
    if (!f) return;
    const xlsx = /\.xlsx$/i.test(f.name);
    if (!xlsx && !/\.(csv|txt)$/i.test(f.name)) return setFileError(t("import.file.type"));
    if (f.size > MAX_BYTES) return setFileError(t("import.file.tooBig"));
    setBusy("read");
    setStatus(t("import.file.reading"));
    try {
      const base64 = await fileToBase64(f);
      let headers: string[];
      if (xlsx) {
        const r = await request(ImportDocument, {
          input: { fileName: f.name, contentBase64: base64, dryRun: true, columns: [{ field: names[0] ?? "family_name", column: NO_COLUMN }] },
        });
        const rep = r.importRecords.report;
        if (!rep) {
          setErrors(r.importRecords.errors.map((e) => describeError(e, t, lang)));
          setStatus("");
          return;
        }
        headers = rep.unmappedColumns;
      } else {
        headers = csvHeader(await f.slice(0, 256 * 1024).text());
      }
      if (headers.length === 0) {
        setFileError(t("import.file.noHeader"));
        setStatus("");
        return;
      }
      setFile({ name: f.name, base64, headers });
      const saved = setup.data?.importMappings.find((m) => m.id === savedId);
      setMapping(saved ? applySaved(saved.columns, headers) : autoMatch(headers, names));
      setStatus(t("import.file.read", { count: headers.length, n: number(headers.length), file: f.name }));
    } catch (e) {
      fail(e);
      setStatus("");
    } finally {
      setBusy(null);
    }
  }

  function pickSaved(id: string) {
    setSavedId(id);
    const saved = setup.data?.importMappings.find((m) => m.id === id);
    setMappingName(saved?.name ?? "");
    if (file) changeMapping(saved ? applySaved(saved.columns, file.headers) : autoMatch(file.headers, names));
  }

  async function saveMapping() {
    setErrors([]);
    setStatus("");
    const columns = toColumns(mapping, names);
    if (!mappingName.trim()) return setErrors([t("import.mapping.nameNeeded")]);
    setBusy("save");
    try {
      let errs: readonly UserError[];
      let id: string | undefined;
      if (savedId) {
        const version = setup.data?.importMappings.find((m) => m.id === savedId)?.version ?? 0;
        const r = await request(UpdateMappingDocument, { input: { id: savedId, version, name: mappingName.trim(), columns } });
        errs = r.updateImportMapping.errors;
        id = r.updateImportMapping.mapping?.id;
      } else {
        const r = await request(CreateMappingDocument, { input: { name: mappingName.trim(), columns } });
        errs = r.createImportMapping.errors;
        id = r.createImportMapping.mapping?.id;
      }
      if (errs.length) return setErrors(errs.map((e) => describeError(e, t, lang)));
      await setup.reload();
      if (id) setSavedId(id);
      setStatus(t("import.mapping.saved", { name: mappingName.trim() }));
    } catch (e) {
      fail(e);
    } finally {
      setBusy(null);
    }
  }

  async function submit(dryRun: boolean) {
    if (!file) return;
    setErrors([]);
    setBusy(dryRun ? "check" : "import");
    setStatus(t(dryRun ? "import.checking" : "import.importing"));
    try {
      const r = await request(ImportDocument, {
        input: { fileName: file.name, contentBase64: file.base64, dryRun, columns: toColumns(mapping, names) },
      });
      const rep = r.importRecords.report;
      setReport(rep ?? null);
      if (!rep) {
        setErrors(r.importRecords.errors.map((e) => describeError(e, t, lang)));
        setStatus("");
        return;
      }
      setChecked(dryRun && rep.problemCount === 0);
      if (rep.problemCount > 0) setStatus(t("import.problemsFound", { count: rep.problemCount, n: number(rep.problemCount) }));
      else if (dryRun) setStatus(t("import.checkedClean", { count: rep.rows, n: number(rep.rows) }));
      else {
        setStatus(t("import.done", { count: rep.rows, n: number(rep.rows) }));
        setChecked(false);
      }
    } catch (e) {
      fail(e);
      setStatus("");
    } finally {
      setBusy(null);
    }
  }

  if (setup.error) return <LoadError error={setup.error} />;
  if (!setup.data) return <Loading />;
  const dups = duplicateColumns(mapping);
  const entities = [...new Set(fields.map((f) => f.entity))];
  const counts = report && [
    ["import.count.families", report.familiesCreated, report.familiesUpdated],
    ["import.count.students", report.studentsCreated, report.studentsUpdated],
    ["import.count.cases", report.casesCreated, report.casesUpdated],
  ] as const;

  return (
    <>
      <h1>{t("import.title")}</h1>
      <p>{t("import.intro")}</p>
      <FormErrors messages={errors} />
      <p role="status" aria-live="polite" className={status ? "notice" : undefined} aria-busy={busy !== null}>
        {status}
      </p>

      <section aria-labelledby="import-file">
        <h2 id="import-file">{t("import.step.file")}</h2>
        <Field label={t("import.file.label")} hint={t("import.file.hint")} error={fileError}>
          {(p) => (
            <input
              {...p}
              type="file"
              accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              disabled={busy !== null}
              onChange={(e) => void choose(e.target.files?.[0])}
            />
          )}
        </Field>
      </section>

      {file && (
        <form
          aria-labelledby="import-mapping"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            void submit(true);
          }}
        >
          <h2 id="import-mapping">{t("import.step.mapping")}</h2>
          <div className="filters">
            <Field label={t("import.mapping.saved.label")} hint={t("import.mapping.saved.hint")}>
              {(p) => (
                <select {...p} value={savedId} onChange={(e) => pickSaved(e.target.value)}>
                  <option value="">{t("import.mapping.auto")}</option>
                  {setup.data!.importMappings.map((m) => (
                    <option key={m.id} value={m.id}>
                      {m.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t("import.mapping.name")} hint={t("import.mapping.nameHint")}>
              {(p) => <input {...p} value={mappingName} onChange={(e) => setMappingName(e.target.value)} />}
            </Field>
          </div>
          <div className="actions">
            <button type="button" className="secondary" disabled={busy !== null} onClick={() => void saveMapping()}>
              {savedId ? t("import.mapping.update") : t("import.mapping.save")}
            </button>
          </div>
          {entities.map((entity) => (
            <fieldset key={entity}>
              <legend>{t(`import.entity.${entity}`)}</legend>
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t("import.mapping.field")}</th>
                      <th scope="col">{t("import.mapping.column")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {fields
                      .filter((f) => f.entity === entity)
                      .map((f) => (
                        <tr key={f.name}>
                          <th scope="row">
                            <label htmlFor={`map-${f.name}`}>
                              <code>{f.name}</code>
                            </label>
                            <div className="muted" id={`map-${f.name}-hint`}>
                              {f.description}
                            </div>
                          </th>
                          <td>
                            <select
                              id={`map-${f.name}`}
                              aria-describedby={`map-${f.name}-hint`}
                              value={mapping[f.name] ?? ""}
                              onChange={(e) => changeMapping({ ...mapping, [f.name]: e.target.value })}
                            >
                              <option value="">{t("import.mapping.none")}</option>
                              {file.headers.map((h) => (
                                <option key={h} value={h}>
                                  {h}
                                </option>
                              ))}
                            </select>
                          </td>
                        </tr>
                      ))}
                  </tbody>
                </table>
              </div>
            </fieldset>
          ))}
          {unmapped(mapping, file.headers).length > 0 && (
            <p className="muted">{t("import.mapping.unmapped", { columns: unmapped(mapping, file.headers).join(", ") })}</p>
          )}
          {dups.length > 0 && <p className="error">{t("import.mapping.duplicate", { columns: dups.join(", ") })}</p>}

          <h2>{t("import.step.check")}</h2>
          <div className="actions">
            <button type="submit" disabled={busy !== null}>
              {busy === "check" ? t("import.checking") : t("import.check")}
            </button>
            <button type="button" disabled={busy !== null || !checked} onClick={() => void submit(false)}>
              {busy === "import" ? t("import.importing") : t("import.run")}
            </button>
          </div>
          {!checked && !report && <p className="hint">{t("import.runHint")}</p>}
        </form>
      )}

      {report && (
        <section aria-labelledby="import-report">
          <h2 id="import-report">{report.dryRun ? t("import.report.dryRun") : t("import.report.import")}</h2>
          <p>{t("import.report.rows", { count: report.rows, n: number(report.rows) })}</p>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("import.report.what")}</th>
                  <th scope="col">{report.dryRun ? t("import.report.wouldCreate") : t("import.report.created")}</th>
                  <th scope="col">{report.dryRun ? t("import.report.wouldUpdate") : t("import.report.updated")}</th>
                </tr>
              </thead>
              <tbody>
                {counts!.map(([label, created, updated]) => (
                  <tr key={label}>
                    <th scope="row">{t(label)}</th>
                    <td>{number(created)}</td>
                    <td>{number(updated)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {report.problemCount > 0 && (
            <>
              <h3>{t("import.problems", { count: report.problemCount, n: number(report.problemCount) })}</h3>
              {!report.dryRun && <p>{t("import.nothingImported")}</p>}
              <div className="table-wrap">
                <table className="problems">
                  <caption className="muted" style={{ textAlign: "left" }}>
                    {t("import.problemsCaption")}
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">{t("import.problem.row")}</th>
                      <th scope="col">{t("import.problem.column")}</th>
                      <th scope="col">{t("import.problem.field")}</th>
                      <th scope="col">{t("import.problem.message")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {report.problems.map((p, i) => (
                      <tr key={i}>
                        <td>{number(p.row)}</td>
                        <td>{p.column ?? ""}</td>
                        <td>{p.field ? <code>{p.field}</code> : ""}</td>
                        <td>{p.message}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </section>
      )}
    </>
  );
}
