import type { CloudModel, SgRule } from "../../../model/cloud.js";
import { isUnknown } from "../../../model/cloud.js";
import { findingOf } from "../context.js";
import type { AuditRule, Finding } from "../finding.js";

const ADMIN_PORTS = [22, 3389];
// IANA protocol numbers as AWS stores them: 6 TCP, 17 UDP; "all" is -1 (every protocol and port).
const TCP = 6;
const UDP = 17;

const isCidr = (p: SgRule["peer"]): p is { type: "cidr"; cidr: { prefix: number; text: string } } & SgRule["peer"] =>
  "type" in p && p.type === "cidr";

function describeRule(r: SgRule): string {
  const proto =
    r.protocol === "all"
      ? "all traffic"
      : r.protocol === TCP
        ? "TCP"
        : r.protocol === UDP
          ? "UDP"
          : `protocol ${r.protocol}`;
  return r.protocol === "all"
    ? proto
    : `${proto} ${r.fromPort === r.toPort ? r.fromPort : `${r.fromPort}-${r.toPort}`}`;
}

export const sgOpenToWorld: AuditRule = {
  id: "WARD-AWS-001",
  layer: "cloud",
  severity: "high",
  title: "Security group open to the internet on admin ports or all ports",
  rationale:
    "Ingress from 0.0.0.0/0 or ::/0 to SSH (22), RDP (3389) or every port puts the instances' management and every service in reach of internet-wide scanners.",
  fix: "Reach instances through Session Manager or a bastion/IAP, and allow only the load balancer's security group on the service port.",
  equivalents: { checkov: "CKV_AWS_24 / CKV_AWS_25", trivy: "AVD-AWS-0107" },
  check(ctx) {
    const cloud: CloudModel | undefined = ctx.model.cloud;
    const out: Finding[] = [];
    for (const sg of cloud?.securityGroups ?? []) {
      for (const r of sg.rules) {
        if (r.direction !== "ingress" || !isCidr(r.peer) || r.peer.cidr.prefix !== 0) continue;
        const all =
          r.protocol === "all" || ((r.protocol === TCP || r.protocol === UDP) && r.fromPort <= 1 && r.toPort >= 65535);
        const admin = ADMIN_PORTS.filter(
          (p) => (r.protocol === TCP || (r.protocol === UDP && p === 3389)) && r.fromPort <= p && p <= r.toPort,
        );
        if (!all && admin.length === 0) continue;
        const what = all ? "every port" : `admin port ${admin.join(", ")}`;
        out.push(
          findingOf(
            this,
            r.source,
            `security group ${sg.name} (${sg.id}) allows ${describeRule(r)} from ${r.peer.cidr.text}: ${what} open to the internet`,
          ),
        );
      }
    }
    return out;
  },
};

export const naclAllowsAll: AuditRule = {
  id: "WARD-AWS-002",
  layer: "cloud",
  severity: "medium",
  title: "Network ACL allowing all traffic",
  rationale:
    "A NACL rule allowing every protocol from 0.0.0.0/0 (the default NACL's rule 100) adds no subnet-level boundary: security groups are the only filter left.",
  fix: "Give data and application subnets their own NACLs that allow only their tiers' CIDRs and ports (with return traffic on ephemeral ports).",
  equivalents: { trivy: "AVD-AWS-0102" },
  check(ctx) {
    const out: Finding[] = [];
    for (const nacl of ctx.model.cloud?.nacls ?? []) {
      for (const r of nacl.rules) {
        if (r.action !== "allow" || r.protocol !== "all" || !("prefix" in r.cidr) || r.cidr.prefix !== 0) continue;
        if (nacl.subnetIds.length === 0) continue; // not associated: decides nothing
        out.push(
          findingOf(
            this,
            r.source,
            `network ACL ${nacl.id} rule ${r.ruleNumber} allows all ${r.direction} traffic ${r.direction === "ingress" ? "from" : "to"} ${r.cidr.text} (subnets ${nacl.subnetIds.join(", ")})`,
          ),
        );
      }
    }
    return out;
  },
};

export const publicIpInPrivateSubnet: AuditRule = {
  id: "WARD-AWS-003",
  layer: "cloud",
  severity: "medium",
  title: "Public IP on launch in a private subnet",
  rationale:
    "A subnet without a route to an internet gateway is private, yet map_public_ip_on_launch gives its instances public addresses: one route change away from exposure, and misleading to reviewers.",
  fix: "Set map_public_ip_on_launch = false on private subnets.",
  equivalents: { checkov: "CKV_AWS_130", trivy: "AVD-AWS-0164" },
  check(ctx) {
    const cloud = ctx.model.cloud;
    const out: Finding[] = [];
    for (const s of cloud?.subnets ?? []) {
      if (!s.mapPublicIp) continue;
      const table =
        cloud?.routeTables.find((t) => t.subnetIds.includes(s.id)) ??
        cloud?.routeTables.find((t) => t.vpcId === s.vpcId && t.main);
      const publicRoute = table?.routes.some((r) => "type" in r.target && r.target.type === "internet-gateway");
      // A route Ward cannot evaluate (a variable, a data source) may go to an internet gateway: not proved private.
      const unknownRoute = table?.routes.some((r) => isUnknown(r.target) || isUnknown(r.destination));
      if (table === undefined || publicRoute || unknownRoute) continue;
      out.push(
        findingOf(
          this,
          s.source,
          `subnet ${s.name || s.id} has no route to an internet gateway (route table ${table.id}) but map_public_ip_on_launch is true`,
        ),
      );
    }
    return out;
  },
};

export const CLOUD_RULES: readonly AuditRule[] = [sgOpenToWorld, naclAllowsAll, publicIpInPrivateSubnet];
