import type { Pod } from "../../../model/endpoint.js";
import { selectorMatches } from "../../../model/labels.js";
import type { Party } from "../../party.js";
import { type AuditContext, findingOf } from "../context.js";
import type { AuditRule, Evidence, Finding } from "../finding.js";

const DNS_LABELS = { "k8s-app": "kube-dns" };

/**
 * The cluster DNS pods: pods labelled k8s-app=kube-dns in kube-system, or the pods the Service kube-system/kube-dns
 * selects. When the input has none, a stand-in pod with those labels and DNS ports in kube-system is used, so that
 * policies written for the usual CoreDNS deployment are still decided.
 */
export function dnsTargets(ctx: AuditContext): Party[] {
  const model = ctx.model;
  const service = model.services.find((s) => s.namespace === "kube-system" && s.name === "kube-dns");
  const pods = model.pods.filter(
    (p) =>
      p.namespace === "kube-system" &&
      (selectorMatches({ matchLabels: DNS_LABELS, matchExpressions: [] }, p.labels) ||
        (service?.selector !== undefined && selectorMatches(service.selector, p.labels))),
  );
  if (pods.length > 0) {
    const byWorkload = new Map<string, Pod>();
    for (const p of pods) if (!byWorkload.has(p.workload)) byWorkload.set(p.workload, p);
    return [...byWorkload.values()].map((p) => ctx.party(p));
  }
  const standIn: Pod = {
    namespace: "kube-system",
    name: "kube-dns",
    labels: DNS_LABELS,
    ips: [],
    ports: [
      { name: "dns", port: 53, protocol: "UDP" },
      { name: "dns-tcp", port: 53, protocol: "TCP" },
    ],
    serviceAccount: "coredns",
    hostNetwork: false,
    workload: "kube-system/kube-dns",
    fromTemplate: true,
    source: { kind: "Service", name: "kube-dns", namespace: "kube-system", file: "<assumed>", line: 0 },
  };
  return [
    {
      kind: "pod",
      pod: standIn,
      namespaceLabels: model.namespaces.get("kube-system")?.labels ?? { "kubernetes.io/metadata.name": "kube-system" },
      ips: [],
    },
  ];
}

export const egressWithoutDns: AuditRule = {
  id: "WARD-NP-004",
  layer: "cluster",
  severity: "high",
  title: "Default-deny egress without DNS",
  rationale:
    "A pod isolated for egress that cannot reach kube-dns on UDP and TCP 53 cannot resolve names: every Service call fails, usually as a timeout that looks like an outage.",
  fix: "Allow egress to pods k8s-app=kube-dns in namespace kube-system on UDP 53 and TCP 53 (TCP carries large answers).",
  equivalents: {},
  check(ctx) {
    const out: Finding[] = [];
    const targets = dnsTargets(ctx);
    for (const w of ctx.model.workloads) {
      if (w.namespace === "kube-system" && ctx.podsOf(w).some((p) => p.labels["k8s-app"] === "kube-dns")) continue;
      const pod = ctx.podsOf(w).find((p) => !p.hostNetwork && ctx.isolated(p, "egress"));
      if (pod === undefined) continue;
      const from = ctx.party(pod);
      const evidence: Evidence[] = [];
      const denied: string[] = [];
      for (const protocol of ["UDP", "TCP"] as const) {
        // DNS is reachable when one of the DNS pods answers on the protocol.
        const tries = targets.map((to) => ctx.prove(from, to, 53, protocol));
        const ok = tries.find((e) => e.allowed);
        if (ok === undefined) {
          denied.push(`${protocol}/53`);
          if (tries[0]) evidence.push(tries[0]);
        }
      }
      if (denied.length === 0) continue;
      out.push(
        findingOf(
          this,
          w.source,
          `${w.kind} ${w.id} is isolated for egress and cannot reach kube-dns on ${denied.join(" and ")}: name resolution fails`,
          { evidence },
        ),
      );
    }
    return out;
  },
};
