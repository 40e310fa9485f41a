// "Export CSV" / "Export Excel" for the caseload's current filter (case:export). The server returns the file
// in the response; the browser saves it from a Blob.
import { useState } from "react";
import { graphql } from "../../gql";
import type { CaseFilter, FileFormat } from "../../gql/graphql";
import { FormErrors } from "../../components/forms";
import { useI18n } from "../../i18n/I18n";
import { saveFile } from "../../lib/download";
import { request } from "../../lib/graphql";
import { useAction } from "../../lib/useAction";

const ExportDocument = graphql(`
  mutation ExportCases($input: ExportCasesInput!) {
    exportCases(input: $input) {
      file { fileName contentType contentBase64 rowCount truncated }
      errors { code message field }
    }
  }
`);

const NO_FILE = [{ code: "INTERNAL", message: "" }]; // no error and no file: said as an unexpected failure

export function CaseloadExport({ filter }: { filter: CaseFilter }) {
  const { t, number } = useI18n();
  const action = useAction([]);
  const [format, setFormat] = useState<FileFormat | null>(null);

  async function run(chosen: FileFormat) {
    setFormat(chosen);
    const out: { saved?: { fileName: string; rowCount: number; truncated: boolean } } = {};
    await action.run(async () => {
      const { file, errors } = (await request(ExportDocument, { input: { filter, format: chosen } })).exportCases;
      if (errors.length || !file) return errors.length ? errors : NO_FILE;
      saveFile(file);
      out.saved = file;
      return [];
    });
    setFormat(null);
    const done = out.saved;
    if (done) {
      action.setMessage(
        t(done.truncated ? "caseload.export.truncated" : "caseload.export.done", {
          count: done.rowCount,
          n: number(done.rowCount),
          file: done.fileName,
        }),
      );
    }
  }

  const busy = action.busy ? format : null;
  return (
    <div className="export" aria-busy={action.busy}>
      <div className="actions">
        <button type="button" className="secondary" disabled={action.busy} onClick={() => run("CSV")}>
          {busy === "CSV" ? t("caseload.export.busy") : t("caseload.export.csv")}
        </button>
        <button type="button" className="secondary" disabled={action.busy} onClick={() => run("XLSX")}>
          {busy === "XLSX" ? t("caseload.export.busy") : t("caseload.export.xlsx")}
        </button>
      </div>
      <p role="status" aria-live="polite" className="muted">
        {action.busy ? t("caseload.export.preparing") : action.message}
      </p>
      <FormErrors messages={action.errors.general} />
    </div>
  );
}
