// How admin pages word and place the server's typed errors.
import { describeError, normalizeField, type Translate, type UserError } from "../../lib/errors";

/**
 * One admin error in plain language. The admin services' CONFLICT messages are specific ("x@y is already a
 * member of this organization"), so English shows them as they are; other languages get the catalog's
 * "admin.errors.CODE.field" text when it has one, else the app's usual translation.
 */
export function describeAdminError(e: UserError, t: Translate, lang: string): string {
  if (lang === "en" && e.code === "CONFLICT" && e.message) return e.message;
  const field = normalizeField(e.field);
  if (field) {
    const key = `admin.errors.${e.code}.${field}`;
    const text = t(key);
    if (text !== key) return text;
  }
  return describeError(e, t, lang);
}

/** useAction's options for the admin pages' forms: their errors worded by describeAdminError. */
export const ADMIN_WORDING = { describe: describeAdminError };
