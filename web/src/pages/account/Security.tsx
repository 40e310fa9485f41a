// My account's security: the optional second factor (one-time codes from an authenticator app). Turning it on
// shows a QR code and the key for manual entry, then asks for a code; turning it off asks for a code too, and is
// refused while my organization requires it. A member who must still enroll is brought here (app/App.tsx).
import QRCode from "qrcode";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { Field, FormErrors, LoadError, Loading, usePageTitle } from "../../components/forms";
import { graphql } from "../../gql";
import { useI18n } from "../../i18n/I18n";
import { describeError, type MappedErrors, type UserError } from "../../lib/errors";
import { request } from "../../lib/graphql";
import { useSession } from "../../lib/session";
import { useAction } from "../../lib/useAction";
import { useQuery } from "../../lib/useQuery";
import { checkCode, codeInput, describeCodeError, groupSecret, normalizeCode } from "./twoFactor";
import "./account.css";

const SecurityDocument = graphql(`
  query SecurityPage {
    me { twoFactorEnabled twoFactorEnrollmentRequired organization { id requireTwoFactor } }
  }
`);
const BeginDocument = graphql(`
  mutation BeginTwoFactorEnrollment($input: BeginTwoFactorEnrollmentInput!) {
    beginTwoFactorEnrollment(input: $input) { secret otpauthUri errors { code message field } }
  }
`);
const ConfirmDocument = graphql(`
  mutation ConfirmTwoFactorEnrollment($input: ConfirmTwoFactorEnrollmentInput!) {
    confirmTwoFactorEnrollment(input: $input) { ok errors { code message field } }
  }
`);
const DisableDocument = graphql(`
  mutation DisableTwoFactor($input: DisableTwoFactorInput!) {
    disableTwoFactor(input: $input) { ok errors { code message field } }
  }
`);

/** A form that asks for a one-time code: the code, its box, the form's mutation state and the code's problems. */
function useCodeForm() {
  const { t, lang } = useI18n();
  const [code, setCode] = useState("");
  const codeBox = useRef<HTMLInputElement>(null);
  const action = useAction([]);
  return {
    code,
    setCode,
    codeBox,
    action,
    /** False, with the problem beside the (focused) box, when the code is missing or malformed. */
    checked(): boolean {
      const problem = checkCode(code, t);
      if (problem) {
        action.fail({ code: problem });
        codeBox.current?.focus();
        return false;
      }
      action.reset();
      return true;
    },
    /** A refused code mutation: the code's error beside the emptied, focused box; the rest on top. */
    refused(errors: readonly UserError[]): MappedErrors {
      setCode("");
      codeBox.current?.focus();
      const codeError = errors.find((e) => e.field === "code" || e.code === "RATE_LIMITED");
      const general = errors.filter((e) => e !== codeError).map((e) => describeError(e, t, lang));
      return { fields: codeError ? { code: describeCodeError(codeError, t, lang) } : {}, general };
    },
  };
}

