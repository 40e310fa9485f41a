// De-identified stories drafted from this case (story:read), drafting one and editing it (story:draft). The
// server refuses a story that names people or schools, or has emails, phones or dates: its message is shown
// beside the field at fault. A second person approves a draft on the campaign's page.
import { useEffect, useRef, useState, type FormEvent } from "react";
import { graphql } from "../../../gql";
import type { CaseStoriesQuery } from "../../../gql/graphql";
import { Field, FormErrors, LoadError, Notice } from "../../../components/forms";
import { useI18n } from "../../../i18n/I18n";
import { NO_ERRORS, useAction } from "../../../lib/useAction";
import { request } from "../../../lib/graphql";
import { useQuery } from "../../../lib/useQuery";
import { useSession } from "../../../lib/session";

const CaseStoriesDocument = graphql(`
  query CaseStories($caseId: ID!) {
    stories(filter: { caseId: $caseId }, first: 50) {
      edges { node { id title body status version reviewNote updatedAt draftedBy { displayName } } }
    }
  }
`);

const DraftStoryDocument = graphql(`
  mutation DraftStory($input: DraftStoryInput!) {
    draftStory(input: $input) { story { id title status } errors { code message field } }
  }
`);

const UpdateStoryDocument = graphql(`
  mutation UpdateStory($input: UpdateStoryInput!) {
    updateStory(input: $input) { story { id title status version } errors { code message field } }
  }
`);

type Story = CaseStoriesQuery["stories"]["edges"][number]["node"];
const FIELDS = ["title", "body"];

export function CaseStories({ caseId }: { caseId: string }) {
  const { t, lang, dateTime } = useI18n();
  const { can } = useSession();
  const mayDraft = can("story:draft");
  const { data, error, reload } = useQuery(CaseStoriesDocument, { caseId });
  const [editing, setEditing] = useState<{ id: string; version: number } | null>(null);
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const { busy, errors, message, setMessage, fail, reset: clear, run } = useAction(FIELDS);
  const [conflict, setConflict] = useState(false);
  const titleRef = useRef<HTMLInputElement>(null);
  const stories = data?.stories.edges.map((e) => e.node) ?? [];

  useEffect(() => {
    if (editing) titleRef.current?.focus();
  }, [editing]);

  function startEdit(s: Story) {
    setEditing({ id: s.id, version: s.version });
    setTitle(s.title);
    setBody(s.body);
    clear();
    setConflict(false);
  }

  function reset() {
    setEditing(null);
    setTitle("");
    setBody("");
    clear();
    setConflict(false);
  }

  async function loadLatest() {
    const fresh = await reload();
    const s = fresh?.stories.edges.map((e) => e.node).find((x) => x.id === editing?.id);
    if (s) startEdit(s);
    else reset();
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    const fields: Record<string, string> = {};
    if (!title.trim()) fields.title = t("caseStories.titleRequired");
    if (!body.trim()) fields.body = t("caseStories.bodyRequired");
    if (Object.keys(fields).length) return fail(fields);
    setConflict(false);
    let saved = "";
    const ok = await run(
      async () => {
        const input = { title: title.trim(), body: body.trim() };
        const r = editing
          ? (await request(UpdateStoryDocument, { input: { id: editing.id, version: editing.version, ...input } })).updateStory
          : (await request(DraftStoryDocument, { input: { caseId, ...input } })).draftStory;
        saved = r.story?.title ?? "";
        return r.errors;
      },
      {
        onErrors: (errs, mapped) => {
          if (errs.some((x) => x.code === "CONFLICT")) {
            setConflict(true);
            return NO_ERRORS;
          }
          // the server's refusal lists what identifies someone, in English; other languages get the rule itself
          for (const x of errs) {
            if (lang !== "en" && x.code === "VALIDATION" && x.field && FIELDS.includes(x.field)) {
              mapped.fields[x.field] = t("caseStories.identifies");
            }
          }
          return mapped;
        },
      },
    );
    if (ok) {
      reset();
      setMessage(t(editing ? "caseStories.updated" : "caseStories.saved", { title: saved }));
      await reload();
    }
  }

  return (
    <section className="panel" aria-labelledby="case-stories">
      <h2 id="case-stories">{t("caseStories.title")}</h2>
      {error && <LoadError error={error} />}
      <Notice message={message} />
      {data && stories.length === 0 && <p className="muted">{t("caseStories.none")}</p>}
      {stories.length > 0 && (
        <ul className="plain">
          {stories.map((s) => (
            <li key={s.id}>
              <article aria-labelledby={`story-${s.id}`}>
                <h3 id={`story-${s.id}`}>{s.title}</h3>
                <p>
                  <span className={s.status === "REJECTED" ? "badge overdue" : "badge"}>{t(`caseStories.status.${s.status}`)}</span>{" "}
                  <span className="muted">{t("caseStories.updatedOn", { date: dateTime(s.updatedAt) })}</span>
                </p>
                <p style={{ whiteSpace: "pre-wrap" }}>{s.body}</p>
                {s.reviewNote && (
                  <p>
                    {t("caseStories.reviewNote")}: {s.reviewNote}
                  </p>
                )}
                {mayDraft && editing?.id !== s.id && (
                  <button type="button" className="secondary" disabled={busy} onClick={() => startEdit(s)}>
                    {t("caseStories.edit", { title: s.title })}
                  </button>
                )}
              </article>
            </li>
          ))}
        </ul>
      )}
      {mayDraft && (
        <form onSubmit={save} noValidate aria-labelledby="case-story-form">
          <h3 id="case-story-form">{editing ? t("caseStories.editTitle") : t("caseStories.draftTitle")}</h3>
          <p className="hint">{t("caseStories.rules")}</p>
          {editing && <p className="hint">{t("caseStories.editHint")}</p>}
          {conflict && (
            <div className="form-errors" role="alert">
              <p>{t("caseStories.conflict")}</p>
              <button type="button" className="secondary" onClick={loadLatest}>
                {t("caseStories.loadLatest")}
              </button>
            </div>
          )}
          <FormErrors messages={errors.general} />
          <Field label={t("caseStories.storyTitle")} error={errors.fields.title} required>
            {(p) => <input {...p} ref={titleRef} maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />}
          </Field>
          <Field label={t("caseStories.body")} hint={t("caseStories.bodyHint")} error={errors.fields.body} required>
            {(p) => <textarea {...p} rows={6} maxLength={5000} value={body} onChange={(e) => setBody(e.target.value)} />}
          </Field>
          <button type="submit" disabled={busy}>
            {editing ? t("caseStories.saveEdit") : t("caseStories.saveDraft")}
          </button>
          {editing && (
            <>
              {" "}
              <button type="button" className="secondary" disabled={busy} onClick={reset}>
                {t("common.cancel")}
              </button>
            </>
          )}
        </form>
      )}
    </section>
  );
}
