import { findingOf } from "../context.js";
import type { AuditRule, Finding } from "../finding.js";

// AWS creates every VPC's default group with this rule; it is the default group's, not the configuration's.
const DEFAULT_GROUP = "default";

export const sgAllEgress: AuditRule = {
  id: "WARD-AWS-004",
  layer: "cloud",
  severity: "low",
  title: "Security group allowing all egress to the internet",
  rationale:
    'An egress rule for every protocol to 0.0.0.0/0 or ::/0 (the Terraform habit `protocol = "-1"`, `cidr_blocks = ["0.0.0.0/0"]`, copied because Terraform removes AWS\'s default egress rule) lets a compromised instance reach any host on any port: exfiltration and command-and-control need nothing else.',
  fix: "Allow egress only to the tiers, endpoints and ports the instances use (security group references, prefix lists, VPC endpoint groups).",
  equivalents: { checkov: "CKV_AWS_382", trivy: "AVD-AWS-0104" },
  check(ctx) {
    const out: Finding[] = [];
    for (const sg of ctx.model.cloud?.securityGroups ?? []) {
      if (sg.name === DEFAULT_GROUP) continue;
      for (const r of sg.rules) {
        if (r.direction !== "egress" || r.protocol !== "all") continue;
        if (!("type" in r.peer) || r.peer.type !== "cidr" || r.peer.cidr.prefix !== 0) continue;
        out.push(
          findingOf(
            this,
            r.source,
            `security group ${sg.name} (${sg.id}) allows all egress traffic to ${r.peer.cidr.text}: every protocol and port to any address`,
          ),
        );
      }
    }
    return out;
  },
};
