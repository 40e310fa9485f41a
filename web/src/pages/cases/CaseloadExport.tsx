// "Export CSV" / "Export Excel" for the caseload's current filter (case:export). The server returns the file
// in the response; the browser saves it from a Blob.
import { useState } from "react";
import { graphql } from "../../gql";
import type { CaseFilter, FileFormat } from "../../gql/graphql";
import { FormErrors } from "../../components/forms";
import { useI18n } from "../../i18n/I18n";
import { describeError } from "../../lib/errors";
import { saveFile } from "../../lib/download";
import { RequestError, request } from "../../lib/graphql";

const ExportDocument = graphql(`
  mutation ExportCases($input: ExportCasesInput!) {
    exportCases(input: $input) {
      file { fileName contentType contentBase64 rowCount truncated }
      errors { code message field }
    }
  }
`);

export function CaseloadExport({ filter }: { filter: CaseFilter }) {
  const { t, lang, number } = useI18n();
  const [busy, setBusy] = useState<FileFormat | null>(null);
  const [errors, setErrors] = useState<string[]>([]);
  const [status, setStatus] = useState("");

  async function run(format: FileFormat) {
    setBusy(format);
    setErrors([]);
    setStatus(t("caseload.export.preparing"));
    try {
      const r = await request(ExportDocument, { input: { filter, format } });
      const { file, errors: errs } = r.exportCases;
      if (errs.length || !file) {
        setErrors(errs.map((e) => describeError(e, t, lang)));
        setStatus("");
        return;
      }
      saveFile(file);
      setStatus(
        t(file.truncated ? "caseload.export.truncated" : "caseload.export.done", {
          count: file.rowCount,
          n: number(file.rowCount),
          file: file.fileName,
        }),
      );
    } catch (e) {
      setErrors([describeError(e instanceof RequestError ? e : { code: "INTERNAL", message: "" }, t, lang)]);
      setStatus("");
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="export" aria-busy={busy !== null}>
      <div className="actions">
        <button type="button" className="secondary" disabled={busy !== null} onClick={() => run("CSV")}>
          {busy === "CSV" ? t("caseload.export.busy") : t("caseload.export.csv")}
        </button>
        <button type="button" className="secondary" disabled={busy !== null} onClick={() => run("XLSX")}>
          {busy === "XLSX" ? t("caseload.export.busy") : t("caseload.export.xlsx")}
        </button>
      </div>
      <p role="status" aria-live="polite" className="muted">
        {status}
      </p>
      <FormErrors messages={errors} />
    </div>
  );
}
