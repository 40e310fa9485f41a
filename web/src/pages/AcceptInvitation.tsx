// /accept-invite?token=…: the page an invitation mail opens. The invitee chooses a name and a password, joins the
// organization and is signed in (acceptInvitation answers like login and sets the session cookie).
import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router-dom";
import { graphql } from "../gql";
import { Field, FormErrors, usePageTitle } from "../components/forms";
import { useI18n } from "../i18n/I18n";
import { request } from "../lib/graphql";
import { MissingLink, passwordProblem, placeLinkErrors, useMailedLink } from "../lib/mailedLink";
import { useSession, type Me } from "../lib/session";
import { useAction } from "../lib/useAction";

const AcceptInvitationDocument = graphql(`
  mutation AcceptInvitation($input: AcceptInvitationInput!) {
    acceptInvitation(input: $input) {
      me { ...SessionMe }
      errors { code message field }
    }
  }
`);

export default function AcceptInvitation() {
  const { t, lang } = useI18n();
  const { signedIn } = useSession();
  const navigate = useNavigate();
  const token = useMailedLink();
  const [displayName, setDisplayName] = useState("");
  const [password, setPassword] = useState("");
  const { busy, errors, fail, run } = useAction(["displayName", "password"]);
  usePageTitle(t("acceptInvite.title"));

  async function submit(e: FormEvent) {
    e.preventDefault();
    const fields: Record<string, string> = {};
    const name = displayName.trim();
    if (!name) fields.displayName = t("acceptInvite.nameRequired");
    else if (name.length > 200) fields.displayName = t("acceptInvite.nameTooLong");
    const weak = passwordProblem(password, t);
    if (weak) fields.password = weak;
    if (Object.keys(fields).length) return fail(fields);
    let joined: Me | null | undefined;
    const ok = await run(
      async () => {
        const result = (await request(AcceptInvitationDocument, { input: { token, password, displayName: name } }))
          .acceptInvitation;
        joined = result.me;
        return result.errors;
      },
      {
        // the link's own problem (used, expired, unknown) in the page's words, on top
        onErrors: (errs) => placeLinkErrors(errs, ["displayName", "password"], t("acceptInvite.invalid"), t, lang).mapped,
      },
    );
    if (ok && joined) {
      signedIn(joined);
      navigate("/", { replace: true });
    }
  }

  return (
    <div className="narrow">
      <h1>{t("acceptInvite.title")}</h1>
      {!token ? (
        <MissingLink />
      ) : (
        <form onSubmit={submit} noValidate>
          <p>{t("acceptInvite.intro")}</p>
          <FormErrors messages={errors.general} />
          <Field label={t("acceptInvite.name")} error={errors.fields.displayName} required>
            {(p) => (
              <input {...p} autoComplete="name" maxLength={200} value={displayName}
                onChange={(e) => setDisplayName(e.target.value)} />
            )}
          </Field>
          <Field label={t("acceptInvite.password")} hint={t("mailedLink.password.hint")} error={errors.fields.password} required>
            {(p) => (
              <input {...p} type="password" autoComplete="new-password" value={password}
                onChange={(e) => setPassword(e.target.value)} />
            )}
          </Field>
          <button type="submit" disabled={busy}>
            {busy ? t("acceptInvite.busy") : t("acceptInvite.submit")}
          </button>
        </form>
      )}
    </div>
  );
}
