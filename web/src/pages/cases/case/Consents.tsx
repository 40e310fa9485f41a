import { useState, type FormEvent } from "react";
import { graphql } from "../../../gql";
import type { ConsentKind, ConsentMethod } from "../../../gql/graphql";
import { Field, FormErrors } from "../../../components/forms";
import { useI18n } from "../../../i18n/I18n";
import { request } from "../../../lib/graphql";
import { useAction } from "../../../lib/useAction";
import { useSession } from "../../../lib/session";
import { today } from "../../../i18n/core";
import type { CaseData } from "../CasePage";
import { MAX_LENGTH } from "../../../lib/limits";

const RecordConsentDocument = graphql(`
  mutation RecordConsent($input: RecordConsentInput!) {
    recordConsent(input: $input) { consent { id } errors { code message field } }
  }
`);
const RevokeConsentDocument = graphql(`
  mutation RevokeConsent($input: RevokeConsentInput!) {
    revokeConsent(input: $input) { consent { id status } errors { code message field } }
  }
`);

const KINDS: ConsentKind[] = ["SHARE_WITH_DISTRICT", "SHARE_STORY", "AGGREGATE_OPT_OUT"];
const METHODS: ConsentMethod[] = ["WRITTEN", "ELECTRONIC", "VERBAL"];
const FIELDS = ["kind", "method", "signedOn", "expiresOn", "recipient", "purpose", "records"];

export function Consents({ data, reload }: { data: CaseData; reload(): Promise<CaseData | null> }) {
  const { t, te, date } = useI18n();
  const { can } = useSession();
  const [form, setForm] = useState({ kind: "SHARE_WITH_DISTRICT", method: "WRITTEN", signedOn: today(), expiresOn: "", recipient: data.district?.name ?? "", purpose: "", records: "" });
  const { busy, errors, message, run } = useAction(FIELDS);
  const [revokeMethod, setRevokeMethod] = useState<ConsentMethod>("WRITTEN");
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });

  async function record(e: FormEvent) {
    e.preventDefault();
    const ok = await run(async () => {
      const r = await request(RecordConsentDocument, {
        input: {
          familyId: data.family.id,
          kind: form.kind as ConsentKind,
          method: form.method as ConsentMethod,
          signedOn: form.signedOn || null,
          expiresOn: form.expiresOn || null,
          recipient: form.recipient.trim() || null,
          purpose: form.purpose.trim() || null,
          records: form.records.trim() || null,
        },
      });
      return r.recordConsent.errors;
    }, t("consents.recorded"));
    if (ok) await reload();
  }

  async function revoke(id: string) {
    const ok = await run(async () => (await request(RevokeConsentDocument, { input: { id, method: revokeMethod } })).revokeConsent.errors, {
      success: t("consents.revoked"),
      fields: [], // not the record form's fields: all on top
    });
    if (ok) await reload();
  }

  const consents = data.family.consents;
  return (
    <section className="panel" aria-labelledby="case-consents">
      <h2 id="case-consents">{t("consents.title")}</h2>
      {message && (
        <p className="notice" role="status">
          {message}
        </p>
      )}
      {consents.length === 0 ? (
        <p className="muted">{t("consents.none")}</p>
      ) : (
        <ul className="plain">
          {consents.map((x) => (
            <li key={x.id}>
              <strong>{te("ConsentKind", x.kind)}</strong> · <span className="badge">{te("ConsentStatus", x.status)}</span>
              <div className="muted">
                {t("consents.signed", { date: date(x.signedOn), method: te("ConsentMethod", x.method) })}
                {x.expiresOn && ` · ${t("consents.expires", { date: date(x.expiresOn) })}`}
                {x.recipient && ` · ${t("consents.recipient")}: ${x.recipient}`}
              </div>
              {x.status === "ACTIVE" && can("consent:revoke") && (
                <button type="button" className="secondary" disabled={busy} onClick={() => revoke(x.id)}>
                  {t("consents.revoke", { kind: te("ConsentKind", x.kind) })}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {can("consent:revoke") && consents.some((x) => x.status === "ACTIVE") && (
        <Field label={t("consents.revokeMethod")}>
          {(p) => (
            <select {...p} value={revokeMethod} onChange={(e) => setRevokeMethod(e.target.value as ConsentMethod)}>
              {METHODS.map((m) => (
                <option key={m} value={m}>
                  {te("ConsentMethod", m)}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      {can("consent:record") && (
        <form onSubmit={record} noValidate>
          <h3>{t("consents.record")}</h3>
          <FormErrors messages={errors.general} />
          <div className="grid2">
            <Field label={t("consents.kind")} error={errors.fields.kind} required>
              {(p) => (
                <select {...p} value={form.kind} onChange={set("kind")}>
                  {KINDS.map((k) => (
                    <option key={k} value={k}>
                      {te("ConsentKind", k)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t("consents.method")} error={errors.fields.method} required>
              {(p) => (
                <select {...p} value={form.method} onChange={set("method")}>
                  {METHODS.map((m) => (
                    <option key={m} value={m}>
                      {te("ConsentMethod", m)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t("consents.signedOn")} error={errors.fields.signedOn}>
              {(p) => <input {...p} type="date" value={form.signedOn} onChange={set("signedOn")} />}
            </Field>
            <Field label={t("consents.expiresOn")} error={errors.fields.expiresOn}>
              {(p) => <input {...p} type="date" value={form.expiresOn} onChange={set("expiresOn")} />}
            </Field>
          </div>
          {form.kind === "SHARE_WITH_DISTRICT" && (
            <>
              <Field label={t("consents.recipient")} error={errors.fields.recipient} required>
                {(p) => <input {...p} maxLength={MAX_LENGTH.name} value={form.recipient} onChange={set("recipient")} />}
              </Field>
              <Field label={t("consents.purpose")} error={errors.fields.purpose} required>
                {(p) => <input {...p} maxLength={MAX_LENGTH.shortNote} value={form.purpose} onChange={set("purpose")} />}
              </Field>
              <Field label={t("consents.records")} error={errors.fields.records} required>
                {(p) => <input {...p} maxLength={MAX_LENGTH.shortNote} value={form.records} onChange={set("records")} />}
              </Field>
            </>
          )}
          <button type="submit" disabled={busy}>
            {t("consents.recordButton")}
          </button>
        </form>
      )}
    </section>
  );
}
