import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import AjvDraft04 from "ajv-draft-04";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { ward } from "./support/run-cli.js";

const require = createRequire(import.meta.url);
// ajv-draft-04 is CommonJS: its class is the default export of the module object.
const Ajv = AjvDraft04.default;
const addFormats = addFormatsModule.default;
// The SARIF 2.1.0 JSON schema as shipped by @microsoft/jest-sarif (lib/schemas/sarif-2.1.0-rtm.5.json, MIT):
// the final 2.1.0 schema (rtm.5 is the OASIS 2.1.0 release candidate the standard was approved from), draft-04.
// Its "language" pattern is not valid with the u flag, so patterns are compiled without it.
const SCHEMA = JSON.parse(
  readFileSync(require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"), "utf8"),
);

const run0 = (log: { runs: unknown[] }) => log.runs[0] as Record<string, unknown>;

describe("ward audit", () => {
  it("finds nothing in the well-configured shop (and counts what ward.dev/ignore suppressed)", () => {
    const r = ward(["audit", "test/fixtures/audit/clean"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("0 finding(s)");
    expect(r.stdout).toContain("3 suppressed by ward.dev/ignore");
    expect(r.code).toBe(0);
  });

  it("reports the open shop's findings with file:line and exits 1 on high ones", () => {
    const r = ward(["audit", "test/fixtures/audit/open", "--format", "json"]);
    expect(r.code).toBe(1);
    const { findings } = JSON.parse(r.stdout) as {
      findings: { rule: string; subject: { name: string; line: number } }[];
    };
    const rules = findings.map((f) => f.rule);
    expect(rules).toEqual(
      expect.arrayContaining(["WARD-NP-004", "WARD-NP-005", "WARD-NP-006", "WARD-NP-010", "WARD-SUPPLY-003"]),
    );
    expect(findings.find((f) => f.rule === "WARD-NP-006")).toMatchObject({ subject: { name: "typo", line: 89 } });
  });

  it("--fail-on, --rule and --skip choose what fails and what runs", () => {
    expect(ward(["audit", "test/fixtures/audit/open", "--rule", "WARD-NP-006"]).code).toBe(0);
    expect(ward(["audit", "test/fixtures/audit/open", "--rule", "WARD-NP-006", "--fail-on", "low"]).code).toBe(1);
    const skipped = ward([
      "audit",
      "test/fixtures/audit/open",
      "--skip",
      "WARD-NP-004",
      "WARD-NP-010",
      "--format",
      "json",
    ]);
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).not.toContain("WARD-NP-004");
  });

  it("bad input and bad flags exit 2 with a message, no stack trace", () => {
    const bad = ward(["audit", "test/fixtures/audit/bad"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("test/fixtures/audit/bad/kyverno.yaml:6");
    expect(bad.stderr).not.toContain("    at ");
    const rule = ward(["audit", "test/fixtures/audit/open", "--rule", "WARD-NP-999"]);
    expect(rule.code).toBe(2);
    expect(rule.stderr).toContain("unknown rule");
    expect(ward(["audit", "test/fixtures/audit/open", "--fail-on", "urgent"]).code).toBe(2);
  });

  it("SARIF output validates against the SARIF 2.1.0 schema, with rule metadata and regions", () => {
    const r = ward(["audit", "test/fixtures/audit/open", "--format", "sarif"]);
    const log = JSON.parse(r.stdout);
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv); // uri, uri-reference, date-time are checked too
    const validate = ajv.compile(SCHEMA);
    const valid = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // The schema does catch a malformed log.
    expect(validate({ ...log, version: "2.0.0" })).toBe(false);
    expect(validate({ ...log, runs: [{ ...run0(log), results: [{ message: {} }] }] })).toBe(false);
    const run = log.runs[0];
    expect(run.tool.driver.rules.length).toBeGreaterThan(20);
    const result = run.results.find((x: { ruleId: string }) => x.ruleId === "WARD-NP-006");
    expect(result.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: "test/fixtures/audit/open/cluster.yaml" },
      region: { startLine: 89 },
    });
    expect(run.tool.driver.rules[result.ruleIndex].id).toBe("WARD-NP-006");
  });

  it("shows the payments example's findings", () => {
    const r = ward(["audit", "examples/payments"]);
    expect(r.stdout).toContain("WARD-EDGE-001");
    expect(r.stdout).toContain("namespace kube-system has no default-deny ingress");
    // The payments namespaces have podSelector: {} default-deny: never reported as missing.
    expect(r.stdout).not.toMatch(/namespace (payments|monitoring) has no default-deny/);
    expect(r.code).toBe(1);
  });
});
