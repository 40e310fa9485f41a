import { describe, expect, it } from "vitest";
import { mapErrors } from "../../lib/errors";
import { describeAdminError } from "./errors";

const catalog: Record<string, string> = {
  "admin.errors.CONFLICT.email": "Este correo ya está en uso.",
  "errors.CONFLICT": "Alguien cambió esto.",
  "errors.VALIDATION": "Revise este valor.",
  "errors.FORBIDDEN": "Sin permiso.",
  "errors.INTERNAL": "Error.",
};
const t = (key: string) => catalog[key] ?? key;
const conflict = { code: "CONFLICT", message: "a@b.org is already a member of this organization.", field: "input.email" };

describe("describeAdminError", () => {
  it("shows the server's specific conflict message in English", () => {
    expect(describeAdminError(conflict, t, "en")).toBe("a@b.org is already a member of this organization.");
  });
  it("uses the admin catalog entry for the code and field in other languages", () => {
    expect(describeAdminError(conflict, t, "es")).toBe("Este correo ya está en uso.");
  });
  it("falls back to the app's generic text", () => {
    expect(describeAdminError({ code: "CONFLICT", message: "x", field: "name" }, t, "es")).toBe("Alguien cambió esto.");
    expect(describeAdminError({ code: "FORBIDDEN", message: "no", field: null }, t, "en")).toBe("Sin permiso.");
  });
});

describe("mapErrors with the admin wording", () => {
  it("puts errors beside known fields (or their parent) and the rest on top, once each", () => {
    const out = mapErrors(
      [
        conflict,
        { code: "VALIDATION", message: "Bad level", field: "levels.1.name" },
        { code: "FORBIDDEN", message: "no", field: "userId" },
        { code: "FORBIDDEN", message: "no", field: null },
      ],
      ["email", "levels.1"],
      t,
      "en",
      describeAdminError,
    );
    expect(out.fields).toEqual({ email: "a@b.org is already a member of this organization.", "levels.1": "Bad level" });
    expect(out.general).toEqual(["Sin permiso."]);
  });
});
