import type { Pod } from "../../../model/endpoint.js";
import { isEmptySelector } from "../../../model/labels.js";
import type { Peer } from "../../../model/policy.js";
import { describePeer } from "../../cluster/describe.js";
import { peerMatches, policySelects } from "../../cluster/evaluate-cluster.js";
import { externalParty } from "../../party.js";
import { findingOf } from "../context.js";
import type { AuditRule, Evidence, Finding } from "../finding.js";
import { refText } from "./describe-policy.js";

/** Does the peer take pods from every namespace (namespaceSelector: {}) — or everything (no from at all)? */
function allNamespaces(peer: Peer | "any"): boolean {
  if (peer === "any") return true;
  if (peer.kind === "entity") return peer.entity === "cluster" || peer.entity === "all";
  return peer.kind === "pods" && peer.namespaces.kind === "selector" && isEmptySelector(peer.namespaces.selector);
}

export const ingressFromAllNamespaces: AuditRule = {
  id: "WARD-NP-009",
  layer: "cluster",
  severity: "medium",
  title: "Ingress from all namespaces",
  rationale:
    "`namespaceSelector: {}` (or a rule with no `from`) admits pods of every namespace, including ones created later by other teams: segmentation by namespace is lost.",
  fix: "Name the namespaces that need access: `namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: <ns>}}`, with a podSelector in the same peer.",
  equivalents: {},
  check(ctx) {
    const out: Finding[] = [];
    for (const policy of ctx.model.policies) {
      for (const rule of policy.ingress ?? []) {
        if (rule.action !== "allow") continue;
        const peers = rule.peers === "any" ? (["any"] as const) : rule.peers;
        const broad = peers.find(allNamespaces);
        if (broad === undefined) continue;
        // Proof: a pod of another namespace that the peer admits, to a pod the policy selects, on the rule's port.
        const target = ctx.model.pods.find((p) => policySelects(policy, ctx.party(p)));
        const spec = rule.ports === "all" ? undefined : rule.ports[0];
        const protocol = spec?.protocol ?? "TCP";
        let port = typeof spec?.port === "number" ? spec.port : 443;
        if (typeof spec?.port === "string" && target)
          port = target.ports.find((p) => p.name === spec.port)?.port ?? port;
        const evidence: Evidence[] = [];
        if (target !== undefined) {
          const source = ctx.model.pods.find(
            (p: Pod) => p.namespace !== target.namespace && (broad === "any" || peerMatches(broad, ctx.party(p))),
          );
          const from = source ? ctx.party(source) : broad === "any" ? externalParty("198.51.100.7") : undefined;
          if (from) evidence.push(ctx.prove(from, ctx.party(target), port, protocol));
        }
        const what = broad === "any" ? "any source (the rule has no from)" : describePeer(broad);
        out.push(
          findingOf(
            this,
            { ...policy.source, line: rule.source.line },
            `${refText(policy.source)} allows ingress from ${what}`,
            {
              evidence,
            },
          ),
        );
      }
    }
    return out;
  },
};
