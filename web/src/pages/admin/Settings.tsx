// Organization settings (organization:configure): name, suppression threshold, languages; chapters; the
// escalation ladder; the statutory deadline profile.
import { useEffect, useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { graphql } from "../../gql";
import type { SettingsQuery } from "../../gql/graphql";
import { Field, FormErrors, LoadError, Loading, usePageTitle, Notice } from "../../components/forms";
import { useI18n } from "../../i18n/I18n";
import { request } from "../../lib/graphql";
import { useQuery } from "../../lib/useQuery";
import { useSession } from "../../lib/session";
import { splitList } from "../campaigns/evidence";
import { SECURITY_PATH } from "../account/twoFactor";
import { AdminNav } from "./shared";
import { ADMIN_WORDING } from "./errors";
import { useAction } from "../../lib/useAction";

const SettingsDocument = graphql(`
  query Settings {
    me { organization { id name suppressionThreshold languages timeZone deadlineProfile version requireTwoFactor } organizationChapters { id name version } twoFactorEnabled }
    escalationLadder { level name responseWindowSchoolDays }
    deadlineProfiles { code name rules { code label citation days count } }
  }
`);
const UpdateSettingsDocument = graphql(`
  mutation UpdateOrganizationSettings($input: UpdateOrganizationSettingsInput!) {
    updateOrganizationSettings(input: $input) { organization { id name suppressionThreshold languages timeZone version } errors { code message field } }
  }
`);
const CreateChapterDocument = graphql(`
  mutation CreateChapter($input: CreateChapterInput!) {
    createChapter(input: $input) { chapter { id name version } errors { code message field } }
  }
`);
const RenameChapterDocument = graphql(`
  mutation RenameChapter($input: RenameChapterInput!) {
    renameChapter(input: $input) { chapter { id name version } errors { code message field } }
  }
`);
const ConfigureLadderDocument = graphql(`
  mutation ConfigureEscalationLadder($levels: [EscalationLevelInput!]!) {
    configureEscalationLadder(levels: $levels) { levels { level name responseWindowSchoolDays } errors { code message field } }
  }
`);
const SetTwoFactorRequirementDocument = graphql(`
  mutation SetTwoFactorRequirement($input: SetTwoFactorRequirementInput!) {
    setTwoFactorRequirement(input: $input) { organization { id requireTwoFactor } errors { code message field } }
  }
`);
const SetDeadlineProfileDocument = graphql(`
  mutation SetDeadlineProfile($profile: String!) {
    setDeadlineProfile(profile: $profile) { organization { id deadlineProfile } errors { code message field } }
  }
`);

type Data = SettingsQuery;
// the browser's own list of IANA names, offered as suggestions (the server checks the name)
const TIME_ZONES: string[] = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
type Org = NonNullable<Data["me"]>["organization"];

function OrganizationForm({ org, done }: { org: Org; done(): Promise<unknown> }) {
  const { t } = useI18n();
  const action = useAction(["name", "suppressionThreshold", "languages", "timeZone"], ADMIN_WORDING);
  const [name, setName] = useState(org.name);
  const [threshold, setThreshold] = useState(String(org.suppressionThreshold));
  const [languages, setLanguages] = useState(org.languages.join(", "));
  const [timeZone, setTimeZone] = useState(org.timeZone ?? "");
  async function submit(e: FormEvent) {
    e.preventDefault();
    const problems: Record<string, string> = {};
    if (!name.trim()) problems.name = t("admin.settings.nameRequired");
    if (!/^\d+$/.test(threshold.trim())) problems.suppressionThreshold = t("admin.settings.thresholdNumber");
    if (splitList(languages).length === 0) problems.languages = t("admin.settings.languagesRequired");
    if (Object.keys(problems).length) return action.fail(problems);
    // the version read with the page: if someone saved in between, the server answers CONFLICT (shown on top)
    const input = { version: org.version, name: name.trim(), suppressionThreshold: Number(threshold), languages: splitList(languages).map((l) => l.toLowerCase()), timeZone: timeZone.trim() || null };
    if (await action.run(async () => (await request(UpdateSettingsDocument, { input })).updateOrganizationSettings.errors, t("admin.settings.saved"))) await done();
  }
  return (
    <section className="panel" aria-labelledby="org-h">
      <h2 id="org-h">{t("admin.settings.organization")}</h2>
      <Notice message={action.message} />
      <form onSubmit={submit} noValidate>
        <FormErrors messages={action.errors.general} />
        <Field label={t("admin.settings.name")} error={action.errors.fields.name} required>
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label={t("admin.settings.threshold")} hint={t("admin.settings.thresholdHint")} error={action.errors.fields.suppressionThreshold} required>
          {(p) => <input {...p} inputMode="numeric" value={threshold} onChange={(e) => setThreshold(e.target.value)} />}
        </Field>
        <Field label={t("admin.settings.languages")} hint={t("admin.settings.languagesHint")} error={action.errors.fields.languages} required>
          {(p) => <input {...p} value={languages} onChange={(e) => setLanguages(e.target.value)} />}
        </Field>
        <Field label={t("admin.settings.timeZone")} hint={t("admin.settings.timeZoneHint")} error={action.errors.fields.timeZone}>
          {(p) => <input {...p} list="time-zones" autoComplete="off" value={timeZone} onChange={(e) => setTimeZone(e.target.value)} />}
        </Field>
        <datalist id="time-zones">
          {TIME_ZONES.map((z) => <option key={z} value={z} />)}
        </datalist>
        <button type="submit" disabled={action.busy}>
          {t("common.save")}
        </button>
      </form>
    </section>
  );
}

function ChapterRow({ chapter, done }: { chapter: { id: string; name: string; version: number }; done(): Promise<unknown> }) {
  const { t } = useI18n();
  const action = useAction(["name"], ADMIN_WORDING);
  const [name, setName] = useState(chapter.name);
  return (
    <li>
      <form
        className="inline-form"
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          if (!name.trim()) return action.fail({ name: t("admin.settings.chapterNameRequired") });
          if (await action.run(async () => (await request(RenameChapterDocument, { input: { id: chapter.id, version: chapter.version, name: name.trim() } })).renameChapter.errors, t("admin.settings.chapterRenamed", { name: name.trim() })))
            await done();
        }}
      >
        <Field label={t("admin.settings.chapterNameOf", { name: chapter.name })} error={action.errors.fields.name}>
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <div className="field">
          <button type="submit" className="secondary" disabled={action.busy || name.trim() === chapter.name}>
            {t("admin.settings.rename")}
            <span className="sr-only"> {chapter.name}</span>
          </button>
        </div>
      </form>
      <FormErrors messages={action.errors.general} />
      <Notice message={action.message} />
    </li>
  );
}

