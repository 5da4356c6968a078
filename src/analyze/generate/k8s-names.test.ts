import { describe, expect, it } from "vitest";
import { isDns1123Subdomain } from "../../load/k8s/validate-common.js";
import { NameRegistry, policyName } from "./k8s-names.js";

describe("generated policy names", () => {
  it("are DNS-1123 subdomains whatever the labels hold", () => {
    for (const parts of [
      ["backend", "to", "*.s3.amazonaws.com"],
      ["a", "from", "203.0.113.0/24"],
      ["--x", "to", "Y_z.."],
      ["", ""],
    ]) {
      expect(isDns1123Subdomain(policyName(...parts))).toBe(true);
    }
    expect(policyName("backend", "to", "*.s3.amazonaws.com")).toBe("backend-to-wildcard.s3.amazonaws.com");
  });

  it("are unique per namespace", () => {
    const r = new NameRegistry();
    expect([r.take("a", "x"), r.take("a", "x"), r.take("b", "x"), r.take("a", "x")]).toEqual(["x", "x-2", "x", "x-3"]);
  });
});
