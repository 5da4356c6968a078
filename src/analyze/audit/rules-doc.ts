import type { AuditRule, Equivalents } from "./finding.js";

const TOOLS: readonly [keyof Equivalents, string][] = [
  ["kubescape", "Kubescape"],
  ["kubeScore", "kube-score"],
  ["checkov", "Checkov"],
  ["trivy", "Trivy"],
  ["polaris", "Polaris"],
];

const LAYERS: Record<AuditRule["layer"], string> = {
  cluster: "Cluster (NetworkPolicy and the other cluster policies)",
  edge: "Edge (Ingress, Gateway, ingress controller)",
  "supply-chain": "Supply chain (Kyverno image verification)",
  certificates: "Certificates (TLS Secrets, cert-manager)",
  mesh: "Mesh",
  cloud: "Cloud",
};

/** docs/rules.md, generated from the rule registry: `npm run docs:rules` writes it; a test checks it is current. */
export function rulesMarkdown(rules: readonly AuditRule[]): string {
  const out: string[] = [
    "# Ward audit rules",
    "",
    "<!-- Generated from src/analyze/audit/registry.ts by `npm run docs:rules`; do not edit by hand. -->",
    "",
    "`ward audit PATH... [--format text|json|sarif] [--fail-on high|medium|low] [--rule ID…] [--skip ID…]` runs",
    "every rule below. Exit 1 when a finding is at or above `--fail-on` (default `high`), else 0; 2 on bad input.",
    "A finding on an object is suppressed by the annotation `ward.dev/ignore: RULE-ID[,RULE-ID]` on that object",
    "(for a workload: on the controller or its pod template). Findings that depend on reachability carry the",
    "connections the engine decided as evidence.",
    "",
    "| Rule | Severity | Title |",
    "| --- | --- | --- |",
    ...rules.map((r) => `| [${r.id}](#${r.id.toLowerCase()}) | ${r.severity} | ${r.title} |`),
    "",
  ];
  for (const layer of Object.keys(LAYERS) as AuditRule["layer"][]) {
    const list = rules.filter((r) => r.layer === layer);
    if (list.length === 0) continue;
    out.push(`## ${LAYERS[layer]}`, "");
    for (const r of list) {
      out.push(`### ${r.id}`, "", `**${r.title}** — severity ${r.severity}`, "", r.rationale, "", `Fix: ${r.fix}`, "");
      const eq = TOOLS.flatMap(([k, name]) => (r.equivalents[k] ? [`${name} ${r.equivalents[k]}`] : []));
      out.push(`Equivalent checks: ${eq.length > 0 ? eq.join(", ") : "none (only reachability shows it)"}`, "");
    }
  }
  return `${out.join("\n").trimEnd()}\n`;
}
