import { findingOf } from "../context.js";
import type { AuditRule, Finding } from "../finding.js";

export const unusedSecurityGroup: AuditRule = {
  id: "WARD-AWS-005",
  layer: "cloud",
  severity: "low",
  title: "Security group attached to nothing",
  rationale:
    "A security group no network interface uses protects nothing; its rules mislead reviewers, and it is one attachment away from applying rules nobody reviews any more.",
  fix: "Delete the group, or attach it to the resources it was written for.",
  equivalents: { checkov: "CKV2_AWS_5" },
  check(ctx) {
    const cloud = ctx.model.cloud;
    if (cloud === undefined) return [];
    const used = new Set(cloud.interfaces.flatMap((e) => e.securityGroupIds));
    // An interface whose groups are not in the files may use any group: say nothing rather than guess.
    if (cloud.interfaces.some((e) => e.unknownSecurityGroups !== undefined)) return [];
    const out: Finding[] = [];
    for (const sg of cloud.securityGroups) {
      if (used.has(sg.id) || sg.name === "default") continue; // every VPC has its default group
      out.push(
        findingOf(
          this,
          sg.source,
          `security group ${sg.name} (${sg.id}) is attached to no instance, interface, load balancer, database or node group in the files`,
        ),
      );
    }
    return out;
  },
};
