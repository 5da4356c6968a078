import { peerMatches, policySelects } from "../../../analyze/cluster/evaluate-cluster.js";
import type { Pod } from "../../../model/endpoint.js";
import { findingOf } from "../context.js";
import type { AuditRule, Finding } from "../finding.js";
import { refText } from "./describe-policy.js";

// NetworkPolicy API: a named port resolves against the destination pod's container ports (name and protocol);
// for ingress the destination is the selected pod, for egress the peer pod.
export const namedPortMissing: AuditRule = {
  id: "WARD-NP-011",
  layer: "cluster",
  severity: "medium",
  title: "Named port that no selected container has",
  rationale:
    "A named port resolves against the destination pods' container ports; when none of them declares the name (with that protocol), the rule allows nothing and the path is silently blocked.",
  fix: "Use the name the containers declare (`ports[].name`), a port number, or add the name to the container spec.",
  equivalents: {},
  check(ctx) {
    const out: Finding[] = [];
    for (const policy of ctx.model.policies) {
      const selected = ctx.model.pods.filter((p) => policySelects(policy, ctx.party(p)));
      for (const direction of ["ingress", "egress"] as const) {
        for (const rule of policy[direction] ?? []) {
          if (rule.ports === "all") continue;
          let destinations: Pod[] | undefined;
          for (const spec of rule.ports) {
            if (typeof spec.port !== "string") continue;
            if (direction === "ingress") destinations = selected;
            else
              destinations ??=
                rule.peers === "any"
                  ? [...ctx.model.pods]
                  : ctx.model.pods.filter((p) =>
                      (rule.peers as Exclude<typeof rule.peers, "any">).some((peer) => peerMatches(peer, ctx.party(p))),
                    );
            if (destinations.length === 0) continue; // nothing to resolve against: WARD-NP-006/007 report it
            const name = spec.port;
            if (destinations.some((p) => p.ports.some((cp) => cp.name === name && cp.protocol === spec.protocol)))
              continue;
            const whose = direction === "ingress" ? "the pods the policy selects" : "the destination pods";
            out.push(
              findingOf(
                this,
                { ...policy.source, file: rule.source.file, line: spec.line ?? rule.source.line },
                `${refText(policy.source)}: ${direction} port "${name}" (${spec.protocol}) is declared by none of ${whose} (${destinations
                  .map((p) => p.workload)
                  .filter((w, i, a) => a.indexOf(w) === i)
                  .join(", ")})`,
              ),
            );
          }
        }
      }
    }
    return out;
  },
};
