import { describe, expect, it } from "vitest";
import { translate } from "../../i18n/core";
import { checkCode, describeCodeError, groupSecret, normalizeCode, waitOf } from "./twoFactor";

const t = (lang: string) => (key: string, vars?: Record<string, string | number>) => translate(lang, key, vars);

describe("second-factor codes", () => {
  it("accepts six digits, with a space in the middle as apps show them", () => {
    expect(normalizeCode(" 123 456 ")).toBe("123456");
    expect(checkCode("123 456", t("en"))).toBeNull();
    expect(checkCode("", t("en"))).toMatch(/Enter the 6-digit code/);
    expect(checkCode("12345a", t("en"))).toMatch(/6 digits/);
  });
  it("shows the key in groups of four", () => {
    expect(groupSecret("JBSWY3DPEHPK3PXPAB")).toBe("JBSW Y3DP EHPK 3PXP AB");
  });
  it("reads the wait out of the server's RATE_LIMITED message", () => {
    expect(waitOf("Too many wrong second-factor codes. Try again in 40 seconds.")).toEqual({ n: 40, unit: "seconds" });
    expect(waitOf("Second-factor codes are locked after too many wrong ones. Try again in 15 minutes.")).toEqual({ n: 15, unit: "minutes" });
    expect(waitOf("Too many attempts")).toBeNull();
  });
  it("words the errors about a code plainly, in the page's language", () => {
    const wrong = { code: "UNAUTHENTICATED", message: "The code is not correct (or was already used).", field: "totpCode" };
    expect(describeCodeError(wrong, t("en"), "en")).toMatch(/not right/);
    expect(describeCodeError({ ...wrong, code: "VALIDATION", field: "code" }, t("es"), "es")).toMatch(/no es correcto/);
    const limited = { code: "RATE_LIMITED", message: "Too many wrong second-factor codes. Try again in 40 seconds." };
    expect(describeCodeError(limited, t("en"), "en")).toBe("Too many wrong codes. Wait 40 seconds, then try again with a new code.");
    expect(describeCodeError(limited, t("es"), "es")).toMatch(/40 segundos/);
    const signIn = { code: "RATE_LIMITED", message: "Too many failed sign-in attempts. Try again in 2 minutes." };
    expect(describeCodeError(signIn, t("en"), "en", "signIn")).toBe("Too many failed attempts. Wait 2 minutes, then try again.");
    expect(describeCodeError({ code: "RATE_LIMITED", message: "?" }, t("en"), "en")).toBe(translate("en", "errors.RATE_LIMITED"));
  });
});
