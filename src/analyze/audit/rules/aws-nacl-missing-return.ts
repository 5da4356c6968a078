import { isUnknown } from "../../../model/cloud.js";
import { evaluateNacl } from "../../cloud/nacl.js";
import { describeRanges, isEmpty, rangesOf } from "../../cloud/ranges.js";
import { findingOf } from "../context.js";
import type { AuditRule, Finding } from "../finding.js";

// Clients pick their source port from the ephemeral range; a NACL must allow 1024-65535 to cover every client type
// (Linux, Windows, ELB, NAT gateway) — docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html.
const EPHEMERAL: [number, number] = [1024, 65535];

export const naclMissingReturn: AuditRule = {
  id: "WARD-AWS-010",
  layer: "cloud",
  severity: "medium",
  title: "Network ACL allows a server port inbound but not the reply on ephemeral ports",
  rationale:
    "Network ACLs are stateless: the reply to an allowed inbound connection is an outbound packet to the client's ephemeral port and needs its own outbound allow rule. Without it the connection the inbound rule was written for never completes.",
  fix: "Add an outbound allow rule for the same protocol to the client CIDR on ports 1024-65535, numbered before any rule that denies it.",
  equivalents: {},
  check(ctx) {
    const out: Finding[] = [];
    for (const nacl of ctx.model.cloud?.nacls ?? []) {
      if (nacl.subnetIds.length === 0) continue; // not associated: decides nothing
      for (const r of nacl.rules) {
        if (r.direction !== "ingress" || r.action !== "allow" || isUnknown(r.cidr)) continue;
        if (r.protocol !== 6 && r.protocol !== 17) continue; // only TCP/UDP carry ports to reply to
        // A rule covering the whole ephemeral range is itself a return rule (for outbound connections), not a server port.
        if (r.fromPort <= EPHEMERAL[0] && r.toPort >= EPHEMERAL[1]) continue;
        // Rules are evaluated in rule_number order, the first match decides (docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html).
        const reply = evaluateNacl(nacl, "egress", rangesOf(r.cidr), r.protocol, EPHEMERAL[0], EPHEMERAL[1]);
        if (reply.decisions.some((d) => d.action === "unknown")) continue; // an unevaluable rule: cannot prove it
        const blocked = reply.denied;
        const partial = reply.unknown;
        if (isEmpty(blocked) && isEmpty(partial)) continue;
        const proto = r.protocol === 6 ? "tcp" : "udp";
        const ports = r.fromPort === r.toPort ? `${r.fromPort}` : `${r.fromPort}-${r.toPort}`;
        const deciders = reply.decisions
          .filter((d) => d.action === "deny")
          .map((d) => (d.rule ? `egress rule ${d.rule.ruleNumber}` : "the final * deny"));
        const what = isEmpty(blocked)
          ? `only some of ports ${EPHEMERAL[0]}-${EPHEMERAL[1]} to ${describeRanges(partial)}`
          : `no reply to ${describeRanges(blocked)} on ${proto} ${EPHEMERAL[0]}-${EPHEMERAL[1]}`;
        out.push(
          findingOf(
            this,
            r.source,
            `network ACL ${nacl.id} ingress rule ${r.ruleNumber} allows ${proto} ${ports} from ${r.cidr.text}, but its outbound rules allow ${what} (denied by ${[...new Set(deciders)].join(", ")})`,
            { related: reply.decisions.flatMap((d) => (d.rule && d.action === "deny" ? [d.rule.source] : [])) },
          ),
        );
      }
    }
    return out;
  },
};
