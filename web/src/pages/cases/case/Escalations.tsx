// The escalation flow: pick a ladder level, pick a contact at that level, write the request, read the letter,
// send; then record the district's response (or close it).
import { useState, type FormEvent } from "react";
import { graphql } from "../../../gql";
import type { EscalationChannel, EscalationLetterPreviewQuery } from "../../../gql/graphql";
import { Field, FormErrors } from "../../../components/forms";
import { useI18n } from "../../../i18n/I18n";
import { request } from "../../../lib/graphql";
import { useAction } from "../../../lib/useAction";
import { useSession } from "../../../lib/session";
import { useQuery } from "../../../lib/useQuery";
import { today } from "../../../i18n/core";
import type { CaseData, Ladder } from "../CasePage";
import { isConflict } from "./shared";
import { newIdempotencyKey } from "../../../lib/idempotency";
import { joinDistinct } from "../../../lib/text";

const ContactsDocument = graphql(`
  query EscalationContacts($districtId: ID, $level: Int, $issueArea: CaseCategory) {
    districtContacts(districtId: $districtId, level: $level, issueArea: $issueArea, first: 100) {
      edges { node { id name title office email ladderLevel school { name } district { name } } }
    }
  }
`);

const PreviewDocument = graphql(`
  query EscalationLetterPreview($input: EscalateCaseInput!) {
    escalationLetterPreview(input: $input) { subject text responseDueOn mailedTo }
  }
`);

const EscalateDocument = graphql(`
  mutation EscalateCase($input: EscalateCaseInput!) {
    escalateCase(input: $input) { escalation { id status responseDueOn mail { kind to subject status } } errors { code message field } }
  }
`);

const RespondDocument = graphql(`
  mutation RecordEscalationResponse($input: RecordEscalationResponseInput!) {
    recordEscalationResponse(input: $input) { escalation { id status } errors { code message field } }
  }
`);

const CloseDocument = graphql(`
  mutation CloseEscalation($input: CloseEscalationInput!) {
    closeEscalation(input: $input) { escalation { id status } errors { code message field } }
  }
`);

const CHANNELS: EscalationChannel[] = ["EMAIL", "LETTER", "PHONE", "MEETING"];

export function Escalations({ data, ladder, reload }: { data: CaseData; ladder: Ladder; reload(): Promise<CaseData | null> }) {
  const { t, te, date, dateTime } = useI18n();
  const { can } = useSession();
  const [drafting, setDrafting] = useState(false);
  const [sent, setSent] = useState<string | null>(null);
  const canSend = can("escalation:send") && data.status !== "CLOSED" && data.status !== "RESOLVED";

  return (
    <section className="panel" aria-labelledby="case-escalations">
      <h2 id="case-escalations">{t("escalation.title")}</h2>
      {sent && (
        <p className="notice" role="status">
          {sent}
        </p>
      )}
      {data.escalations.length === 0 ? (
        <p className="muted">{t("escalation.none")}</p>
      ) : (
        <ul className="plain">
          {data.escalations.map((e) => (
            <li key={e.id}>
              <strong>
                {t("escalation.level", { level: e.level, name: e.levelName })}
              </strong>{" "}
              · <span className="badge">{te("EscalationStatus", e.status)}</span>
              {e.overdue && <span className="badge overdue"> {t("case.overdue")}</span>}
              <div>
                {e.contact && `${e.contact.name}${e.contact.title ? `, ${e.contact.title}` : ""}`}
                {e.office && ` · ${e.office}`}
              </div>
              <div className="muted">
                {t("escalation.sentOn", { date: date(e.sentOn), channel: te("EscalationChannel", e.channel) })} ·{" "}
                {t("escalation.dueOn", { date: date(e.responseDueOn) })}
              </div>
              {e.respondedOn && (
                <div>
                  {t("escalation.respondedOn", { date: date(e.respondedOn) })}
                  {e.answeredWithinWindow != null && ` · ${e.answeredWithinWindow ? t("escalation.inWindow") : t("escalation.late")}`}
                  {e.responseNotes && <div style={{ whiteSpace: "pre-wrap" }}>{e.responseNotes}</div>}
                </div>
              )}
              {e.mail.length > 0 && (
                <ul>
                  {e.mail.map((m, i) => (
                    <li key={i} className="muted">
                      {te("MailKind", m.kind)}: “{m.subject}” → {m.to ? m.to.join(", ") : t("case.redacted")} · {te("MailStatus", m.status)}
                      {m.sentAt && ` (${dateTime(m.sentAt)})`}
                    </li>
                  ))}
                </ul>
              )}
              {can("escalation:update") && e.status !== "CLOSED" && <Respond escalation={e} reload={reload} />}
            </li>
          ))}
        </ul>
      )}
      {canSend &&
        (drafting ? (
          <EscalateFlow
            data={data}
            ladder={ladder}
            onCancel={() => setDrafting(false)}
            onSent={async (msg) => {
              setDrafting(false);
              setSent(msg);
              await reload();
            }}
          />
        ) : (
          <button type="button" onClick={() => { setSent(null); setDrafting(true); }}>
            {t("escalation.start")}
          </button>
        ))}
    </section>
  );
}

