// The campaign's evidence files (evidence:export; every one audited), from the exportCampaignEvidence
// mutation like every other call of the app: the CSV and the JSON are saved from a Blob; the printable brief
// opens in a new window from a Blob (its own Content-Security-Policy lets no script run in it).
import { useEffect, useRef, useState } from "react";
import { graphql } from "../../gql";
import type { EvidenceExportFormat } from "../../gql/graphql";
import { FormErrors } from "../../components/forms";
import { useI18n } from "../../i18n/I18n";
import { describeError } from "../../lib/errors";
import { saveBlob } from "../../lib/download";
import { RequestError, request } from "../../lib/graphql";

const ExportDocument = graphql(`
  mutation ExportCampaignEvidence($input: ExportCampaignEvidenceInput!) {
    exportCampaignEvidence(input: $input) {
      filename contentType content
      errors { code message field }
    }
  }
`);

const LABELS: Record<EvidenceExportFormat, string> = {
  CSV: "campaigns.exportCsv",
  JSON: "campaigns.exportJson",
  BRIEF: "campaigns.brief",
};

export function CampaignExports({ campaignId }: { campaignId: string }) {
  const { t, lang } = useI18n();
  const [busy, setBusy] = useState<EvidenceExportFormat | null>(null);
  const [errors, setErrors] = useState<string[]>([]);
  const [status, setStatus] = useState("");
  // the brief's address when the browser blocked its window: the user opens it with a link instead
  const [blockedBrief, setBlockedBrief] = useState<string | null>(null);
  const briefUrls = useRef<string[]>([]);

  // the briefs' Blob URLs live as long as the page, so a brief's window can still be printed or reloaded
  useEffect(() => () => briefUrls.current.forEach((u) => URL.revokeObjectURL(u)), []);

  async function run(format: EvidenceExportFormat) {
    // The brief's window opens now, while the click still counts as the user's (after the request a browser
    // may block it), and shows that the brief is on its way.
    const win = format === "BRIEF" ? window.open("", "_blank") : null;
    if (win) {
      win.opener = null;
      win.document.title = t("campaigns.exportBusy");
      if (win.document.body) win.document.body.textContent = t("campaigns.exportPreparing");
    }
    setBusy(format);
    setErrors([]);
    setBlockedBrief(null);
    setStatus(t("campaigns.exportPreparing"));
    try {
      const r = await request(ExportDocument, { input: { campaignId, format } });
      const { filename, contentType, content, errors: errs } = r.exportCampaignEvidence;
      if (errs.length || content == null || !filename || !contentType) {
        win?.close();
        setErrors(errs.length ? errs.map((e) => describeError(e, t, lang)) : [t("errors.INTERNAL")]);
        setStatus("");
        return;
      }
      const blob = new Blob([content], { type: contentType });
      if (format !== "BRIEF") {
        saveBlob(blob, filename);
        setStatus(t("campaigns.exportSaved", { file: filename }));
        return;
      }
      const url = URL.createObjectURL(blob);
      briefUrls.current.push(url);
      if (win && !win.closed) {
        win.location.replace(url);
        setStatus(t("campaigns.briefOpened"));
      } else {
        setBlockedBrief(url);
        setStatus(t("campaigns.briefBlocked"));
      }
    } catch (e) {
      win?.close();
      setErrors([describeError(e instanceof RequestError ? e : { code: "INTERNAL", message: "" }, t, lang)]);
      setStatus("");
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="export" aria-busy={busy !== null}>
      <div className="actions">
        {(["CSV", "JSON", "BRIEF"] as const).map((format) => (
          <button key={format} type="button" className="secondary" disabled={busy !== null} onClick={() => run(format)}>
            {busy === format ? t("campaigns.exportBusy") : t(LABELS[format])}
          </button>
        ))}
      </div>
      <p role="status" aria-live="polite" className="muted">
        {status}
      </p>
      {blockedBrief && (
        <p>
          <a href={blockedBrief} target="_blank" rel="noopener">
            {t("campaigns.briefBlockedLink")}
          </a>
        </p>
      )}
      <FormErrors messages={errors} />
    </div>
  );
}
