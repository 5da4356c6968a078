import { cidrContains, parseCidr } from "../../../model/cidr.js";
import type { Peer } from "../../../model/policy.js";
import { ipInBlock } from "../../address-set.js";
import { describePeer } from "../../cluster/describe.js";
import { policySelects } from "../../cluster/evaluate-cluster.js";
import { externalParty } from "../../party.js";
import { findingOf } from "../context.js";
import type { AuditRule, Evidence, Finding } from "../finding.js";
import { refText } from "./describe-policy.js";

const WHOLE = [parseCidr("0.0.0.0/0"), parseCidr("::/0")];
/** Public addresses to prove the rule with (TEST-NET-2 and well-known resolvers): the first the peer covers. */
const PROBES = ["198.51.100.7", "8.8.8.8", "1.1.1.1", "2001:4860:4860::8888"];

function everywhere(peer: Peer | "any"): boolean {
  if (peer === "any") return true;
  if (peer.kind === "entity") return peer.entity === "world" || peer.entity === "all";
  return peer.kind === "ipBlock" && WHOLE.some((w) => cidrContains(peer.block.cidr, w));
}

export const egressToInternetAllPorts: AuditRule = {
  id: "WARD-NP-010",
  layer: "cluster",
  severity: "high",
  title: "Egress to 0.0.0.0/0 on all ports",
  rationale:
    "An egress rule to every address on every port undoes egress control: a compromised pod can reach any command-and-control server or exfiltrate data on any port.",
  fix: "Name the destinations (CIDRs of the services needed, or FQDN rules in Cilium/Calico) and the ports (usually TCP 443).",
  equivalents: {},
  check(ctx) {
    const out: Finding[] = [];
    for (const policy of ctx.model.policies) {
      for (const rule of policy.egress ?? []) {
        if (rule.action !== "allow" || rule.ports !== "all") continue;
        const peers = rule.peers === "any" ? (["any"] as const) : rule.peers;
        const broad = peers.find(everywhere);
        if (broad === undefined) continue;
        const source = ctx.model.pods.find((p) => policySelects(policy, ctx.party(p)));
        const evidence: Evidence[] = [];
        const probe = PROBES.find((a) => {
          if (broad === "any" || broad.kind !== "ipBlock") return true;
          return ipInBlock(broad.block, parseCidr(a));
        });
        if (source !== undefined && probe !== undefined)
          evidence.push(ctx.prove(ctx.party(source), externalParty(probe), 4444, "TCP"));
        const what = broad === "any" ? "any destination (the rule has no to)" : describePeer(broad);
        out.push(
          findingOf(
            this,
            { ...policy.source, line: rule.source.line },
            `${refText(policy.source)} allows egress to ${what} on all ports and protocols`,
            { evidence },
          ),
        );
      }
    }
    return out;
  },
};
