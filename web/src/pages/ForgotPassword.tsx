// "Forgot your password?" on the sign-in page: asks for a reset link (requestPasswordReset). The answer is the
// same whether or not an account uses the address, so the confirmation is neutral too; the mailed link opens the
// app's /reset-password page (ResetPassword.tsx).
import { useEffect, useRef, useState, type FormEvent } from "react";
import { graphql } from "../gql";
import { Field, FormErrors } from "../components/forms";
import { useI18n } from "../i18n/I18n";
import { describeError } from "../lib/errors";
import { RequestError, request } from "../lib/graphql";

const RequestPasswordResetDocument = graphql(`
  mutation RequestPasswordReset($input: RequestPasswordResetInput!) {
    requestPasswordReset(input: $input) { ok validMinutes errors { code message field } }
  }
`);

/** The panel under the sign-in form. `email`: what the sign-in form holds, as a start. `close`: back to signing in. */
export function ForgotPassword({ email: initial, close }: { email: string; close(): void }) {
  const { t, lang } = useI18n();
  const [email, setEmail] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [general, setGeneral] = useState<string[]>([]);
  const [sent, setSent] = useState<number | null>(null); // the link's validity in minutes, once asked
  const input = useRef<HTMLInputElement>(null);
  const confirmation = useRef<HTMLParagraphElement>(null);

  useEffect(() => input.current?.focus(), []);
  useEffect(() => {
    if (sent !== null) confirmation.current?.focus();
  }, [sent]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const value = email.trim();
    if (!value) return setFieldError(t("signIn.emailRequired"));
    if (!/^\S+@\S+\.\S+$/.test(value)) return setFieldError(t("signIn.forgot.emailInvalid"));
    setFieldError(undefined);
    setGeneral([]);
    setBusy(true);
    try {
      const result = (await request(RequestPasswordResetDocument, { input: { email: value } })).requestPasswordReset;
      if (result.errors.length) setGeneral(result.errors.map((x) => x.message));
      else setSent(result.validMinutes);
    } catch (err) {
      setGeneral([describeError(err as RequestError, t, lang)]);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel" id="forgot-password" aria-labelledby="forgot-h">
      <h2 id="forgot-h">{t("signIn.forgot.title")}</h2>
      {/* Always rendered, so screen readers announce the confirmation when it appears. */}
      <div role="status" aria-live="polite">
        {sent !== null && (
          <p className="notice" ref={confirmation} tabIndex={-1}>
            {t("signIn.forgot.sent", { count: sent, n: sent })}
          </p>
        )}
      </div>
      {sent === null && (
        <form onSubmit={submit} noValidate>
          <p className="muted">{t("signIn.forgot.intro")}</p>
          <FormErrors messages={general} />
          <Field label={t("signIn.email")} error={fieldError} required>
            {(p) => (
              <input {...p} ref={input} type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} />
            )}
          </Field>
          <button type="submit" disabled={busy}>
            {busy ? t("signIn.forgot.busy") : t("signIn.forgot.submit")}
          </button>
        </form>
      )}
      <p>
        <button type="button" className="link" onClick={close}>
          {t("signIn.forgot.back")}
        </button>
      </p>
    </section>
  );
}
