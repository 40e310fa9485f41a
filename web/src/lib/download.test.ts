import { describe, expect, it } from "vitest";
import { base64ToBlob } from "./download";

describe("base64ToBlob", () => {
  it("keeps every byte and the type", async () => {
    const bytes = Uint8Array.from([0, 1, 127, 128, 254, 255, 80, 75]);
    const b64 = btoa(String.fromCharCode(...bytes));
    const blob = base64ToBlob(b64, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(blob.type).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(bytes);
  });
  it("decodes UTF-8 text such as a CSV with accents", async () => {
    const csv = "reference,title\nAC-1,Suspensión\n";
    const b64 = btoa(String.fromCharCode(...new TextEncoder().encode(csv)));
    expect(await base64ToBlob(b64, "text/csv").text()).toBe(csv);
  });
});
