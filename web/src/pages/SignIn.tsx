import { useEffect, useRef, useState, type FormEvent } from "react";
import { Navigate, useLocation, useNavigate, useSearchParams } from "react-router-dom";
import { graphql } from "../gql";
import { Field, FormErrors, usePageTitle } from "../components/forms";
import { useI18n } from "../i18n/I18n";
import { request } from "../lib/graphql";
import { useAction } from "../lib/useAction";
import { useSession, type Me } from "../lib/session";
import { ForgotPassword } from "./ForgotPassword";
import { checkCode, codeInput, describeCodeError, normalizeCode } from "./account/twoFactor";

const LoginDocument = graphql(`
  mutation Login($input: LoginInput!) {
    login(input: $input) {
      me { ...SessionMe }
      errors { code message field }
    }
  }
`);

/** Only same-app paths: never an absolute or protocol-relative URL from the query string. */
function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

export default function SignIn() {
  const { t, lang } = useI18n();
  const { me, signedIn } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  // "passwordChanged": sent here by the reset page (/reset-password) once the new password is set
  const notice = (useLocation().state as { notice?: string } | null)?.notice;
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const { busy, errors, fail, run } = useAction(["email", "password"]);
  // A second factor is on for the account: the server answered TWO_FACTOR_REQUIRED, the form asks for a code.
  const [needCode, setNeedCode] = useState(false);
  const [code, setCode] = useState("");
  const codeBox = useRef<HTMLInputElement>(null);
  const [codeAsked, setCodeAsked] = useState(0);
  useEffect(() => {
    if (codeAsked) codeBox.current?.focus();
  }, [codeAsked]);
  // "Forgot your password?" shows its own small form in place of this one; back here, focus returns to the link.
  const [forgot, setForgot] = useState(false);
  const forgotButton = useRef<HTMLButtonElement>(null);
  const returning = useRef(false);
  useEffect(() => {
    if (!forgot && returning.current) forgotButton.current?.focus();
    returning.current = false;
  }, [forgot]);
  usePageTitle(t("signIn.title"));

  if (me && !busy) return <Navigate to={safeNext(params.get("next"))} replace />;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const fields: Record<string, string> = {};
    if (!email.trim()) fields.email = t("signIn.emailRequired");
    if (!password) fields.password = t("signIn.passwordRequired");
    const codeProblem = needCode ? checkCode(code, t) : null;
    if (codeProblem) fields.totpCode = codeProblem;
    if (Object.keys(fields).length) {
      if (codeProblem && !fields.email && !fields.password) codeBox.current?.focus();
      return fail(fields);
    }
    let signedInAs: Me | null | undefined;
    const ok = await run(
      async () => {
        const input = { email: email.trim(), password, ...(needCode ? { totpCode: normalizeCode(code) } : {}) };
        const result = (await request(LoginDocument, { input })).login;
        signedInAs = result.me;
        return result.errors;
      },
      {
        onErrors: (errs, mapped) => {
          if (errs.some((x) => x.code === "TWO_FACTOR_REQUIRED")) {
            // email and password were right: ask for the code (and say so if one was expected already)
            setNeedCode(true);
            setCodeAsked((n) => n + 1);
            return { fields: needCode ? { totpCode: t("twoFactor.codeRequired") } : {}, general: [] };
          }
          const codeError = errs.find((x) => x.field === "totpCode" || (needCode && x.code === "RATE_LIMITED"));
          if (codeError) {
            // a wrong or reused code, or too many wrong ones: next to the code field
            setCode("");
            setCodeAsked((n) => n + 1);
            return { fields: { totpCode: describeCodeError(codeError, t, lang, "signIn") }, general: [] };
          }
          // A failed sign-in names no field on purpose (no hint which one was wrong): its one message on top, and
          // not the usual wording of UNAUTHENTICATED ("your session has ended") beside the password the server names.
          if (errs.some((x) => x.code === "UNAUTHENTICATED")) return { fields: {}, general: [t("signIn.failed")] };
          return mapped;
        },
      },
    );
    if (ok && signedInAs) {
      signedIn(signedInAs);
      navigate(safeNext(params.get("next")), { replace: true });
    }
  }

  return (
    <div className="narrow">
      <h1>{t("signIn.title")}</h1>
      <div role="status">{notice === "passwordChanged" && <p className="notice">{t("signIn.passwordChanged")}</p>}</div>
      {forgot ? (
        <ForgotPassword
          email={email}
          close={() => {
            returning.current = true;
            setForgot(false);
          }}
        />
      ) : (
        <>
          <form onSubmit={submit} noValidate>
            <FormErrors messages={errors.general} />
            <Field label={t("signIn.email")} error={errors.fields.email} required>
              {(p) => <input {...p} type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} />}
            </Field>
            <Field label={t("signIn.password")} error={errors.fields.password} required>
              {(p) => (
                <input {...p} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
              )}
            </Field>
            {/* announced: the code field when it appears, and what was wrong with a code */}
            <div aria-live="polite">
              {needCode && (
                <Field label={t("twoFactor.codeLabel")} hint={t("signIn.codeHint")} error={errors.fields.totpCode} required>
                  {(p) => <input {...p} {...codeInput} ref={codeBox} name="totpCode" value={code} onChange={(e) => setCode(e.target.value)} />}
                </Field>
              )}
            </div>
            <button type="submit" disabled={busy}>
              {busy ? t("signIn.busy") : t("signIn.submit")}
            </button>
          </form>
          <p>
            <button type="button" className="link" ref={forgotButton} onClick={() => setForgot(true)}>
              {t("signIn.forgot.open")}
            </button>
          </p>
        </>
      )}
    </div>
  );
}
