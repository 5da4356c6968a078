import { describe, expect, it } from "vitest";
import { fqdnPatternMatches, parseFqdnPattern } from "./fqdn-pattern.js";

// Cases from Cilium's pkg/fqdn/matchpattern (ToAnchoredRegexp) and docs.cilium.io "DNS based" policy.
describe("fqdnPatternMatches (Cilium matchName / matchPattern)", () => {
  it.each([
    ["api.example.com", "api.example.com", true],
    ["api.example.com", "API.Example.com.", true],
    ["api.example.com", "xapi.example.com", false],
    ["*.example.com", "api.example.com", true],
    ["*.example.com", "example.com", false],
    ["*.example.com", "a.b.example.com", false],
    ["**.example.com", "api.example.com", true],
    ["**.example.com", "a.b.example.com", true],
    ["**.example.com", "example.com", false],
    ["***.example.com", "a.b.c.example.com", true],
    ["*", "anything.at.all", true],
    ["**", "a.b", true],
    ["*.", "a", true],
    ["sub*.example.com", "sub.example.com", true],
    ["sub*.example.com", "sub-1.example.com", true],
    ["sub*.example.com", "sub.x.example.com", false],
    ["a**b.com", "axyzb.com", true],
    ["a**b.com", "ax.yb.com", false],
    ["api.example.com.", "api.example.com", true],
  ])("%s vs %s → %s", (pattern, name, expected) => {
    expect(fqdnPatternMatches(pattern, name)).toBe(expected);
  });

  it("reads the leading ** as whole labels only when a dot follows", () => {
    expect(parseFqdnPattern("**.x.io")).toEqual({
      all: false,
      tokens: [{ kind: "labels" }, ...[..."x.io"].map((char) => ({ kind: "char", char }))],
    });
    expect(parseFqdnPattern("**x.io").all).toBe(false);
    expect(fqdnPatternMatches("**x.io", "a.x.io")).toBe(false);
    expect(fqdnPatternMatches("**x.io", "aax.io")).toBe(true);
  });
});
