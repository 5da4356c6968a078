import type { Direction } from "../../../model/policy.js";
import type { SourceRef } from "../../../model/source-ref.js";
import { type AuditContext, findingOf } from "../context.js";
import type { AuditRule, Finding } from "../finding.js";

/**
 * A namespace has default-deny for a direction when every pod in it is isolated for that direction. A
 * `podSelector: {}` policy with no rules for the direction isolates every pod; so does any set of policies that
 * together select every pod (NetworkPolicy API: a pod selected by a policy with the direction in policyTypes is
 * isolated for it). hostNetwork pods are left out: policy does not reliably apply to them (WARD-NP-012).
 */
function check(ctx: AuditContext, rule: AuditRule, direction: Direction): Finding[] {
  const out: Finding[] = [];
  const byNamespace = new Map<string, string[]>();
  for (const w of ctx.model.workloads) {
    const pods = ctx.podsOf(w).filter((p) => !p.hostNetwork);
    if (pods.length === 0) continue;
    const list = byNamespace.get(w.namespace) ?? [];
    if (pods.some((p) => !ctx.isolated(p, direction))) list.push(w.name);
    byNamespace.set(w.namespace, list);
  }
  for (const [ns, open] of [...byNamespace].sort(([a], [b]) => a.localeCompare(b))) {
    if (open.length === 0) continue;
    const namespace = ctx.model.namespaces.get(ns);
    const subject: SourceRef = namespace?.source ?? {
      kind: "Namespace",
      name: ns,
      file: ctx.model.workloads.find((w) => w.namespace === ns)?.source.file ?? "",
      line: ctx.model.workloads.find((w) => w.namespace === ns)?.source.line ?? 0,
    };
    out.push(
      findingOf(
        rule,
        subject,
        `namespace ${ns} has no default-deny ${direction}: ${open.length} workload(s) not isolated for ${direction} (${open.sort().join(", ")})`,
      ),
    );
  }
  return out;
}

export const noDefaultDenyIngress: AuditRule = {
  id: "WARD-NP-001",
  layer: "cluster",
  severity: "high",
  title: "Namespace with workloads but no default-deny ingress",
  rationale:
    "Without a policy isolating every pod for ingress, any pod in the cluster can connect to the pods left out: the flat network zero trust replaces.",
  fix: "Add a NetworkPolicy with `podSelector: {}` and `policyTypes: [Ingress]` (no ingress rules) in the namespace, then allow the paths that are needed.",
  // Kubescape C-0260, Checkov CKV2_K8S_6, Polaris missingNetworkPolicy and kube-score pod-networkpolicy check that
  // each workload has some NetworkPolicy, not that its namespace denies by default: they match WARD-NP-003.
  equivalents: {},
  check: (ctx) => check(ctx, noDefaultDenyIngress, "ingress"),
};

export const noDefaultDenyEgress: AuditRule = {
  id: "WARD-NP-002",
  layer: "cluster",
  severity: "medium",
  title: "Namespace with workloads but no default-deny egress",
  rationale:
    "Egress left open lets a compromised pod reach every service in the cluster and the internet: exfiltration and lateral movement.",
  fix: "Add a NetworkPolicy with `podSelector: {}` and `policyTypes: [Egress]` in the namespace, plus an allow for DNS and each needed destination.",
  equivalents: {},
  check: (ctx) => check(ctx, noDefaultDenyEgress, "egress"),
};
