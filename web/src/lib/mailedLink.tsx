// The pages a link in an email opens (/accept-invite?token=…&lang=…, /reset-password?token=…&lang=…).
import { useEffect, useState } from "react";
import { Link, useLocation, useNavigate } from "react-router-dom";
import { FormErrors } from "../components/forms";
import { useI18n } from "../i18n/I18n";
import { mapErrors, normalizeField, type MappedErrors, type Translate, type UserError } from "./errors";

export const MIN_PASSWORD = 10; // as the server (domain/identity/service.py)
export const MAX_PASSWORD = 1000;

/**
 * The link's token. It is kept in memory and taken out of the address bar (and so out of this tab's history);
 * the server sends the app with Referrer-Policy: no-referrer, so it never leaves as a Referer either. The mail's
 * language (`lang`) is the page's unless a language was chosen in this browser's menu.
 */
export function useMailedLink(): string {
  const location = useLocation();
  const navigate = useNavigate();
  const { adopt } = useI18n();
  const [params] = useState(() => new URLSearchParams(location.search));
  const lang = params.get("lang");
  useEffect(() => {
    if (lang) adopt(lang.toLowerCase());
  }, [lang, adopt]);
  useEffect(() => {
    if (location.search) navigate(location.pathname, { replace: true });
  }, [location.search, location.pathname, navigate]);
  return params.get("token") ?? "";
}

/** What is wrong with a new password, in the page's language, or undefined. */
export function passwordProblem(password: string, t: Translate): string | undefined {
  if (password.length < MIN_PASSWORD) return t("mailedLink.password.tooShort");
  if (password.length > MAX_PASSWORD) return t("mailedLink.password.tooLong");
  return undefined;
}

/** A mutation's errors on a mailed-link page: the link's own problem (used, expired, unknown) as `invalid`, in
 * the page's words, on top; the rest beside the form's `fields`. */
export function placeLinkErrors(errs: readonly UserError[], fields: readonly string[], invalid: string,
                                t: Translate, lang: string): { mapped: MappedErrors; linkFailed: boolean } {
  const onLink = (x: UserError) => normalizeField(x.field) === "token";
  const linkFailed = errs.some(onLink);
  const mapped = mapErrors(errs.filter((x) => !onLink(x)), fields, t, lang);
  return { mapped: linkFailed ? { ...mapped, general: [invalid, ...mapped.general] } : mapped, linkFailed };
}

/** What a mailed-link page shows when the address has no token. */
export function MissingLink() {
  const { t } = useI18n();
  return (
    <>
      <FormErrors messages={[t("mailedLink.missing")]} />
      <p>
        <Link to="/sign-in">{t("mailedLink.signIn")}</Link>
      </p>
    </>
  );
}
