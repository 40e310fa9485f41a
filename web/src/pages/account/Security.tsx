// My account's security: the optional second factor (one-time codes from an authenticator app). Turning it on
// shows a QR code and the key for manual entry, then asks for a code; turning it off asks for a code too, and is
// refused while my organization requires it. A member who must still enroll is brought here (app/App.tsx).
import QRCode from "qrcode";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { Field, FormErrors, LoadError, Loading, usePageTitle } from "../../components/forms";
import { graphql } from "../../gql";
import { useI18n } from "../../i18n/I18n";
import { describeError, type UserError } from "../../lib/errors";
import { RequestError, request } from "../../lib/graphql";
import { useSession } from "../../lib/session";
import { useQuery } from "../../lib/useQuery";
import { checkCode, codeInput, describeCodeError, groupSecret, normalizeCode } from "./twoFactor";
import "./account.css";

const SecurityDocument = graphql(`
  query SecurityPage {
    me { twoFactorEnabled twoFactorEnrollmentRequired organization { id requireTwoFactor } }
  }
`);
const BeginDocument = graphql(`
  mutation BeginTwoFactorEnrollment {
    beginTwoFactorEnrollment { secret otpauthUri errors { code message field } }
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

interface FormState {
  busy: boolean;
  code?: string;
  general: string[];
}

/** Errors of a code mutation: about the code next to the field, the rest on top. */
function splitCodeErrors(errors: readonly UserError[], t: (k: string, v?: Record<string, string | number>) => string, lang: string): { code?: string; general: string[] } {
  const codeError = errors.find((e) => e.field === "code" || e.code === "RATE_LIMITED");
  const general = errors.filter((e) => e !== codeError).map((e) => describeError(e, t, lang));
  return { code: codeError ? describeCodeError(codeError, t, lang) : undefined, general };
}

function TurnOn({ done }: { done(): Promise<void> }) {
  const { t, lang } = useI18n();
  const [enrollment, setEnrollment] = useState<{ secret: string; uri: string; qr: string } | null>(null);
  const [code, setCode] = useState("");
  const [state, setState] = useState<FormState>({ busy: false, general: [] });
  const stepsHeading = useRef<HTMLHeadingElement>(null);
  const codeBox = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (enrollment) stepsHeading.current?.focus();
  }, [enrollment]);

  async function begin() {
    setState({ busy: true, general: [] });
    try {
      const result = (await request(BeginDocument)).beginTwoFactorEnrollment;
      if (result.errors.length || !result.secret || !result.otpauthUri) {
        setState({ busy: false, general: result.errors.map((e) => describeError(e, t, lang)) });
        if (result.errors.some((e) => e.code === "CONFLICT")) await done(); // on meanwhile (another tab)
        return;
      }
      const qr = await QRCode.toString(result.otpauthUri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
      setCode("");
      setEnrollment({ secret: result.secret, uri: result.otpauthUri, qr: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(qr)}` });
      setState({ busy: false, general: [] });
    } catch (err) {
      setState({ busy: false, general: [describeError(err as RequestError, t, lang)] });
    }
  }

  async function confirm(e: FormEvent) {
    e.preventDefault();
    const problem = checkCode(code, t);
    if (problem) {
      setState({ busy: false, code: problem, general: [] });
      codeBox.current?.focus();
      return;
    }
    setState({ busy: true, general: [] });
    try {
      const result = (await request(ConfirmDocument, { input: { code: normalizeCode(code) } })).confirmTwoFactorEnrollment;
      if (!result.ok) {
        setState({ busy: false, ...splitCodeErrors(result.errors, t, lang) });
        setCode("");
        codeBox.current?.focus();
        return;
      }
      await done();
    } catch (err) {
      setState({ busy: false, general: [describeError(err as RequestError, t, lang)] });
    }
  }

  if (!enrollment) {
    return (
      <>
        <FormErrors messages={state.general} />
        <button type="button" onClick={begin} disabled={state.busy}>
          {state.busy ? t("account.security.starting") : t("account.security.turnOn")}
        </button>
      </>
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
            <FormErrors messages={state.general} />
            <div aria-live="polite">
              <Field label={t("twoFactor.codeLabel")} hint={t("account.security.stepCode")} error={state.code} required>
                {(p) => <input {...p} {...codeInput} ref={codeBox} value={code} onChange={(e) => setCode(e.target.value)} />}
              </Field>
            </div>
            <div className="actions">
              <button type="submit" disabled={state.busy}>
                {state.busy ? t("account.security.checking") : t("account.security.confirm")}
              </button>
              <button type="button" className="secondary" disabled={state.busy} onClick={() => setEnrollment(null)}>
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
  const { t, lang } = useI18n();
  const [code, setCode] = useState("");
  const [state, setState] = useState<FormState>({ busy: false, general: [] });
  const codeBox = useRef<HTMLInputElement>(null);
  if (required) return <p>{t("account.security.requiredCannotTurnOff")}</p>;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const problem = checkCode(code, t);
    if (problem) {
      setState({ busy: false, code: problem, general: [] });
      codeBox.current?.focus();
      return;
    }
    setState({ busy: true, general: [] });
    try {
      const result = (await request(DisableDocument, { input: { code: normalizeCode(code) } })).disableTwoFactor;
      if (!result.ok) {
        // refused because my organization now requires it: say why, and show the page as it is now
        if (result.errors.some((x) => x.code === "FORBIDDEN")) {
          setState({ busy: false, general: [t("account.security.requiredCannotTurnOff")] });
          await done();
          return;
        }
        setState({ busy: false, ...splitCodeErrors(result.errors, t, lang) });
        setCode("");
        codeBox.current?.focus();
        return;
      }
      await done();
    } catch (err) {
      setState({ busy: false, general: [describeError(err as RequestError, t, lang)] });
    }
  }

  return (
    <form onSubmit={submit} noValidate>
      <FormErrors messages={state.general} />
      <div aria-live="polite">
        <Field label={t("twoFactor.codeLabel")} hint={t("account.security.turnOffHint")} error={state.code} required>
          {(p) => <input {...p} {...codeInput} ref={codeBox} value={code} onChange={(e) => setCode(e.target.value)} />}
        </Field>
      </div>
      <button type="submit" className="secondary" disabled={state.busy}>
        {state.busy ? t("account.security.checking") : t("account.security.turnOff")}
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
