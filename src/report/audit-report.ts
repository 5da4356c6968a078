import type { Finding } from "../analyze/audit/finding.js";
import type { AuditResult } from "../analyze/audit/run-audit.js";
import { toSarif } from "./sarif.js";

export const AUDIT_FORMATS = ["text", "json", "sarif"] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

function where(f: Finding): string {
  return `${f.subject.file}:${f.subject.line}`;
}

export function auditText(result: AuditResult): string {
  const lines: string[] = [];
  for (const f of result.findings) {
    lines.push(`${f.severity.toUpperCase().padEnd(6)} ${f.rule}  ${where(f)}`);
    lines.push(`       ${f.message}`);
    for (const r of f.related ?? [])
      lines.push(`       see ${r.kind} ${r.namespace ? `${r.namespace}/` : ""}${r.name} (${r.file}:${r.line})`);
    for (const e of f.evidence ?? []) {
      lines.push(`       proof: ${e.from} → ${e.to} ${e.protocol}/${e.port}: ${e.allowed ? "allowed" : "denied"}`);
      for (const d of e.decidedBy.slice(0, 3))
        lines.push(`         ${d.why}${d.file === undefined ? "" : ` (${d.file}:${d.line})`}`);
    }
  }
  const count = (s: string) => result.findings.filter((f) => f.severity === s).length;
  lines.push(
    `${result.findings.length} finding(s): ${count("high")} high, ${count("medium")} medium, ${count("low")} low` +
      `${result.suppressed.length > 0 ? `; ${result.suppressed.length} suppressed by ward.dev/ignore` : ""}` +
      ` (${result.rules.length} rules)`,
  );
  return `${lines.join("\n")}\n`;
}

export function auditJson(result: AuditResult): string {
  return `${JSON.stringify({ findings: result.findings, suppressed: result.suppressed, rules: result.rules.map((r) => r.id) }, null, 2)}\n`;
}

export function auditSarif(result: AuditResult, version: string): string {
  return `${JSON.stringify(toSarif(result.rules, result.findings, version), null, 2)}\n`;
}
