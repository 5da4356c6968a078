import type { Model } from "../../model/model.js";
import { fqdnMatches, orderedPolicies } from "../../model/policy.js";
import { type Party, podParty } from "../party.js";
import { type DirectionOutcome, evaluateCluster, policySelects } from "./evaluate-cluster.js";

export type DnsCheck = {
  /** True when the FQDN rule can work: a DNS rule lets the proxy see the lookup and DNS egress is allowed. */
  readonly ok: boolean;
  readonly why: string;
};

const isKubeDns = (labels: Readonly<Record<string, string>>) => labels["k8s-app"] === "kube-dns";

/**
 * An FQDN rule (toFQDNs) only allows the addresses Cilium's DNS proxy saw the name resolve to: the pod needs an
 * egress rule with `rules.dns` matching the name on port 53 (docs.cilium.io "DNS based" / "DNS Proxy"), and its DNS
 * traffic to kube-dns must be allowed. Returns undefined when the egress decision did not rest on an FQDN rule.
 */
export function checkFqdnDns(model: Model, from: Party, name: string, egress: DirectionOutcome): DnsCheck | undefined {
  const by = egress.decidedBy;
  if (from.kind !== "pod" || by.kind !== "rule" || by.action !== "allow") return undefined;
  const peer = by.rule.peer;
  if (peer === undefined || peer === "any" || peer.kind !== "fqdn") return undefined;
  // Calico Enterprise "DNS policy": addresses come from the pod's own lookups to trusted DNS servers; no proxy rule.
  if (peer.learnedFromDnsAnswers === true)
    return dnsEgress(model, from, name, `the name's addresses are learned from the pod's DNS answers`);
  const dnsRule = orderedPolicies(model.policies)
    .filter((p) => p.egress !== undefined && policySelects(p, from))
    .flatMap((p) => p.egress ?? [])
    .find((r) => r.action === "allow" && (r.dns ?? []).some((pattern) => fqdnMatches(pattern, name)));
  if (dnsRule === undefined)
    return {
      ok: false,
      why: `the FQDN rule needs DNS through Cilium's DNS proxy, but no egress rule with rules.dns matching ${name} selects ${from.pod.namespace}/${from.pod.name}: the name's addresses are never learned`,
    };
  return dnsEgress(
    model,
    from,
    name,
    `DNS rule at ${dnsRule.source.file}:${dnsRule.source.line} lets the DNS proxy learn ${name}`,
  );
}

/** The pod's DNS traffic to kube-dns must be allowed for the name's addresses to be learned. */
function dnsEgress(model: Model, from: Party & { kind: "pod" }, name: string, learned: string): DnsCheck {
  const dnsPods = model.pods.filter((p) => p.namespace === "kube-system" && isKubeDns(p.labels));
  if (dnsPods.length === 0)
    return { ok: true, why: `${learned} (kube-dns pods not in the input: DNS egress not checked)` };
  const reachable = dnsPods.some(
    (dns) =>
      evaluateCluster(model, { from, to: podParty(model, dns), port: 53, protocol: "UDP" }).allowed ||
      evaluateCluster(model, { from, to: podParty(model, dns), port: 53, protocol: "TCP" }).allowed,
  );
  return reachable
    ? { ok: true, why: `${learned}, and DNS egress to kube-dns allows resolving ${name}` }
    : {
        ok: false,
        why: `the FQDN rule needs DNS, but policy blocks ${from.pod.namespace}/${from.pod.name} → kube-system/kube-dns on port 53`,
      };
}
