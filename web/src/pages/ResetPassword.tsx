// /reset-password?token=…: the page a password reset mail opens. The new password ends every session of the
// account (this browser's too, if it was signed in as that account): then sign in with it.
import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router-dom";
import { graphql } from "../gql";
import { Field, FormErrors, usePageTitle } from "../components/forms";
import { useI18n } from "../i18n/I18n";
import { request } from "../lib/graphql";
import { MissingLink, passwordProblem, placeLinkErrors, useMailedLink } from "../lib/mailedLink";
import { useSession } from "../lib/session";
import { useAction } from "../lib/useAction";

const ResetPasswordDocument = graphql(`
  mutation ResetPassword($input: ResetPasswordInput!) {
    resetPassword(input: $input) { ok errors { code message field } }
  }
`);

export default function ResetPassword() {
  const { t, lang } = useI18n();
  const { refresh } = useSession();
  const navigate = useNavigate();
  const token = useMailedLink();
  const [password, setPassword] = useState("");
  const { busy, errors, fail, run } = useAction(["newPassword"]);
  const [linkFailed, setLinkFailed] = useState(false);
  usePageTitle(t("resetPassword.title"));

  async function submit(e: FormEvent) {
    e.preventDefault();
    const weak = passwordProblem(password, t);
    fail(weak ? { newPassword: weak } : {});
    if (weak) return;
    const ok = await run(
      async () => (await request(ResetPasswordDocument, { input: { token, newPassword: password } })).resetPassword.errors,
      {
        // the link's own problem (used, expired, unknown) in the page's words, on top
        onErrors: (errs) => {
          const { mapped, linkFailed: failed } = placeLinkErrors(errs, ["newPassword"], t("resetPassword.invalid"), t, lang);
          setLinkFailed(failed);
          return mapped;
        },
      },
    );
    if (ok) {
      await refresh(); // if this browser was signed in as the account, that session has ended
      navigate("/sign-in", { replace: true, state: { notice: "passwordChanged" } });
    }
  }

  return (
    <div className="narrow">
      <h1>{t("resetPassword.title")}</h1>
      {!token ? (
        <MissingLink />
      ) : (
        <>
          <form onSubmit={submit} noValidate>
            <p>{t("resetPassword.intro")}</p>
            <FormErrors messages={errors.general} />
            <Field label={t("resetPassword.password")} hint={t("mailedLink.password.hint")} error={errors.fields.newPassword} required>
              {(p) => (
                <input {...p} type="password" autoComplete="new-password" value={password}
                  onChange={(e) => setPassword(e.target.value)} />
              )}
            </Field>
            <button type="submit" disabled={busy}>
              {busy ? t("resetPassword.busy") : t("resetPassword.submit")}
            </button>
          </form>
          {linkFailed && (
            <p>
              <Link to="/sign-in">{t("mailedLink.signIn")}</Link>
            </p>
          )}
        </>
      )}
    </div>
  );
}
