// "Forgot your password?" on the sign-in page: asks for a reset link (requestPasswordReset). The answer is the
// same whether or not an account uses the address, so the confirmation is neutral too; the mailed link opens the
// app's /reset-password page (ResetPassword.tsx).
import { useEffect, useRef, useState, type FormEvent } from "react";
import { graphql } from "../gql";
import { Field, FormErrors } from "../components/forms";
import { useI18n } from "../i18n/I18n";
import { request } from "../lib/graphql";
import { useAction } from "../lib/useAction";

const RequestPasswordResetDocument = graphql(`
  mutation RequestPasswordReset($input: RequestPasswordResetInput!) {
    requestPasswordReset(input: $input) { ok validMinutes errors { code message field } }
  }
`);

/** The panel under the sign-in form. `email`: what the sign-in form holds, as a start. `close`: back to signing in. */
export function ForgotPassword({ email: initial, close }: { email: string; close(): void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState(initial);
  const { busy, errors, fail, reset, run } = useAction([]);
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
    if (!value) return fail({ email: t("signIn.emailRequired") });
    if (!/^\S+@\S+\.\S+$/.test(value)) return fail({ email: t("signIn.forgot.emailInvalid") });
    reset();
    let validMinutes = 0;
    const ok = await run(
      async () => {
        const result = (await request(RequestPasswordResetDocument, { input: { email: value } })).requestPasswordReset;
        validMinutes = result.validMinutes;
        return result.errors;
      },
      // shown as the server words them
      { onErrors: (errs) => ({ fields: {}, general: errs.map((x) => x.message) }) },
    );
    if (ok) setSent(validMinutes);
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
          <FormErrors messages={errors.general} />
          <Field label={t("signIn.email")} error={errors.fields.email} required>
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
