import { selectorMatches } from "../../../model/labels.js";
import { describePeer } from "../../cluster/describe.js";
import { peerMatches } from "../../cluster/evaluate-cluster.js";
import { findingOf } from "../context.js";
import type { AuditRule, Finding } from "../finding.js";

export const peerMatchesNothing: AuditRule = {
  id: "WARD-NP-007",
  layer: "cluster",
  severity: "low",
  title: "Peer that matches nothing",
  rationale:
    "A from/to entry that matches no pod (or no namespace) allows nothing: the path it was written for is blocked, or the selector has a typo.",
  fix: "Correct the peer's podSelector / namespaceSelector labels (namespaces carry kubernetes.io/metadata.name=<name>).",
  equivalents: {},
  check(ctx) {
    const out: Finding[] = [];
    const namespaces = [...ctx.model.namespaces.values()];
    for (const policy of ctx.model.policies) {
      for (const direction of ["ingress", "egress"] as const) {
        for (const rule of policy[direction] ?? []) {
          if (rule.peers === "any") continue;
          for (const peer of rule.peers) {
            let why: string | undefined;
            if (peer.kind === "pods") {
              if (peer.namespaces.kind === "selector") {
                const sel = peer.namespaces.selector;
                if (!namespaces.some((n) => selectorMatches(sel, n.labels)))
                  why = "no namespace matches its namespaceSelector";
              }
              if (why === undefined && !ctx.model.pods.some((p) => peerMatches(peer, ctx.party(p))))
                why = "no pod matches it";
            }
            if (why === undefined) continue;
            out.push(
              findingOf(
                this,
                { ...policy.source, file: rule.source.file, line: peer.line },
                `${direction} peer ${describePeer(peer)} of ${policy.source.kind} ${policy.source.namespace ? `${policy.source.namespace}/` : ""}${policy.source.name}: ${why}`,
              ),
            );
          }
        }
      }
    }
    return out;
  },
};
