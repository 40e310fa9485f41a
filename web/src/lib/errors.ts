// Turning the server's typed errors into plain-language messages placed next to the field at fault.
import type { Vars } from "../i18n/core";

export interface UserError {
  code: string;
  message: string;
  field?: string | null;
}

export type Translate = (key: string, vars?: Vars) => string;

/** "input.guardians.0.name" -> "guardians.0.name"; the form's field names are the input's camelCase paths. */
export function normalizeField(field: string | null | undefined): string | null {
  if (!field) return null;
  return field.replace(/^input\./, "");
}

/**
 * One message for an error. The catalog may say something specific for a code and field
 * ("errors.VALIDATION.title"); in English the server's own message is already plain and specific, so a
 * VALIDATION error without a specific entry shows it; other languages get the translated generic text.
 */
export function describeError(error: UserError | { code: string; message: string }, t: Translate, lang: string): string {
  const field = "field" in error ? normalizeField(error.field) : null;
  if (field) {
    const key = `errors.${error.code}.${field}`;
    const specific = t(key);
    if (specific !== key) return specific;
  }
  if (error.code === "VALIDATION" && lang === "en" && error.message) return error.message;
  const key = `errors.${error.code}`;
  const generic = t(key);
  return generic !== key ? generic : t("errors.INTERNAL");
}

export interface MappedErrors {
  /** field path -> message, for errors a form shows beside an input it has */
  fields: Record<string, string>;
  /** everything else, for the top of the form */
  general: string[];
}

/** How one error is worded (describeError, or a section's own wording built on it). */
export type Describe = (error: UserError, t: Translate, lang: string) => string;

/**
 * Splits errors between the fields a form has (`known`, or a parent of the error's path) and a general list,
 * each message once.
 */
export function mapErrors(
  errors: readonly UserError[],
  known: readonly string[],
  t: Translate,
  lang: string,
  describe: Describe = describeError,
): MappedErrors {
  const out: MappedErrors = { fields: {}, general: [] };
  for (const e of errors) {
    const field = normalizeField(e.field);
    const message = describe(e, t, lang);
    const target = field && (known.includes(field) ? field : known.find((k) => field.startsWith(`${k}.`)));
    if (target && !(target in out.fields)) out.fields[target] = message;
    else if (!out.general.includes(message)) out.general.push(message);
  }
  return out;
}
