import { SEVERITIES, type Severity } from "../analyze/audit/finding.js";
import { RULES } from "../analyze/audit/registry.js";
import { atOrAbove, runAudit } from "../analyze/audit/run-audit.js";
import { UsageError } from "../errors/input-error.js";
import { AUDIT_FORMATS, auditJson, auditSarif, auditText } from "../report/audit-report.js";
import { type GlobalOptions, loadForCommand, parseChoice } from "./common.js";

export type AuditCliOptions = GlobalOptions & {
  format?: string;
  failOn?: string;
  rule?: string[];
  skip?: string[];
};

const VERSION = "0.1.0";

function ids(values: readonly string[] | undefined, flag: string): string[] {
  const out = (values ?? [])
    .flatMap((v) => v.split(","))
    .map((v) => v.trim().toUpperCase())
    .filter((v) => v !== "");
  for (const id of out)
    if (!RULES.some((r) => r.id === id)) throw new UsageError(`${flag}: unknown rule "${id}" (see docs/rules.md)`);
  return out;
}

/**
 * `ward audit PATH...`: every rule over the configuration. Exit 1 when a finding is at or above --fail-on (default
 * high: medium and low findings are reported without failing the build), else 0.
 */
export async function audit(paths: string[], opts: AuditCliOptions): Promise<number> {
  const format = parseChoice(opts.format, AUDIT_FORMATS, "--format", "text");
  const failOn = parseChoice(opts.failOn, SEVERITIES, "--fail-on", "high") as Severity;
  const rules = ids(opts.rule, "--rule");
  const skip = ids(opts.skip, "--skip");
  const model = await loadForCommand(paths, opts);
  const result = await runAudit(model, { rules, skip });
  const out =
    format === "json" ? auditJson(result) : format === "sarif" ? auditSarif(result, VERSION) : auditText(result);
  process.stdout.write(out);
  return result.findings.some((f) => atOrAbove(f, failOn)) ? 1 : 0;
}
