// The campaigns a case is linked to by hand (with why), linking it to a planned or active campaign with a
// required reason (case:link), and unlinking it after a confirmation.
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { graphql } from "../../../gql";
import { Field, FormErrors, LoadError, Notice } from "../../../components/forms";
import { useI18n } from "../../../i18n/I18n";
import { request } from "../../../lib/graphql";
import { useAction } from "../../../lib/useAction";
import { useQuery } from "../../../lib/useQuery";
import { useSession } from "../../../lib/session";

const CaseCampaignsDocument = graphql(`
  query CaseCampaigns($caseId: ID!, $withChoices: Boolean!) {
    caseCampaignLinks(caseId: $caseId) {
      reason linkedAt linkedBy { displayName }
      campaign { id name status }
    }
    campaigns(status: [PLANNING, ACTIVE], first: 100) @include(if: $withChoices) {
      edges { node { id name status } }
    }
  }
`);

const LinkCaseDocument = graphql(`
  mutation LinkCaseToCampaign($input: LinkCaseToCampaignInput!) {
    linkCaseToCampaign(input: $input) { campaign { id name } errors { code message field } }
  }
`);

const UnlinkCaseDocument = graphql(`
  mutation UnlinkCaseFromCampaign($input: UnlinkCaseFromCampaignInput!) {
    unlinkCaseFromCampaign(input: $input) { campaign { id } errors { code message field } }
  }
`);

const FIELDS = ["campaignId", "reason"];

export function CaseCampaigns({ caseId }: { caseId: string }) {
  const { t, dateTime } = useI18n();
  const { can } = useSession();
  const mayLink = can("case:link");
  const { data, error, reload } = useQuery(CaseCampaignsDocument, { caseId, withChoices: mayLink });
  const [campaignId, setCampaignId] = useState("");
  const [reason, setReason] = useState("");
  const { busy, errors, message, setMessage, fail, run } = useAction(FIELDS);
  const [confirming, setConfirming] = useState<string | null>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  const links = data?.caseCampaignLinks ?? [];
  const linked = new Set(links.map((l) => l.campaign?.id));
  const choices = (data?.campaigns?.edges ?? []).map((e) => e.node).filter((c) => !linked.has(c.id));

  async function link(e: FormEvent) {
    e.preventDefault();
    const fields: Record<string, string> = {};
    if (!campaignId) fields.campaignId = t("caseCampaigns.chooseRequired");
    if (!reason.trim()) fields.reason = t("caseCampaigns.reasonRequired");
    if (Object.keys(fields).length) return fail(fields);
    let name = "";
    const ok = await run(async () => {
      const r = await request(LinkCaseDocument, { input: { campaignId, caseId, reason: reason.trim() } });
      name = r.linkCaseToCampaign.campaign?.name ?? "";
      return r.linkCaseToCampaign.errors.map((x) => (x.code === "CONFLICT" ? { ...x, message: t("caseCampaigns.alreadyLinked") } : x));
    });
    if (ok) {
      setCampaignId("");
      setReason("");
      setMessage(t("caseCampaigns.linked", { name }));
      await reload();
    }
  }

  async function unlink(id: string, name: string) {
    let answered = false;
    await run(
      async () => {
        const r = await request(UnlinkCaseDocument, { input: { campaignId: id, caseId } });
        answered = true;
        return r.unlinkCaseFromCampaign.errors;
      },
      { success: t("caseCampaigns.unlinked", { name }), fields: [] },
    );
    // a request that failed outright leaves the confirmation open, to try again
    if (answered) {
      setConfirming(null);
      await reload();
    }
  }

  return (
    <section className="panel" aria-labelledby="case-campaigns">
      <h2 id="case-campaigns">{t("caseCampaigns.title")}</h2>
      {error && <LoadError error={error} />}
      <Notice message={message} />
      {data && links.length === 0 && <p className="muted">{t("caseCampaigns.none")}</p>}
      {links.length > 0 && (
        <ul className="plain">
          {links.map((l) => {
            const c = l.campaign;
            if (!c) return null;
            return (
              <li key={c.id}>
                <Link to={`/campaigns/${c.id}`}>{c.name}</Link> · <span className="badge">{t(`campaigns.status.${c.status}`)}</span>
                {l.reason && (
                  <div>
                    {t("caseCampaigns.reason")}: {l.reason}
                  </div>
                )}
                <div className="muted">
                  {t("caseCampaigns.linkedBy", { name: l.linkedBy?.displayName ?? "—", date: dateTime(l.linkedAt) })}
                </div>
                {mayLink &&
                  (confirming === c.id ? (
                    <div role="group" aria-label={t("caseCampaigns.confirmUnlink", { name: c.name })}>
                      <p>{t("caseCampaigns.confirmUnlink", { name: c.name })}</p>
                      <button type="button" ref={confirmRef} disabled={busy} onClick={() => unlink(c.id, c.name)}>
                        {t("caseCampaigns.unlinkConfirm")}
                      </button>{" "}
                      <button type="button" className="secondary" disabled={busy} onClick={() => setConfirming(null)}>
                        {t("caseCampaigns.keep")}
                      </button>
                    </div>
                  ) : (
                    <button type="button" className="secondary" disabled={busy} onClick={() => setConfirming(c.id)}>
                      {t("caseCampaigns.unlink", { name: c.name })}
                    </button>
                  ))}
              </li>
            );
          })}
        </ul>
      )}
      {mayLink && data && (
        <form onSubmit={link} noValidate>
          <h3>{t("caseCampaigns.linkTitle")}</h3>
          <FormErrors messages={errors.general} />
          {choices.length === 0 ? (
            <p className="muted">{t("caseCampaigns.noChoices")}</p>
          ) : (
            <>
              <Field label={t("caseCampaigns.campaign")} error={errors.fields.campaignId} required>
                {(p) => (
                  <select {...p} value={campaignId} onChange={(e) => setCampaignId(e.target.value)}>
                    <option value="">{t("common.choose")}</option>
                    {choices.map((c) => (
                      <option key={c.id} value={c.id}>
                        {c.name} ({t(`campaigns.status.${c.status}`)})
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label={t("caseCampaigns.reason")} hint={t("caseCampaigns.reasonHint")} error={errors.fields.reason} required>
                {(p) => <textarea {...p} rows={3} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} />}
              </Field>
              <button type="submit" disabled={busy}>
                {t("caseCampaigns.linkButton")}
              </button>
            </>
          )}
        </form>
      )}
    </section>
  );
}
