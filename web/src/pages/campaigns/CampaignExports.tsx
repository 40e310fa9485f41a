// The campaign's evidence files (evidence:export; every one audited), from the exportCampaignEvidence
// mutation like every other call of the app: the CSV and the JSON are saved from a Blob; the printable brief
// opens in a new window from a Blob (its own Content-Security-Policy lets no script run in it).
import { useEffect, useRef, useState } from "react";
import { graphql } from "../../gql";
import type { EvidenceExportFormat } from "../../gql/graphql";
import { FormErrors } from "../../components/forms";
import { useI18n } from "../../i18n/I18n";
import { saveBlob } from "../../lib/download";
import { request } from "../../lib/graphql";
import { useAction } from "../../lib/useAction";

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

const NO_FILE = [{ code: "INTERNAL", message: "" }]; // no error and no file: said as an unexpected failure

export function CampaignExports({ campaignId }: { campaignId: string }) {
  const { t } = useI18n();
  const action = useAction([]);
  const [format, setFormat] = useState<EvidenceExportFormat | null>(null);
  // the brief's address when the browser blocked its window: the user opens it with a link instead
  const [blockedBrief, setBlockedBrief] = useState<string | null>(null);
  const briefUrls = useRef<string[]>([]);

  // the briefs' Blob URLs live as long as the page, so a brief's window can still be printed or reloaded
  useEffect(() => () => briefUrls.current.forEach((u) => URL.revokeObjectURL(u)), []);

  async function run(chosen: EvidenceExportFormat) {
    // The brief's window opens now, while the click still counts as the user's (after the request a browser
    // may block it), and shows that the brief is on its way.
    const win = chosen === "BRIEF" ? window.open("", "_blank") : null;
    if (win) {
      win.opener = null;
      win.document.title = t("campaigns.exportBusy");
      if (win.document.body) win.document.body.textContent = t("campaigns.exportPreparing");
    }
    setFormat(chosen);
    setBlockedBrief(null);
    const out: { done?: string } = {};
    const ok = await action.run(async () => {
      const r = await request(ExportDocument, { input: { campaignId, format: chosen } });
      const { filename, contentType, content, errors } = r.exportCampaignEvidence;
      if (errors.length || content == null || !filename || !contentType) return errors.length ? errors : NO_FILE;
      const blob = new Blob([content], { type: contentType });
      if (chosen !== "BRIEF") {
        saveBlob(blob, filename);
        out.done = t("campaigns.exportSaved", { file: filename });
        return [];
      }
      const url = URL.createObjectURL(blob);
      briefUrls.current.push(url);
      if (win && !win.closed) {
        win.location.replace(url);
        out.done = t("campaigns.briefOpened");
      } else {
        setBlockedBrief(url);
        out.done = t("campaigns.briefBlocked");
      }
      return [];
    });
    setFormat(null);
    if (!ok) win?.close();
    if (out.done) action.setMessage(out.done);
  }

  const busy = action.busy ? format : null;
  return (
    <div className="export" aria-busy={action.busy}>
      <div className="actions">
        {(["CSV", "JSON", "BRIEF"] as const).map((f) => (
          <button key={f} type="button" className="secondary" disabled={action.busy} onClick={() => run(f)}>
            {busy === f ? t("campaigns.exportBusy") : t(LABELS[f])}
          </button>
        ))}
      </div>
      <p role="status" aria-live="polite" className="muted">
        {action.busy ? t("campaigns.exportPreparing") : action.message}
      </p>
      {blockedBrief && (
        <p>
          <a href={blockedBrief} target="_blank" rel="noopener">
            {t("campaigns.briefBlockedLink")}
          </a>
        </p>
      )}
      <FormErrors messages={action.errors.general} />
    </div>
  );
}
