import { describe, expect, it } from "vitest";
import { joinDistinct } from "./text";

describe("joinDistinct", () => {
  it("says each part once (an office that is the school itself)", () => {
    expect(joinDistinct(["Principal", "East Boston High School", "East Boston High School"])).toBe("Principal · East Boston High School");
    expect(joinDistinct(["Principal", "east boston high school ", "East Boston High School"])).toBe("Principal · east boston high school");
  });
  it("leaves out the parts that are not set", () => {
    expect(joinDistinct([null, "Special Education Office", undefined, " ", "Riverton"])).toBe("Special Education Office · Riverton");
    expect(joinDistinct([])).toBe("");
    expect(joinDistinct(["a", "b"], ", ")).toBe("a, b");
  });
});
