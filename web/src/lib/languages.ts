// Families' languages: the ones offered besides the organization's own, and their names in the page's language.
import { catalogs, translate, type Catalog } from "../i18n/core";

/** Offered for a family's preferred language besides the organization's own. */
export const FAMILY_LANGUAGES = ["en", "es", "pt", "ht", "kea", "vi", "zh", "ar", "so", "ru", "fr"];

/**
 * A language's name in the page's language: the catalog's ("languageName.kea"; every language offered has one,
 * since browsers do not all know every language: Chromium names "kea" nothing but "kea"), else the browser's
 * (Intl), else its code.
 */
export function languageName(uiLang: string, code: string, all: Record<string, Catalog> = catalogs): string {
  const key = `languageName.${code}`;
  const named = translate(uiLang, key, undefined, all);
  if (named !== key) return named;
  try {
    return new Intl.DisplayNames([uiLang], { type: "language" }).of(code) ?? code;
  } catch {
    return code;
  }
}
