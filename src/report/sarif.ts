import type { AuditRule, Finding, Severity } from "../analyze/audit/finding.js";

/** SARIF 2.1.0 (OASIS): one run, the rules as reportingDescriptors, each finding a result with its region. */
export type SarifLog = {
  readonly $schema: string;
  readonly version: "2.1.0";
  readonly runs: readonly unknown[];
};

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI = "https://github.com/ward-dev/ward/blob/main/docs/rules.md";

// SARIF 2.1.0 §3.27.10 level: error / warning / note.
const LEVEL: Record<Severity, "error" | "warning" | "note"> = { high: "error", medium: "warning", low: "note" };
// GitHub code scanning reads properties["security-severity"] (0.1–10) to rank security alerts.
const SECURITY_SEVERITY: Record<Severity, string> = { high: "8.0", medium: "5.0", low: "2.0" };

/** A path as a relative URI with forward slashes (SARIF artifactLocation.uri, relative to the working directory). */
function uriOf(file: string): string {
  const path = file.replace(/\\/g, "/").replace(/^\.\//, "");
  return path.split("/").map(encodeURIComponent).join("/");
}

export function toSarif(rules: readonly AuditRule[], findings: readonly Finding[], version: string): SarifLog {
  const index = new Map(rules.map((r, i) => [r.id, i]));
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "ward",
            version,
            informationUri: INFORMATION_URI,
            rules: rules.map((r) => ({
              id: r.id,
              name: r.title.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : "")),
              shortDescription: { text: r.title },
              fullDescription: { text: r.rationale },
              help: { text: `${r.rationale}\nFix: ${r.fix}`, markdown: `${r.rationale}\n\n**Fix:** ${r.fix}` },
              helpUri: `${INFORMATION_URI}#${r.id.toLowerCase()}`,
              defaultConfiguration: { level: LEVEL[r.severity] },
              properties: {
                tags: ["security", r.layer],
                "security-severity": SECURITY_SEVERITY[r.severity],
                ...(Object.keys(r.equivalents).length > 0 ? { equivalents: r.equivalents } : {}),
              },
            })),
          },
        },
        columnKind: "unicodeCodePoints",
        results: findings.map((f) => {
          const ruleIndex = index.get(f.rule);
          const location = (ref: Finding["subject"], id?: number) => ({
            ...(id === undefined ? {} : { id }),
            physicalLocation: {
              artifactLocation: { uri: uriOf(ref.file) },
              region: { startLine: Math.max(1, ref.line) },
            },
            logicalLocations: [
              {
                name: ref.name,
                fullyQualifiedName: `${ref.kind}/${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`,
                kind: "resource",
              },
            ],
          });
          return {
            ruleId: f.rule,
            ...(ruleIndex === undefined ? {} : { ruleIndex }),
            level: LEVEL[f.severity],
            message: { text: f.message },
            locations: [location(f.subject)],
            ...(f.related && f.related.length > 0
              ? { relatedLocations: f.related.map((r, i) => location(r, i + 1)) }
              : {}),
            partialFingerprints: {
              wardFinding: `${f.rule}:${f.subject.kind}/${f.subject.namespace ?? ""}/${f.subject.name}:${f.message.length}`,
            },
            ...(f.evidence && f.evidence.length > 0 ? { properties: { evidence: f.evidence } } : {}),
          };
        }),
      },
    ],
  };
}