function Respond({ escalation, reload }: { escalation: CaseData["escalations"][number]; reload(): Promise<CaseData | null> }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [respondedOn, setRespondedOn] = useState(today());
  const [notes, setNotes] = useState("");
  const { busy, errors, fail, run } = useAction(["respondedOn", "notes"]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!notes.trim()) return fail({ notes: t("escalation.notesRequired") });
    const ok = await run(
      async () =>
        (await request(RespondDocument, { input: { id: escalation.id, respondedOn, notes: notes.trim(), version: escalation.version } }))
          .recordEscalationResponse.errors,
      {
        // answered or closed by someone else meanwhile: show it as it is now
        onErrors: async (errs, mapped) => {
          if (!isConflict(errs)) return mapped;
          await reload();
          return { fields: {}, general: [t("escalation.conflict")] };
        },
      },
    );
    if (ok) {
      setOpen(false);
      await reload();
    }
  }

  async function close() {
    const ok = await run(async () => (await request(CloseDocument, { input: { id: escalation.id, version: escalation.version } })).closeEscalation.errors, {
      fields: [],
    });
    if (ok) await reload();
  }

  if (!open) {
    return (
      <div className="actions">
        <FormErrors messages={errors.general} />
        {escalation.status !== "RESPONDED" && (
          <button type="button" className="secondary" onClick={() => setOpen(true)}>
            {t("escalation.recordResponse")}
          </button>
        )}
        <button type="button" className="secondary" disabled={busy} onClick={close}>
          {t("escalation.close")}
        </button>
      </div>
    );
  }
  return (
    <form onSubmit={submit} noValidate aria-label={t("escalation.recordResponse")}>
      <FormErrors messages={errors.general} />
      <Field label={t("escalation.respondedOnLabel")} error={errors.fields.respondedOn} required>
        {(p) => <input {...p} type="date" value={respondedOn} onChange={(e) => setRespondedOn(e.target.value)} />}
      </Field>
      <Field label={t("escalation.responseNotes")} error={errors.fields.notes} required>
        {(p) => <textarea {...p} value={notes} onChange={(e) => setNotes(e.target.value)} />}
      </Field>
      <div className="actions">
        <button type="submit" disabled={busy}>
          {t("escalation.saveResponse")}
        </button>
        <button type="button" className="secondary" onClick={() => setOpen(false)}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}

