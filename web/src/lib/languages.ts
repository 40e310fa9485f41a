// Families' languages: the ones offered besides the organization's own, and their names in the page's language.

/** Offered for a family's preferred language besides the organization's own. */
export const FAMILY_LANGUAGES = ["en", "es", "pt", "ht", "kea", "vi", "zh", "ar", "so", "ru", "fr"];

/** A language's name in the page's language (Intl), or its code. */
export function languageName(uiLang: string, code: string): string {
  try {
    return new Intl.DisplayNames([uiLang], { type: "language" }).of(code) ?? code;
  } catch {
    return code;
  }
}
