import { objectKey } from "../../load/k8s/audit-kinds.js";
import type { Model } from "../../model/model.js";
import type { SourceRef } from "../../model/source-ref.js";
import { AuditContext } from "./context.js";
import { type AuditRule, type Finding, type Severity, severityRank } from "./finding.js";
import { RULES } from "./registry.js";

export const IGNORE_ANNOTATION = "ward.dev/ignore";

export type AuditOptions = {
  /** Only these rule ids (all when empty or undefined). */
  readonly rules?: readonly string[];
  readonly skip?: readonly string[];
};

export type AuditResult = {
  readonly rules: readonly AuditRule[];
  readonly findings: readonly Finding[];
  /** Findings dropped by a `ward.dev/ignore` annotation on their object. */
  readonly suppressed: readonly Finding[];
};

/** The rule ids an object's `ward.dev/ignore: ID[,ID]` annotation names ("*" or "all": every rule). */
function ignoredBy(model: Model, subject: SourceRef): Set<string> {
  const ids = new Set<string>();
  const add = (value: string | undefined) => {
    for (const id of value?.split(/[\s,]+/) ?? []) if (id !== "") ids.add(id.toUpperCase());
  };
  add(model.annotations?.get(objectKey(subject))?.[IGNORE_ANNOTATION]);
  // A workload's pod template annotations count too.
  const workload = model.workloads.find(
    (w) => w.source.kind === subject.kind && w.source.name === subject.name && w.namespace === subject.namespace,
  );
  for (const i of workload?.pods ?? []) add(model.pods[i]?.annotations?.[IGNORE_ANNOTATION]);
  return ids;
}

export function selectRules(opts: AuditOptions): AuditRule[] {
  const only = new Set((opts.rules ?? []).map((r) => r.toUpperCase()));
  const skip = new Set((opts.skip ?? []).map((r) => r.toUpperCase()));
  return RULES.filter((r) => (only.size === 0 || only.has(r.id)) && !skip.has(r.id));
}

function compare(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    a.rule.localeCompare(b.rule) ||
    a.subject.file.localeCompare(b.subject.file) ||
    a.subject.line - b.subject.line ||
    a.message.localeCompare(b.message)
  );
}

/** Runs the selected rules over the model; findings sorted by severity, rule, file and line. */
export async function runAudit(model: Model, opts: AuditOptions = {}): Promise<AuditResult> {
  const ctx = new AuditContext(model);
  const rules = selectRules(opts);
  const findings: Finding[] = [];
  const suppressed: Finding[] = [];
  for (const rule of rules) {
    for (const f of await rule.check(ctx)) {
      const ignored = ignoredBy(model, f.subject);
      if (ignored.has(f.rule) || ignored.has("*") || ignored.has("ALL")) suppressed.push(f);
      else findings.push(f);
    }
  }
  return { rules, findings: findings.sort(compare), suppressed: suppressed.sort(compare) };
}

/** True when a finding is at or above the threshold. */
export function atOrAbove(finding: Finding, threshold: Severity): boolean {
  return severityRank(finding.severity) >= severityRank(threshold);
}