function Chapters({ chapters, done }: { chapters: { id: string; name: string; version: number }[]; done(): Promise<unknown> }) {
  const { t } = useI18n();
  const action = useAction(["name"], ADMIN_WORDING);
  const [name, setName] = useState("");
  return (
    <section className="panel" aria-labelledby="chapters-h">
      <h2 id="chapters-h">{t("admin.settings.chapters")}</h2>
      <p className="muted">{t("admin.settings.chaptersHint")}</p>
      <ul className="plain">
        {chapters.map((c) => (
          <ChapterRow key={c.id} chapter={c} done={done} />
        ))}
      </ul>
      <Notice message={action.message} />
      <form
        noValidate
        className="inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          if (!name.trim()) return action.fail({ name: t("admin.settings.chapterNameRequired") });
          if (await action.run(async () => (await request(CreateChapterDocument, { input: { name: name.trim() } })).createChapter.errors, t("admin.settings.chapterCreated", { name: name.trim() }))) {
            setName("");
            await done();
          }
        }}
      >
        <Field label={t("admin.settings.newChapter")} error={action.errors.fields.name}>
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <div className="field">
          <button type="submit" disabled={action.busy}>
            {t("admin.settings.addChapter")}
          </button>
        </div>
      </form>
      <FormErrors messages={action.errors.general} />
    </section>
  );
}

