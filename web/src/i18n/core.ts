// Message catalogs: one JSON file per language in ./locales (flat "area.key" -> text). Adding a language is
// adding a file: it shows up in the language picker under the name its "language.name" key gives.
// Lookup falls back from the chosen language to English, then to the key itself.

export type Catalog = Record<string, string>;
export type Vars = Record<string, string | number>;

export const FALLBACK = "en";

const files = import.meta.glob<Catalog>("./locales/*.json", { eager: true, import: "default" });

export const catalogs: Record<string, Catalog> = Object.fromEntries(
  Object.entries(files).map(([path, catalog]) => [path.replace(/^.*\/(.+)\.json$/, "$1"), catalog]),
);

export function languages(all: Record<string, Catalog> = catalogs): { code: string; name: string }[] {
  return Object.keys(all)
    .sort()
    .map((code) => ({ code, name: all[code]["language.name"] ?? code }));
}

/** The best supported language for a list of preferences such as navigator.languages ("es-MX" -> "es"). */
export function pickLanguage(preferred: readonly string[], all: Record<string, Catalog> = catalogs): string {
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    if (all[lower]) return lower;
    const base = lower.split("-")[0];
    if (all[base]) return base;
  }
  return FALLBACK;
}

function interpolate(text: string, vars?: Vars): string {
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** Translate `key` into `lang`. With a numeric `count`, "key.one"/"key.other" (Intl plural rules) are tried first. */
export function translate(lang: string, key: string, vars?: Vars, all: Record<string, Catalog> = catalogs): string {
  const chain = lang === FALLBACK ? [lang] : [lang, FALLBACK];
  const keys: string[] = [];
  if (vars && typeof vars.count === "number") {
    const rule = new Intl.PluralRules(lang).select(vars.count);
    keys.push(`${key}.${rule}`, `${key}.other`);
  }
  keys.push(key);
  for (const code of chain) {
    const catalog = all[code];
    if (!catalog) continue;
    for (const k of keys) {
      if (k in catalog) return interpolate(catalog[k], vars);
    }
  }
  return interpolate(key, vars);
}

/** Dates are "YYYY-MM-DD" calendar days: format them in UTC so no time zone moves them a day. */
export function formatDate(lang: string, value: string | null | undefined): string {
  if (!value) return "";
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : new Date(value);
  if (Number.isNaN(day.getTime())) return value;
  return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeZone: "UTC" }).format(day);
}

export function formatDateTime(lang: string, value: string | null | undefined): string {
  if (!value) return "";
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) return value;
  return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }).format(at);
}

export function formatNumber(lang: string, value: number): string {
  return new Intl.NumberFormat(lang).format(value);
}

/** Today as YYYY-MM-DD in the browser's time zone. */
export function today(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
