import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../../test/support/run-cli.js";
import { RULES } from "./registry.js";
import { rulesMarkdown } from "./rules-doc.js";

describe("docs/rules.md", () => {
  it("is the one generated from the rule registry (run npm run docs:rules)", () => {
    expect(readFileSync(`${ROOT}docs/rules.md`, "utf8")).toBe(rulesMarkdown(RULES));
  });

  it("every rule has a unique id of the documented form, a rationale and a fix", () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of RULES) {
      expect(r.id).toMatch(/^WARD-(NP|MESH|AWS|CERT|SUPPLY|EDGE)-\d{3}$/);
      expect(r.rationale.length).toBeGreaterThan(20);
      expect(r.fix.length).toBeGreaterThan(10);
    }
  });
});