function LadderEditor({ ladder, done }: { ladder: Data["escalationLadder"]; done(): Promise<unknown> }) {
  const { t } = useI18n();
  const [levels, setLevels] = useState(ladder.map((l) => ({ name: l.name, days: String(l.responseWindowSchoolDays) })));
  useEffect(() => setLevels(ladder.map((l) => ({ name: l.name, days: String(l.responseWindowSchoolDays) }))), [ladder]);
  const known = levels.flatMap((_, i) => [`levels.${i}.name`, `levels.${i}.responseWindowSchoolDays`]);
  const action = useAction([...known, "levels"], ADMIN_WORDING);
  const set = (i: number, k: "name" | "days", v: string) => setLevels(levels.map((l, j) => (j === i ? { ...l, [k]: v } : l)));
  async function submit(e: FormEvent) {
    e.preventDefault();
    const problems: Record<string, string> = {};
    levels.forEach((l, i) => {
      if (!l.name.trim()) problems[`levels.${i}.name`] = t("admin.settings.levelNameRequired");
      if (!/^\d+$/.test(l.days.trim()) || Number(l.days) < 1) problems[`levels.${i}.responseWindowSchoolDays`] = t("admin.settings.daysInvalid");
    });
    if (levels.length === 0) problems.levels = t("admin.settings.oneLevel");
    if (Object.keys(problems).length) return action.fail(problems);
    const input = levels.map((l) => ({ name: l.name.trim(), responseWindowSchoolDays: Number(l.days) }));
    if (await action.run(async () => (await request(ConfigureLadderDocument, { levels: input })).configureEscalationLadder.errors, t("admin.settings.ladderSaved"))) await done();
  }
  return (
    <section className="panel" aria-labelledby="ladder-h">
      <h2 id="ladder-h">{t("admin.settings.ladder")}</h2>
      <p className="muted">{t("admin.settings.ladderHint")}</p>
      <Notice message={action.message} />
      <form onSubmit={submit} noValidate>
        <FormErrors messages={[...action.errors.general, ...(action.errors.fields.levels ? [action.errors.fields.levels] : [])]} />
        <ol>
          {levels.map((l, i) => (
            <li key={i}>
              <fieldset>
                <legend>{t("admin.settings.level", { level: i + 1 })}</legend>
                <div className="inline-form">
                  <Field label={t("admin.settings.levelName")} error={action.errors.fields[`levels.${i}.name`]} required>
                    {(p) => <input {...p} value={l.name} onChange={(e) => set(i, "name", e.target.value)} />}
                  </Field>
                  <Field label={t("admin.settings.window")} error={action.errors.fields[`levels.${i}.responseWindowSchoolDays`]} required>
                    {(p) => <input {...p} inputMode="numeric" value={l.days} onChange={(e) => set(i, "days", e.target.value)} />}
                  </Field>
                </div>
              </fieldset>
            </li>
          ))}
        </ol>
        <div className="actions">
          <button type="button" className="secondary" onClick={() => setLevels([...levels, { name: "", days: "10" }])}>
            {t("admin.settings.addLevel")}
          </button>
          <button type="button" className="secondary" disabled={levels.length <= 1} onClick={() => setLevels(levels.slice(0, -1))}>
            {t("admin.settings.removeLevel")}
          </button>
          <button type="submit" disabled={action.busy}>
            {t("admin.settings.saveLadder")}
          </button>
        </div>
      </form>
    </section>
  );
}