function EscalateFlow({
  data, ladder, onCancel, onSent,
}: { data: CaseData; ladder: Ladder; onCancel(): void; onSent(message: string): void }) {
  const { t, te, date } = useI18n();
  const open = data.escalations.filter((e) => e.status !== "CLOSED");
  const highest = open.reduce((m, e) => Math.max(m, e.level), 0);
  const [level, setLevel] = useState<number>(Math.min(highest + 1, ladder[ladder.length - 1]?.level ?? 1));
  const [contactId, setContactId] = useState("");
  const [channel, setChannel] = useState<EscalationChannel>("EMAIL");
  const [summary, setSummary] = useState("");
  const [remedy, setRemedy] = useState("");
  const [notifyFamily, setNotifyFamily] = useState(true);
  const [preview, setPreview] = useState(false);
  const [letter, setLetter] = useState<EscalationLetterPreviewQuery["escalationLetterPreview"] | null>(null);
  const { busy, errors, fail, run } = useAction(["contactId", "channel", "summary", "remedyRequested"]);
  const [key] = useState(newIdempotencyKey);

  // only the case's district: the family's release is for it (the server refuses any other)
  const contacts = useQuery(ContactsDocument, { districtId: data.district?.id ?? null, level, issueArea: data.category },
    { skip: !data.district });
  const list = contacts.data?.districtContacts.edges.map((e) => e.node) ?? [];
  const contact = list.find((c) => c.id === contactId);
  const previous = open.filter((e) => e.level < level).sort((a, b) => b.level - a.level)[0];
  const consent = data.family.consents.find((c) => c.kind === "SHARE_WITH_DISTRICT" && c.status === "ACTIVE");

  const input = {
    caseId: data.id, contactId, channel, summary: summary.trim(), remedyRequested: remedy.trim(),
    previousEscalationId: previous?.id ?? null, idempotencyKey: key, notifyFamily,
  };

  /** The letter as the server will send it (same template and checks), before sending. */
  async function review(e: FormEvent) {
    e.preventDefault();
    const fields: Record<string, string> = {};
    if (!contactId) fields.contactId = t("escalation.chooseContact");
    if (!summary.trim()) fields.summary = t("escalation.summaryRequired");
    if (!remedy.trim()) fields.remedyRequested = t("escalation.remedyRequired");
    if (Object.keys(fields).length) return fail(fields);
    const ok = await run(async () => {
      setLetter((await request(PreviewDocument, { input })).escalationLetterPreview);
      return [];
    });
    if (ok) setPreview(true);
  }

  async function send() {
    let dueOn: string | undefined;
    const ok = await run(
      async () => {
        const r = await request(EscalateDocument, { input });
        dueOn = r.escalateCase.escalation?.responseDueOn;
        return r.escalateCase.errors;
      },
      {
        // back to the draft, where the errors sit beside the fields
        onErrors: (_, mapped) => {
          setPreview(false);
          return mapped;
        },
      },
    );
    if (ok && dueOn) onSent(t("escalation.sent", { date: date(dueOn) }));
  }

  if (preview) {
    return (
      <div>
        <h3>{t("escalation.previewTitle")}</h3>
        <p>{t("escalation.previewTo", { name: contact?.name ?? "", email: contact?.email ?? t("common.notSet") })}</p>
        <p>
          <strong>{letter?.subject}</strong>
        </p>
        <pre className="letter" tabIndex={0} aria-label={t("escalation.letter")}>
          {letter?.text}
        </pre>
        <p className="muted">
          {letter &&
            t(letter.mailedTo ? "escalation.previewMailed" : channel === "EMAIL" ? "escalation.previewNoAddress" : "escalation.previewYouSend", {
              date: date(letter.responseDueOn),
            })}
        </p>
        <FormErrors messages={errors.general} />
        <div className="actions">
          <button type="button" onClick={send} disabled={busy}>
            {busy ? t("escalation.sending") : t("escalation.send")}
          </button>
          <button type="button" className="secondary" onClick={() => setPreview(false)} disabled={busy}>
            {t("escalation.backToEdit")}
          </button>
        </div>
      </div>
    );
  }

  return (
    <form onSubmit={review} noValidate aria-label={t("escalation.start")}>
      <h3>{t("escalation.start")}</h3>
      {!data.district && <p className="warning">{t("escalation.noDistrict")}</p>}
      {!consent && <p className="warning">{t("escalation.noConsent")}</p>}
      <FormErrors messages={errors.general} />
      <Field label={t("escalation.ladderLevel")} required>
        {(p) => (
          <select {...p} value={level} onChange={(e) => { setLevel(Number(e.target.value)); setContactId(""); }}>
            {ladder.map((l) => (
              <option key={l.level} value={l.level}>
                {t("escalation.levelOption", { level: l.level, name: l.name, days: l.responseWindowSchoolDays })}
              </option>
            ))}
          </select>
        )}
      </Field>
      {previous && <p className="muted">{t("escalation.follows", { level: previous.level, name: previous.levelName })}</p>}
      <fieldset>
        <legend>{t("escalation.contact")}</legend>
        {errors.fields.contactId && <p className="error" id="contact-error">{errors.fields.contactId}</p>}
        {contacts.loading && !contacts.data && <p className="muted">{t("common.loading")}</p>}
        {contacts.data && list.length === 0 && <p>{t("escalation.noContacts")}</p>}
        {list.map((c) => (
          <label key={c.id} className="checkbox">
            <input type="radio" name="contact" value={c.id} checked={contactId === c.id} onChange={() => setContactId(c.id)} />
            <span>
              <strong>{c.name}</strong>
              {c.title && `, ${c.title}`}
              <span className="muted">
                {" "}
                · {joinDistinct([c.office, c.school?.name, c.email])}
              </span>
            </span>
          </label>
        ))}
      </fieldset>
      <Field label={t("escalation.channel")} error={errors.fields.channel}>
        {(p) => (
          <select {...p} value={channel} onChange={(e) => setChannel(e.target.value as EscalationChannel)}>
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {te("EscalationChannel", c)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t("escalation.summary")} hint={t("escalation.summaryHint")} error={errors.fields.summary} required>
        {(p) => <textarea {...p} value={summary} onChange={(e) => setSummary(e.target.value)} />}
      </Field>
      <Field label={t("escalation.remedy")} error={errors.fields.remedyRequested} required>
        {(p) => <textarea {...p} value={remedy} onChange={(e) => setRemedy(e.target.value)} />}
      </Field>
      <label className="checkbox">
        <input type="checkbox" checked={notifyFamily} onChange={(e) => setNotifyFamily(e.target.checked)} />
        {t("escalation.notifyFamily")}
      </label>
      <div className="actions">
        <button type="submit" disabled={busy}>
          {t("escalation.review")}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}
