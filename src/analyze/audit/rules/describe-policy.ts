import { formatSelector } from "../../../model/labels.js";
import type { ClusterPolicy, PolicyRule } from "../../../model/policy.js";
import type { SourceRef } from "../../../model/source-ref.js";

export function describeSubject(policy: ClusterPolicy): string {
  const where =
    policy.namespaceSelector === undefined
      ? `namespace ${policy.namespace}`
      : `namespaces ${formatSelector(policy.namespaceSelector)}`;
  return `pods ${formatSelector(policy.podSelector)} in ${where}`;
}

/** A rule as a subject: the policy's identity at the rule's line. */
export function ruleRef(policy: ClusterPolicy, rule: PolicyRule): SourceRef {
  return { ...policy.source, line: rule.source.line, file: rule.source.file };
}

export function refText(r: SourceRef): string {
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ""}${r.name} (${r.file}:${r.line})`;
}
