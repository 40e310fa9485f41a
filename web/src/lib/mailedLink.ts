// The pages a link in an email opens (/accept-invite?token=…&lang=…, /reset-password?token=…&lang=…).
import { useEffect, useState } from "react";
import { useLocation, useNavigate } from "react-router-dom";
import { useI18n } from "../i18n/I18n";
import type { Translate } from "./errors";

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
