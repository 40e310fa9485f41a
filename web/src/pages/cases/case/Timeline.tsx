import { useState, type FormEvent } from "react";
import { graphql } from "../../../gql";
import type { CaseEventKind } from "../../../gql/graphql";
import { Field, FormErrors } from "../../../components/forms";
import { useI18n } from "../../../i18n/I18n";
import { request } from "../../../lib/graphql";
import { useAction } from "../../../lib/useAction";
import { useSession } from "../../../lib/session";
import type { CaseData } from "../CasePage";
import { MAX_LENGTH } from "../../../lib/limits";

const AddNoteDocument = graphql(`
  mutation AddCaseNote($input: AddCaseNoteInput!) {
    addCaseNote(input: $input) { event { id } errors { code message field } }
  }
`);

const KINDS: CaseEventKind[] = ["NOTE", "CALL", "MEETING", "DOCUMENT"];

export function Timeline({ data, reload, more }: { data: CaseData; reload(): Promise<CaseData | null>; more?: () => void }) {
  const { t, te, dateTime } = useI18n();
  const { can } = useSession();
  const [kind, setKind] = useState<CaseEventKind>("NOTE");
  const [body, setBody] = useState("");
  const { busy, errors, fail, run } = useAction(["body", "kind"]);

  async function add(e: FormEvent) {
    e.preventDefault();
    if (!body.trim()) return fail({ body: t("timeline.bodyRequired") });
    if (await run(async () => (await request(AddNoteDocument, { input: { caseId: data.id, kind, body: body.trim() } })).addCaseNote.errors)) {
      setBody("");
      await reload();
    }
  }

  return (
    <section className="panel" aria-labelledby="case-timeline">
      <h2 id="case-timeline">{t("timeline.title")}</h2>
      {can("case:note") && (
        <form onSubmit={add} noValidate aria-label={t("timeline.addNote")}>
          <FormErrors messages={errors.general} />
          <Field label={t("timeline.kind")}>
            {(p) => (
              <select {...p} value={kind} onChange={(e) => setKind(e.target.value as CaseEventKind)}>
                {KINDS.map((k) => (
                  <option key={k} value={k}>
                    {te("CaseEventKind", k)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t("timeline.body")} error={errors.fields.body} required>
            {(p) => <textarea {...p} maxLength={MAX_LENGTH.narrative} value={body} onChange={(e) => setBody(e.target.value)} />}
          </Field>
          <button type="submit" disabled={busy}>
            {t("timeline.addNote")}
          </button>
        </form>
      )}
      <ol className="plain timeline">
        {data.timeline.edges.map(({ node: ev }) => (
          <li key={ev.id}>
            <div>
              <strong>{te("CaseEventKind", ev.kind)}</strong> · <time dateTime={ev.occurredAt}>{dateTime(ev.occurredAt)}</time>
              {ev.author && <span className="muted"> · {ev.author.displayName}</span>}
            </div>
            {ev.statusTo && (
              <div>
                {ev.statusFrom ? `${te("CaseStatus", ev.statusFrom)} → ` : ""}
                {te("CaseStatus", ev.statusTo)}
              </div>
            )}
            {ev.body && <div style={{ whiteSpace: "pre-wrap" }}>{ev.body}</div>}
          </li>
        ))}
      </ol>
      {more && (
        <button type="button" className="secondary" onClick={more}>
          {t("timeline.more")}
        </button>
      )}
    </section>
  );
}
