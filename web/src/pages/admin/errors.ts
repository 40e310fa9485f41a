// How admin pages word and place the server's typed errors.
import { describeError, normalizeField, type MappedErrors, type Translate, type UserError } from "../../lib/errors";

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

/** Errors beside the fields the form has (`known`, or a parent of the error's path), the rest on top. */
export function placeErrors(errors: readonly UserError[], known: readonly string[], t: Translate, lang: string): MappedErrors {
  const out: MappedErrors = { fields: {}, general: [] };
  for (const e of errors) {
    const field = normalizeField(e.field);
    const message = describeAdminError(e, t, lang);
    const target = field && (known.includes(field) ? field : known.find((k) => field.startsWith(`${k}.`)));
    if (target && !(target in out.fields)) out.fields[target] = message;
    else if (!out.general.includes(message)) out.general.push(message);
  }
  return out;
}
