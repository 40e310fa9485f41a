// Stories drafted from this campaign's cases that wait for approval (story:approve). Approving needs the
// family's active SHARE_STORY consent and someone other than the author; refusals are shown on the story.
import { useState } from "react";
import { graphql } from "../../gql";
import type { StoryReviewQuery } from "../../gql/graphql";
import { Field, FormErrors, LoadError, Loading } from "../../components/forms";
import { useI18n } from "../../i18n/I18n";
import { describeError, type Translate, type UserError } from "../../lib/errors";
import { request } from "../../lib/graphql";
import { useAction } from "../../lib/useAction";
import { useQuery } from "../../lib/useQuery";
import { MAX_LENGTH } from "../../lib/limits";

const StoryReviewDocument = graphql(`
  query StoryReview($campaignId: ID!) {
    stories(filter: { status: [DRAFT], campaignId: $campaignId }, first: 50) {
      totalCount
      edges { node { id title body status version consentActive createdAt draftedBy { displayName } } }
    }
  }
`);

const ApproveStoryDocument = graphql(`
  mutation ApproveStory($input: ApproveStoryInput!) {
    approveStory(input: $input) { story { id status } errors { code message field } }
  }
`);

const RejectStoryDocument = graphql(`
  mutation RejectStory($input: RejectStoryInput!) {
    rejectStory(input: $input) { story { id status } errors { code message field } }
  }
`);

type Story = NonNullable<StoryReviewQuery["stories"]>["edges"][number]["node"];

/** A refusal in the review's own words ("campaigns.stories.error.CODE") when the catalog has them. */
function describeReviewError(e: UserError, t: Translate, lang: string): string {
  const key = `campaigns.stories.error.${e.code}`;
  const specific = t(key);
  return specific !== key ? specific : describeError(e, t, lang);
}

function StoryItem({ story, done }: { story: Story; done(message: string): Promise<unknown> }) {
  const { t, dateTime } = useI18n();
  const [note, setNote] = useState("");
  const [rejecting, setRejecting] = useState(false);
  const { busy, errors, reset, run } = useAction([], { describe: describeReviewError });

  async function act(kind: "approve" | "reject") {
    reset();
    const ok = await run(async () =>
      kind === "approve"
        ? (await request(ApproveStoryDocument, { input: { id: story.id, version: story.version } })).approveStory.errors
        : (await request(RejectStoryDocument, { input: { id: story.id, version: story.version, note: note.trim() || null } })).rejectStory
            .errors,
    );
    if (ok) await done(t(kind === "approve" ? "campaigns.stories.approved" : "campaigns.stories.rejected", { title: story.title }));
  }

  const headingId = `story-${story.id}`;
  return (
    <li>
      <article className="story" aria-labelledby={headingId}>
        <h3 id={headingId}>{story.title}</h3>
        <p className="muted">
          {t("campaigns.stories.draftedBy", { name: story.draftedBy?.displayName ?? "—", date: dateTime(story.createdAt) })}
          {!story.consentActive && (
            <>
              {" · "}
              <span className="badge overdue">{t("campaigns.stories.noConsent")}</span>
            </>
          )}
        </p>
        <p style={{ whiteSpace: "pre-wrap" }}>{story.body}</p>
        <FormErrors messages={errors.general} />
        {rejecting && (
          <Field label={t("campaigns.stories.rejectNote")} hint={t("campaigns.stories.rejectNoteHint")}>
            {(p) => <textarea {...p} maxLength={MAX_LENGTH.shortNote} value={note} onChange={(e) => setNote(e.target.value)} />}
          </Field>
        )}
        <div className="actions">
          {!rejecting && (
            <button type="button" disabled={busy} onClick={() => act("approve")} aria-describedby={headingId}>
              {t("campaigns.stories.approve")}
            </button>
          )}
          {rejecting ? (
            <>
              <button type="button" disabled={busy} onClick={() => act("reject")}>
                {t("campaigns.stories.confirmReject")}
              </button>
              <button type="button" className="secondary" onClick={() => setRejecting(false)}>
                {t("common.cancel")}
              </button>
            </>
          ) : (
            <button type="button" className="secondary" disabled={busy} onClick={() => setRejecting(true)} aria-describedby={headingId}>
              {t("campaigns.stories.reject")}
            </button>
          )}
        </div>
      </article>
    </li>
  );
}

export function StoryReview({ campaignId, onChange }: { campaignId: string; onChange(): Promise<unknown> }) {
  const { t } = useI18n();
  const { data, error, loading, reload } = useQuery(StoryReviewDocument, { campaignId });
  const [message, setMessage] = useState<string | null>(null);
  const stories = data?.stories.edges.map((e) => e.node) ?? [];
  return (
    <section className="panel" aria-labelledby="camp-review">
      <h2 id="camp-review">{t("campaigns.stories.title")}</h2>
      <div role="status">{message && <p className="notice">{message}</p>}</div>
      {error && <LoadError error={error} />}
      {loading && !data && <Loading />}
      {data && stories.length === 0 && <p className="muted">{t("campaigns.stories.none")}</p>}
      {stories.length > 0 && (
        <ul className="plain">
          {stories.map((s) => (
            <StoryItem
              key={s.id}
              story={s}
              done={async (m) => {
                setMessage(m);
                await Promise.all([reload(), onChange()]);
              }}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
