import { describe, expect, it } from "vitest";
import { catalogs } from "../i18n/core";
import { FAMILY_LANGUAGES, languageName } from "./languages";

describe("languageName", () => {
  it("names every language offered for a family, in every language of the app, from the catalog", () => {
    for (const ui of Object.keys(catalogs)) {
      for (const code of FAMILY_LANGUAGES) {
        expect(catalogs[ui][`languageName.${code}`], `${ui} has no name for ${code}`).toBeTruthy();
        expect(languageName(ui, code)).not.toBe(code);
      }
    }
  });
  it("names Cape Verdean Creole, which browsers may not know", () => {
    expect(languageName("en", "kea")).toBe("Cape Verdean Creole (Kabuverdianu)");
    expect(languageName("es", "kea")).toBe("Criollo caboverdiano (kabuverdianu)");
  });
  it("falls back to the browser's name, then to the code", () => {
    expect(languageName("en", "de")).toBe("German");
    expect(languageName("en", "not a code")).toBe("not a code");
  });
});
