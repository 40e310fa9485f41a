// A save answered CONFLICT: someone else saved the record after my form read it (the form sends the version it
// was based on). The form then loads the latest version and is rebased on it: the fields I changed keep my edits,
// the ones I left alone follow theirs (what the form shows is what the next save keeps), and the next save is
// sent with the latest version number. Used by the case details editor and the campaign editor.
import type { UserError } from "./errors";

// A stale version only: other CONFLICTs name their own field (a name or an email already taken) and stay beside it.
export const isConflict = (errors: readonly UserError[]) =>
  errors.some((e) => e.code === "CONFLICT" && (!e.field || e.field === "version" || e.field.endsWith(".version")));

const same = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);

/** The fields (of `keys`, by default all) whose values differ between two versions of a form. */
export function changedFields<F extends object>(a: F, b: F, keys: readonly (keyof F)[] = Object.keys(a) as (keyof F)[]): (keyof F)[] {
  return keys.filter((k) => !same(a[k], b[k]));
}

/**
 * My form rebased on their latest version: each field of `keys` (by default all) I left as it was `opened` takes
 * `theirs`; the ones I changed keep mine.
 */
export function keepMyEdits<F extends object>(mine: F, opened: F, theirs: F, keys: readonly (keyof F)[] = Object.keys(mine) as (keyof F)[]): F {
  const next = { ...mine };
  for (const k of keys) if (same(mine[k], opened[k])) next[k] = theirs[k];
  return next;
}
