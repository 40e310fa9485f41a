// The second factor (TOTP) as the pages word it: the code field's attributes, and the server's errors about a
// code in plain language, placed next to the code field (wrong code, too many wrong codes).
import { describeError, type Translate } from "../../lib/errors";

/** The Security page: where a member turns the second factor on or off (and lands while it is required). */
export const SECURITY_PATH = "/account/security";

/** Attributes of every "code from your authenticator app" input: digits, and the browser's one-time-code fill. */
export const codeInput = {
  inputMode: "numeric",
  autoComplete: "one-time-code",
  pattern: "[0-9 ]*",
  maxLength: 7,
  spellCheck: false,
} as const;

/** A code as typed ("123 456") as the server reads it: digits only. */
export function normalizeCode(code: string): string {
  return code.replace(/\s+/g, "");
}

/** The key grouped by four ("JBSW Y3DP ..."), easier to type; apps ignore the spaces. */
export function groupSecret(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, "$1 ");
}

/** Client-side check before sending: null when it looks like a code. */
export function checkCode(code: string, t: Translate): string | null {
  const c = normalizeCode(code);
  if (!c) return t("twoFactor.codeRequired");
  if (!/^\d{6}$/.test(c)) return t("twoFactor.codeFormat");
  return null;
}

/** "... Try again in 40 seconds." / "... in 3 minutes." -> the wait, for the translated message. */
export function waitOf(message: string): { n: number; unit: "seconds" | "minutes" } | null {
  const m = /try again in (\d+) (second|minute)s?/i.exec(message);
  return m ? { n: Number(m[1]), unit: m[2].toLowerCase() === "minute" ? "minutes" : "seconds" } : null;
}

/**
 * One error about a code: a wrong or reused code (VALIDATION on `code`, UNAUTHENTICATED on `totpCode` at
 * sign-in), too many wrong codes (RATE_LIMITED, with the wait the server names; at sign-in wrong passwords
 * count too, so it speaks of failed attempts), a missing code (TWO_FACTOR_REQUIRED); anything else as the app
 * usually words it.
 */
export function describeCodeError(
  e: { code: string; message: string; field?: string | null },
  t: Translate,
  lang: string,
  at: "signIn" | "account" = "account",
): string {
  switch (e.code) {
    case "VALIDATION":
    case "UNAUTHENTICATED":
      return t("twoFactor.codeWrong");
    case "TWO_FACTOR_REQUIRED":
      return t("twoFactor.codeRequired");
    case "RATE_LIMITED": {
      const wait = waitOf(e.message);
      const area = at === "signIn" ? "signIn" : "twoFactor";
      return wait ? t(`${area}.rateLimited.${wait.unit}`, { count: wait.n }) : t("errors.RATE_LIMITED");
    }
    default:
      return describeError(e, t, lang);
  }
}
