import type { Cidr } from "../../../model/cidr.js";
import type { SourceRef } from "../../../model/source-ref.js";
import { findingOf } from "../context.js";
import type { AuditRule, Finding } from "../finding.js";

const overlaps = (a: Cidr, b: Cidr) => a.family === b.family && a.start <= b.end && b.start <= a.end;

type Block = { owner: string; vpcId: string; cidr: Cidr; source: SourceRef };

export const overlappingCidrs: AuditRule = {
  id: "WARD-AWS-007",
  layer: "cloud",
  severity: "medium",
  title: "VPCs with overlapping CIDR blocks",
  rationale:
    "VPCs with overlapping CIDRs cannot be peered or routed to each other through a transit gateway without ambiguity: AWS refuses peering between VPCs with overlapping IPv4 CIDRs, and a transit gateway routes only one of them. (Overlapping subnets in one VPC are an input error: AWS refuses them.)",
  fix: "Plan one non-overlapping address space per VPC (an IPAM pool).",
  equivalents: {},
  check(ctx) {
    const cloud = ctx.model.cloud;
    if (cloud === undefined) return [];
    const out: Finding[] = [];
    const vpcs: Block[] = cloud.vpcs.flatMap((v) =>
      v.cidrs.map((cidr) => ({ owner: v.id, vpcId: v.id, cidr, source: v.source })),
    );
    for (const [i, a] of vpcs.entries())
      for (const b of vpcs.slice(i + 1))
        if (a.vpcId !== b.vpcId && overlaps(a.cidr, b.cidr))
          out.push(
            findingOf(this, b.source, `VPC ${b.owner} (${b.cidr.text}) overlaps VPC ${a.owner} (${a.cidr.text})`, {
              related: [a.source],
            }),
          );
    return out;
  },
};
