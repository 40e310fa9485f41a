import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { FALLBACK, catalogs, formatDate, formatDateTime, formatNumber, pickLanguage, translate, type Vars } from "./core";

const STORAGE_KEY = "advocase.language";

export interface I18n {
  lang: string;
  /** A choice in the language menu: remembered in this browser. */
  setLang(code: string): void;
  /** Use `code` (e.g. the signed-in user's language on the server) unless one was chosen in this browser. */
  adopt(code: string): void;
  t(key: string, vars?: Vars): string;
  /** Translate an enum value (catalog key "enum.Type.VALUE"), falling back to `fallback` or the value. */
  te(type: string, value: string | null | undefined, fallback?: string): string;
  date(value: string | null | undefined): string;
  dateTime(value: string | null | undefined): string;
  number(value: number): string;
}

const Ctx = createContext<I18n | null>(null);

function storedLanguage(): string | null {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored && catalogs[stored]) return stored;
  } catch {
    /* storage may be off */
  }
  return null;
}

function initialLanguage(): string {
  const stored = storedLanguage();
  if (stored) return stored;
  return typeof navigator === "undefined" ? FALLBACK : pickLanguage(navigator.languages ?? [navigator.language]);
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState(initialLanguage);
  // Chosen in this browser's language menu (remembered here): the server's language for me does not replace it.
  // A ref, not state: `adopt` runs from an effect of the render that brought my account, and a choice made between
  // that render and its effect (a click while the page loads) must already count, not a closure's stale value.
  const chosen = useRef(storedLanguage() !== null);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const setLang = useCallback((code: string) => {
    if (!catalogs[code]) return;
    try {
      localStorage.setItem(STORAGE_KEY, code);
    } catch {
      /* ignore */
    }
    chosen.current = true;
    setLangState(code);
  }, []);
  const adopt = useCallback((code: string) => {
    if (!chosen.current && catalogs[code]) setLangState(code);
  }, []);
  const value = useMemo<I18n>(() => {
    const t = (key: string, vars?: Vars) => translate(lang, key, vars);
    return {
      lang,
      setLang,
      adopt,
      t,
      te: (type, v, fallback) => {
        if (!v) return "";
        const key = `enum.${type}.${v}`;
        const text = t(key);
        return text === key ? (fallback ?? v) : text;
      },
      date: (v) => formatDate(lang, v),
      dateTime: (v) => formatDateTime(lang, v),
      number: (n) => formatNumber(lang, n),
    };
  }, [lang, setLang, adopt]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error("useI18n outside I18nProvider");
  return ctx;
}