function DeadlineProfileForm({ current, profiles, done }: { current: string; profiles: Data["deadlineProfiles"]; done(): Promise<unknown> }) {
  const { t, te } = useI18n();
  const action = useAction(["profile"], ADMIN_WORDING);
  const [profile, setProfile] = useState(current);
  const chosen = profiles.find((p) => p.code === profile);
  return (
    <section className="panel" aria-labelledby="profile-h">
      <h2 id="profile-h">{t("admin.settings.deadlines")}</h2>
      <Notice message={action.message} />
      <form
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          if (await action.run(async () => (await request(SetDeadlineProfileDocument, { profile })).setDeadlineProfile.errors, t("admin.settings.profileSaved"))) await done();
        }}
      >
        <FormErrors messages={action.errors.general} />
        <Field label={t("admin.settings.profile")} hint={t("admin.settings.profileHint")} error={action.errors.fields.profile}>
          {(p) => (
            <select {...p} value={profile} onChange={(e) => setProfile(e.target.value)}>
              {profiles.map((x) => (
                <option key={x.code} value={x.code}>
                  {x.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        {chosen && (
          <ul>
            {chosen.rules.map((r) => (
              <li key={r.code}>
                {r.label}: {r.days} {te("DayCount", r.count, r.count === "SCHOOL_DAYS" ? t("admin.settings.schoolDays") : t("admin.settings.calendarDays"))}{" "}
                <span className="muted">({r.citation})</span>
              </li>
            ))}
          </ul>
        )}
        <button type="submit" disabled={action.busy || profile === current}>
          {t("admin.settings.saveProfile")}
        </button>
      </form>
    </section>
  );
}

/** "Require a second factor for everyone": a switch that saves at once and says what it now means. */
function TwoFactorRequirement({ required, myOwnIsOn, done }: { required: boolean; myOwnIsOn: boolean; done(): Promise<unknown> }) {
  const { t } = useI18n();
  const action = useAction(["required"], ADMIN_WORDING);
  const [on, setOn] = useState(required);
  // Saving and reading the settings back: the switch waits for both, or a second flip made while the first one's
  // settings were being read back would be undone by them.
  const [saving, setSaving] = useState(false);
  useEffect(() => setOn(required), [required]);
  const ownFirst = !myOwnIsOn && !on;
  async function change(next: boolean) {
    setOn(next);
    setSaving(true);
    try {
      const ok = await action.run(
        async () => (await request(SetTwoFactorRequirementDocument, { input: { required: next } })).setTwoFactorRequirement.errors,
        next ? t("admin.settings.twoFactorRequired") : t("admin.settings.twoFactorNotRequired"),
      );
      if (!ok) setOn(!next);
      await done();
    } finally {
      setSaving(false);
    }
  }
  return (
    <section className="panel" aria-labelledby="two-factor-h">
      <h2 id="two-factor-h">{t("admin.settings.twoFactor")}</h2>
      <p className="muted" id="two-factor-hint">
        {t("admin.settings.twoFactorHint")}
      </p>
      {/* requiring it without one of my own would leave me able to do nothing but enroll: enroll first */}
      {ownFirst && (
        <p className="warning" id="two-factor-own">
          {t("admin.settings.twoFactorOwnFirst")} <Link to={SECURITY_PATH}>{t("admin.settings.twoFactorOwnLink")}</Link>
        </p>
      )}
      <FormErrors messages={[...action.errors.general, ...(action.errors.fields.required ? [action.errors.fields.required] : [])]} />
      <label className="checkbox">
        <input
          type="checkbox"
          role="switch"
          checked={on}
          disabled={saving || ownFirst}
          aria-describedby={ownFirst ? "two-factor-hint two-factor-own" : "two-factor-hint"}
          onChange={(e) => void change(e.target.checked)}
        />{" "}
        {t("admin.settings.twoFactorSwitch")}
      </label>
      <Notice message={action.message} />
    </section>
  );
}

export default function Settings() {
  const { t } = useI18n();
  const { refresh } = useSession();
  usePageTitle(t("admin.settings.title"));
  const { data, error, loading, reload } = useQuery(SettingsDocument);
  if (error) return <LoadError error={error} />;
  if (loading && !data) return <Loading />;
  const me = data!.me!;
  const done = async () => {
    await Promise.all([reload(), refresh()]);
  };
  return (
    <>
      <AdminNav />
      <h1>{t("admin.settings.title")}</h1>
      <OrganizationForm org={me.organization} done={done} />
      <TwoFactorRequirement required={me.organization.requireTwoFactor} myOwnIsOn={me.twoFactorEnabled} done={done} />
      <Chapters chapters={me.organizationChapters} done={done} />
      <LadderEditor ladder={data!.escalationLadder} done={done} />
      <DeadlineProfileForm current={me.organization.deadlineProfile} profiles={data!.deadlineProfiles} done={done} />
    </>
  );
}
