import { findingOf } from "../context.js";
import type { AuditRule, Finding } from "../finding.js";

export const vpcWithoutFlowLogs: AuditRule = {
  id: "WARD-AWS-015",
  layer: "cloud",
  severity: "medium",
  title: "VPC without flow logs",
  rationale:
    "Without flow logs nothing records which connections were accepted or rejected in the VPC: an intrusion, a data exfiltration or a misrouted path leaves no trace to investigate. A VPC counts as logged when a flow log (aws_flow_log, or describe-flow-logs) is on the VPC itself, or on every one of its subnets; flow logs on single network interfaces do not cover the VPC. Any traffic type (ALL, ACCEPT, REJECT) counts. From `aws ec2 describe-*` output without a describe-flow-logs file Ward cannot tell, and reports nothing (a false alarm is worse than silence).",
  fix: 'Add an aws_flow_log with vpc_id = the VPC and traffic_type = "ALL", delivering to CloudWatch Logs or S3 (for describe input, add `aws ec2 describe-flow-logs` output to the inputs).',
  equivalents: { checkov: "CKV2_AWS_11", trivy: "AVD-AWS-0178" },
  check(ctx) {
    const cloud = ctx.model.cloud;
    if (cloud === undefined) return [];
    const logs = cloud.flowLogs ?? [];
    const logged = (type: string, id: string) => logs.some((f) => f.resourceType === type && f.resourceId === id);
    const out: Finding[] = [];
    for (const vpc of cloud.vpcs) {
      if (vpc.flowLogsKnown === false || logged("vpc", vpc.id)) continue;
      const subnets = cloud.subnets.filter((s) => s.vpcId === vpc.id);
      const unlogged = subnets.filter((s) => !logged("subnet", s.id));
      if (subnets.length > 0 && unlogged.length === 0) continue;
      const partial = subnets.length - unlogged.length;
      out.push(
        findingOf(
          this,
          vpc.source,
          `VPC ${vpc.id} has no flow log${partial > 0 ? ` (only ${partial} of its ${subnets.length} subnets have one; not ${unlogged.map((s) => s.name || s.id).join(", ")})` : ""}`,
        ),
      );
    }
    return out;
  },
};