function TurnOn({ done }: { done(): Promise<void> }) {
  const { t } = useI18n();
  const [enrollment, setEnrollment] = useState<{ secret: string; uri: string; qr: string } | null>(null);
  const [password, setPassword] = useState("");
  const passwordBox = useRef<HTMLInputElement>(null);
  const starting = useAction(["password"]);
  const { code, setCode, codeBox, action, checked, refused } = useCodeForm();
  const { busy, errors, run } = action;
  const stepsHeading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (enrollment) stepsHeading.current?.focus();
  }, [enrollment]);

  // My password first: a session alone (a borrowed or stolen one) must not put its own second factor on my account.
  async function begin(e: FormEvent) {
    e.preventDefault();
    if (!password) {
      starting.fail({ password: t("account.security.passwordRequired") });
      passwordBox.current?.focus();
      return;
    }
    let started: { secret: string; uri: string; qr: string } | undefined;
    let onMeanwhile = false;
    await starting.run(async () => {
      const result = (await request(BeginDocument, { input: { password } })).beginTwoFactorEnrollment;
      if (result.errors.length || !result.secret || !result.otpauthUri) {
        onMeanwhile = result.errors.some((e) => e.code === "CONFLICT");
        return result.errors;
      }
      const qr = await QRCode.toString(result.otpauthUri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
      started = { secret: result.secret, uri: result.otpauthUri, qr: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(qr)}` };
      return [];
    });
    if (onMeanwhile) await done(); // on meanwhile (another tab)
    if (started) {
      setPassword("");
      setCode("");
      setEnrollment(started);
    } else {
      passwordBox.current?.focus();
    }
  }

  async function confirm(e: FormEvent) {
    e.preventDefault();
    if (!checked()) return;
    const ok = await run(async () => (await request(ConfirmDocument, { input: { code: normalizeCode(code) } })).confirmTwoFactorEnrollment.errors, {
      onErrors: refused,
    });
    if (ok) await done();
  }

  if (!enrollment) {
    return (
      <form onSubmit={begin} noValidate>
        <FormErrors messages={starting.errors.general} />
        <div aria-live="polite">
          <Field label={t("account.security.password")} hint={t("account.security.passwordHint")} error={starting.errors.fields.password} required>
            {(p) => (
              <input {...p} ref={passwordBox} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
            )}
          </Field>
        </div>
        <button type="submit" disabled={starting.busy}>
          {starting.busy ? t("account.security.starting") : t("account.security.turnOn")}
        </button>
      </form>
    );
  }
  return (
    <div className="two-factor-setup">
      <h3 ref={stepsHeading} tabIndex={-1}>
        {t("account.security.setupTitle")}
      </h3>
      <ol>
        <li>
          <p>{t("account.security.stepScan")}</p>
          <img className="qr" src={enrollment.qr} width={200} height={200} alt={t("account.security.qrAlt")} />
        </li>
        <li>
          <p id="secret-label">{t("account.security.stepKey")}</p>
          <p>
            <code className="secret" aria-labelledby="secret-label" data-secret={enrollment.secret}>
              {groupSecret(enrollment.secret)}
            </code>
          </p>
        </li>
        <li>
          <form onSubmit={confirm} noValidate>
            <FormErrors messages={errors.general} />
            <div aria-live="polite">
              <Field label={t("twoFactor.codeLabel")} hint={t("account.security.stepCode")} error={errors.fields.code} required>
                {(p) => <input {...p} {...codeInput} ref={codeBox} value={code} onChange={(e) => setCode(e.target.value)} />}
              </Field>
            </div>
            <div className="actions">
              <button type="submit" disabled={busy}>
                {busy ? t("account.security.checking") : t("account.security.confirm")}
              </button>
              <button type="button" className="secondary" disabled={busy} onClick={() => setEnrollment(null)}>
                {t("common.cancel")}
              </button>
            </div>
          </form>
        </li>
      </ol>
    </div>
  );
}

function TurnOff({ required, done }: { required: boolean; done(): Promise<void> }) {
  const { t } = useI18n();
  const { code, setCode, codeBox, action, checked, refused } = useCodeForm();
  const { busy, errors, run } = action;
  if (required) return <p>{t("account.security.requiredCannotTurnOff")}</p>;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!checked()) return;
    let nowRequired = false;
    const ok = await run(async () => (await request(DisableDocument, { input: { code: normalizeCode(code) } })).disableTwoFactor.errors, {
      onErrors: (errs) => {
        // refused because my organization now requires it: say why, and show the page as it is now
        if (errs.some((x) => x.code === "FORBIDDEN")) {
          nowRequired = true;
          return { fields: {}, general: [t("account.security.requiredCannotTurnOff")] };
        }
        return refused(errs);
      },
    });
    if (ok || nowRequired) await done();
  }

  return (
    <form onSubmit={submit} noValidate>
      <FormErrors messages={errors.general} />
      <div aria-live="polite">
        <Field label={t("twoFactor.codeLabel")} hint={t("account.security.turnOffHint")} error={errors.fields.code} required>
          {(p) => <input {...p} {...codeInput} ref={codeBox} value={code} onChange={(e) => setCode(e.target.value)} />}
        </Field>
      </div>
      <button type="submit" className="secondary" disabled={busy}>
        {busy ? t("account.security.checking") : t("account.security.turnOff")}
      </button>
    </form>
  );
}

export default function Security() {
  const { t } = useI18n();
  const { refresh } = useSession();
  usePageTitle(t("account.security.title"));
  const { data, error, loading, reload } = useQuery(SecurityDocument);
  const [message, setMessage] = useState<{ text: string; continueLink: boolean } | null>(null);
  const messageRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (message) messageRef.current?.focus();
  }, [message]);

  if (error) return <LoadError error={error} />;
  if (loading && !data) return <Loading />;
  const me = data?.me;
  if (!me) return <Loading />;

  /** After turning it on or off: the page and the session (my permissions) as the server now has them. */
  const changed = async () => {
    const wasPending = me.twoFactorEnrollmentRequired;
    const [now] = await Promise.all([reload(), refresh()]);
    const on = !!now?.me?.twoFactorEnabled;
    if (on === me.twoFactorEnabled) return; // nothing changed (refused, or changed elsewhere meanwhile)
    setMessage({ text: on ? t("account.security.turnedOn") : t("account.security.turnedOff"), continueLink: on && wasPending });
  };

  return (
    <div className="narrow">
      <h1>{t("account.security.title")}</h1>
      {me.twoFactorEnrollmentRequired && (
        <div className="warning" role="note">
          <p>
            <strong>{t("account.security.requiredTitle")}</strong>
          </p>
          <p>{t("account.security.requiredBody")}</p>
        </div>
      )}
      <section className="panel" aria-labelledby="two-factor-h">
        <h2 id="two-factor-h">{t("account.security.twoFactor")}</h2>
        <p className="muted">{t("account.security.intro")}</p>
        <div role="status">
          {message && (
            <p className="notice" ref={messageRef} tabIndex={-1}>
              {message.text}
              {message.continueLink && (
                <>
                  {" "}
                  <Link to="/">{t("account.security.continue")}</Link>
                </>
              )}
            </p>
          )}
        </div>
        <p>
          <strong>{me.twoFactorEnabled ? t("account.security.isOn") : t("account.security.isOff")}</strong>
        </p>
        <p className="muted">{t("account.security.sessionsNote")}</p>
        {me.twoFactorEnabled ? (
          <TurnOff required={me.organization.requireTwoFactor} done={changed} />
        ) : (
          <TurnOn done={changed} />
        )}
      </section>
    </div>
  );
}
