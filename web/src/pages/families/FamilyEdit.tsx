// Editing a family's name and contact details (family:update): guardians, phone, email, language, interpreter.
// Only the fields I changed are sent, with the version read; if someone else saved meanwhile, the page shows the
// latest details and the form keeps my edits, to be saved over them (their other fields stay) or cancelled.
import { useState, type FormEvent } from "react";
import { graphql } from "../../gql";
import type { ContactChannel, FamilyPageQuery } from "../../gql/graphql";
import { CheckGroup, Field, FormErrors, Notice } from "../../components/forms";
import { useI18n } from "../../i18n/I18n";
import { request } from "../../lib/graphql";
import { useAction } from "../../lib/useAction";
import { isConflict } from "../cases/case/shared";
import { LanguageField } from "./LanguageField";
import { MAX_LENGTH } from "../../lib/limits";

const UpdateFamilyDocument = graphql(`
  mutation UpdateFamily($input: UpdateFamilyInput!) {
    updateFamily(input: $input) { family { id version } errors { code message field } }
  }
`);

type Family = NonNullable<FamilyPageQuery["family"]>;
type Guardian = { name: string; relationship: string; phone: string; email: string | null; language: string | null };

const FIELDS = ["displayName", "phone", "email", "preferredLanguage", "guardians", "addressArea", "contactChannels",
  "contactNotes"];

const CHANNELS: ContactChannel[] = ["PHONE", "SMS", "WHATSAPP", "EMAIL", "IN_PERSON", "MAIL"];

function formOf(f: Family) {
  return {
    displayName: f.displayName ?? "",
    phone: f.phone ?? "",
    email: f.email ?? "",
    addressArea: f.addressArea ?? "",
    contactChannels: [...f.contactChannels] as string[],
    contactNotes: f.contactNotes ?? "",
    preferredLanguage: f.preferredLanguage,
    interpreterNeeded: f.interpreterNeeded,
    guardians: (f.guardians ?? []).map<Guardian>((g) => ({
      name: g.name, relationship: g.relationship ?? "", phone: g.phone ?? "", email: g.email ?? null, language: g.language ?? null,
    })),
  };
}

