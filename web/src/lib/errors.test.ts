import { describe, expect, it } from "vitest";
import { translate } from "../i18n/core";
import { describeError, mapErrors, normalizeField } from "./errors";

const catalogs = {
  en: { "errors.VALIDATION": "Please check this value.", "errors.CONFLICT": "Someone else changed this.", "errors.INTERNAL": "Something went wrong.", "errors.VALIDATION.email": "That is not an email address." },
  es: { "errors.VALIDATION": "Revise este dato.", "errors.CONFLICT": "Otra persona cambió esto.", "errors.INTERNAL": "Algo salió mal." },
};
const t = (lang: string) => (key: string) => translate(lang, key, undefined, catalogs);

describe("describeError", () => {
  it("shows the server's own message for a validation error in English", () => {
    expect(describeError({ code: "VALIDATION", message: "Title is required.", field: "title" }, t("en"), "en")).toBe("Title is required.");
  });
  it("translates the error in other languages", () => {
    expect(describeError({ code: "VALIDATION", message: "Title is required.", field: "title" }, t("es"), "es")).toBe("Revise este dato.");
    expect(describeError({ code: "CONFLICT", message: "stale version" }, t("es"), "es")).toBe("Otra persona cambió esto.");
  });
  it("prefers a catalog entry for the code and field", () => {
    expect(describeError({ code: "VALIDATION", message: "bad", field: "input.email" }, t("en"), "en")).toBe("That is not an email address.");
  });
  it("never shows an unknown code raw", () => {
    expect(describeError({ code: "TEAPOT", message: "I'm a teapot" }, t("es"), "es")).toBe("Algo salió mal.");
  });
});

describe("mapErrors", () => {
  it("puts errors beside the fields the form has, the rest on top", () => {
    const m = mapErrors(
      [
        { code: "VALIDATION", message: "Title is required.", field: "title" },
        { code: "VALIDATION", message: "Name is required.", field: "guardians.0.name" },
        { code: "FORBIDDEN", message: "no", field: "chapterId" },
        { code: "CONFLICT", message: "stale", field: null },
      ],
      ["title", "guardians"],
      t("en"),
      "en",
    );
    expect(m.fields).toEqual({ title: "Title is required.", guardians: "Name is required." });
    expect(m.general).toEqual(["Something went wrong.", "Someone else changed this."]);
  });
  it("normalizes input paths", () => {
    expect(normalizeField("input.title")).toBe("title");
    expect(normalizeField(null)).toBeNull();
  });
});
