import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { catalogs, formatDate, languages, pickLanguage, translate } from "./core";

const test = {
  en: { "a.hello": "Hello {name}", "a.cases.one": "{count} case", "a.cases.other": "{count} cases", "a.only": "English only" },
  es: { "a.hello": "Hola {name}", "a.cases.one": "{count} caso", "a.cases.other": "{count} casos", "language.name": "Español" },
};

describe("translate", () => {
  it("interpolates variables", () => {
    expect(translate("es", "a.hello", { name: "Ana" }, test)).toBe("Hola Ana");
  });
  it("falls back to English, then to the key", () => {
    expect(translate("es", "a.only", undefined, test)).toBe("English only");
    expect(translate("es", "a.missing", undefined, test)).toBe("a.missing");
    expect(translate("fr", "a.hello", { name: "Jo" }, test)).toBe("Hello Jo");
  });
  it("chooses the plural form by the language's rules", () => {
    expect(translate("en", "a.cases", { count: 1 }, test)).toBe("1 case");
    expect(translate("en", "a.cases", { count: 0 }, test)).toBe("0 cases");
    expect(translate("es", "a.cases", { count: 2 }, test)).toBe("2 casos");
  });
});

describe("languages", () => {
  it("are the catalog files, named in their own language", () => {
    expect(languages(test)).toEqual([
      { code: "en", name: "en" },
      { code: "es", name: "Español" },
    ]);
    expect(languages().map((l) => l.code)).toEqual(expect.arrayContaining(["en", "es"]));
  });
  it("picks the best match for the browser's preferences", () => {
    expect(pickLanguage(["es-MX", "en"], test)).toBe("es");
    expect(pickLanguage(["de-DE", "fr"], test)).toBe("en");
    expect(pickLanguage(["EN-gb"], test)).toBe("en");
  });
});

describe("formatDate", () => {
  it("formats a calendar day without shifting it across time zones", () => {
    expect(formatDate("en-US", "2026-03-01")).toBe("Mar 1, 2026");
    expect(formatDate("es", "2026-03-01")).toBe("1 mar 2026");
    expect(formatDate("en", null)).toBe("");
  });
});

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "gql" ? [] : sources(path);
    return /\.tsx?$/.test(name) && !name.endsWith(".test.ts") ? [path] : [];
  });
}

describe("catalogs", () => {
  const en = catalogs.en;
  it("every language has every English key (English and Spanish are complete)", () => {
    for (const [code, catalog] of Object.entries(catalogs)) {
      const missing = Object.keys(en).filter((k) => !(k in catalog));
      expect(missing, `${code} is missing keys`).toEqual([]);
      expect(catalog["language.name"], `${code} needs language.name`).toBeTruthy();
    }
  });
  it("every key the code uses literally is in the English catalog", () => {
    const root = join(__dirname, "..");
    const used = new Set<string>();
    for (const file of sources(root)) {
      for (const m of readFileSync(file, "utf8").matchAll(/\bt\(\s*"([A-Za-z0-9_.]+)"/g)) used.add(m[1]);
      for (const m of readFileSync(file, "utf8").matchAll(/label: "([A-Za-z0-9_.]+)"/g)) used.add(m[1]);
    }
    const plural = (k: string) => `${k}.other` in en;
    expect([...used].filter((k) => !(k in en) && !plural(k))).toEqual([]);
  });
  it("placeholders match between languages", () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(",");
    for (const [code, catalog] of Object.entries(catalogs)) {
      for (const [k, v] of Object.entries(en)) {
        if (k in catalog && !k.endsWith(".one")) expect(names(catalog[k]), `${code}:${k}`).toBe(names(v));
      }
    }
  });
});