export function FamilyEdit({ family, reload }: { family: Family; reload(): Promise<unknown> }) {
  const { t, te } = useI18n();
  const [form, setForm] = useState<ReturnType<typeof formOf> | null>(null);
  const [opened, setOpened] = useState<ReturnType<typeof formOf> | null>(null); // the details the form started from
  const guardianFields = (form?.guardians ?? []).flatMap((_, i) => [`guardians.${i}.name`, `guardians.${i}.phone`]);
  const action = useAction([...FIELDS, ...guardianFields]);

  if (!form) {
    return (
      <>
        <p>
          <button type="button" className="secondary" onClick={() => { action.reset(); setForm(formOf(family)); setOpened(formOf(family)); }}>
            {t("family.edit")}
          </button>
        </p>
        <Notice message={action.message} />
      </>
    );
  }
  const set = (k: "displayName" | "phone" | "email" | "addressArea" | "contactNotes") => (e: { target: { value: string } }) =>
    setForm({ ...form, [k]: e.target.value });
  const setGuardian = (i: number, k: "name" | "relationship" | "phone", value: string) =>
    setForm({ ...form, guardians: form.guardians.map((g, j) => (j === i ? { ...g, [k]: value } : g)) });

  async function save(e: FormEvent) {
    e.preventDefault();
    if (!form || !opened) return;
    const fields: Record<string, string> = {};
    if (!form.displayName.trim()) fields.displayName = t("intake.required");
    // empty rows are dropped from the form too, so that the rows and the server's "guardians.N" errors line up
    const guardians = form.guardians.filter((g) => g.name.trim() || g.relationship.trim() || g.phone.trim());
    if (guardians.length !== form.guardians.length) setForm({ ...form, guardians });
    guardians.forEach((g, i) => {
      if (!g.name.trim()) fields[`guardians.${i}.name`] = t("intake.required");
    });
    if (Object.keys(fields).length) return action.fail(fields, [t("intake.fixFields")]);
    const now = { ...form, guardians };
    const changed = <K extends keyof typeof now>(k: K) => JSON.stringify(now[k]) !== JSON.stringify(opened[k]);
    const input = {
      id: family.id,
      version: family.version,
      ...(changed("displayName") && { displayName: form.displayName.trim() }),
      ...(changed("phone") && { phone: form.phone.trim() || null }),
      ...(changed("email") && { email: form.email.trim() || null }),
      ...(changed("preferredLanguage") && { preferredLanguage: form.preferredLanguage }),
      ...(changed("interpreterNeeded") && { interpreterNeeded: form.interpreterNeeded }),
      ...(changed("addressArea") && { addressArea: form.addressArea.trim() || null }),
      ...(changed("contactChannels") && { contactChannels: form.contactChannels as ContactChannel[] }),
      ...(changed("contactNotes") && { contactNotes: form.contactNotes.trim() || null }),
      ...(changed("guardians") && {
        guardians: guardians.map((g) => ({
          name: g.name.trim(), relationship: g.relationship.trim() || null, phone: g.phone.trim() || null,
          email: g.email, language: g.language,
        })),
      }),
    };
    if (Object.keys(input).length === 2) return setForm(null); // nothing changed
    const ok = await action.run(
      async () => (await request(UpdateFamilyDocument, { input })).updateFamily.errors,
      {
        success: t("family.saved"),
        onErrors: async (errs, mapped) => {
          if (!isConflict(errs)) return mapped;
          await reload(); // the page shows the latest details; saving again puts mine over them
          return { fields: {}, general: [t("family.conflict")] };
        },
      },
    );
    if (ok) {
      setForm(null);
      await reload();
    }
  }

  return (
    <section className="panel" aria-labelledby="family-edit">
      <h2 id="family-edit">{t("family.edit")}</h2>
      <form onSubmit={save} noValidate>
        <FormErrors messages={action.errors.general} />
        <Field label={t("family.displayName")} error={action.errors.fields.displayName} required>
          {(p) => <input {...p} maxLength={MAX_LENGTH.name} value={form.displayName} onChange={set("displayName")} autoComplete="off" />}
        </Field>
        <fieldset>
          <legend>{t("family.guardians")}</legend>
          {form.guardians.map((g, i) => (
            <div className="grid2" key={i}>
              <Field label={t("family.guardianN", { n: i + 1 })} error={action.errors.fields[`guardians.${i}.name`]}>
                {(p) => <input {...p} maxLength={MAX_LENGTH.name} value={g.name} onChange={(e) => setGuardian(i, "name", e.target.value)} autoComplete="off" />}
              </Field>
              <Field label={t("family.relationship")}>
                {(p) => <input {...p} maxLength={MAX_LENGTH.relationship} value={g.relationship} onChange={(e) => setGuardian(i, "relationship", e.target.value)} autoComplete="off" />}
              </Field>
              <Field label={t("family.guardianPhone", { n: i + 1 })} error={action.errors.fields[`guardians.${i}.phone`]}>
                {(p) => <input {...p} type="tel" value={g.phone} onChange={(e) => setGuardian(i, "phone", e.target.value)} autoComplete="off" />}
              </Field>
            </div>
          ))}
          <button
            type="button"
            className="secondary"
            onClick={() => setForm({ ...form, guardians: [...form.guardians, { name: "", relationship: "", phone: "", email: null, language: null }] })}
          >
            {t("family.addGuardian")}
          </button>
        </fieldset>
        <div className="grid2">
          <Field label={t("family.phone")} error={action.errors.fields.phone}>
            {(p) => <input {...p} type="tel" value={form.phone} onChange={set("phone")} autoComplete="off" />}
          </Field>
          <Field label={t("family.email")} error={action.errors.fields.email}>
            {(p) => <input {...p} type="email" value={form.email} onChange={set("email")} autoComplete="off" />}
          </Field>
          <LanguageField value={form.preferredLanguage} onChange={(code) => setForm({ ...form, preferredLanguage: code })}
            error={action.errors.fields.preferredLanguage} />
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={form.interpreterNeeded} onChange={(e) => setForm({ ...form, interpreterNeeded: e.target.checked })} />
          {t("family.interpreterNeeded")}
        </label>
        <Field label={t("family.addressArea")} hint={t("family.addressAreaHint")} error={action.errors.fields.addressArea}>
          {(p) => <input {...p} maxLength={MAX_LENGTH.addressArea} value={form.addressArea} onChange={set("addressArea")} autoComplete="off" />}
        </Field>
        <CheckGroup
          legend={t("family.contactChannels")}
          options={CHANNELS.map((c) => ({ value: c, label: te("ContactChannel", c) }))}
          value={form.contactChannels}
          onChange={(v) => setForm({ ...form, contactChannels: v })}
          error={action.errors.fields.contactChannels}
        />
        <Field label={t("family.contactNotes")} hint={t("family.contactNotesHint")} error={action.errors.fields.contactNotes}>
          {(p) => <textarea {...p} maxLength={MAX_LENGTH.shortNote} value={form.contactNotes} onChange={set("contactNotes")} />}
        </Field>
        <div className="actions">
          <button type="submit" disabled={action.busy}>
            {t("family.save")}
          </button>
          <button type="button" className="secondary" disabled={action.busy} onClick={() => setForm(null)}>
            {t("common.cancel")}
          </button>
        </div>
      </form>
    </section>
  );
}
