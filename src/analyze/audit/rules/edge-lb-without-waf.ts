import type { NetworkInterface } from "../../../model/cloud.js";
import { findingOf } from "../context.js";
import type { AuditRule, Finding } from "../finding.js";

/** The load balancer a per-subnet interface belongs to ("aws_lb.web#subnet" → "aws_lb.web"). */
const resourceOf = (e: NetworkInterface) => e.id.split("#")[0] as string;

export const lbWithoutWaf: AuditRule = {
  id: "WARD-EDGE-004",
  layer: "edge",
  severity: "medium",
  title: "Internet-facing load balancer without a WAF association",
  rationale:
    "An internet-facing application load balancer without a web ACL passes every request (injection, scanners, credential stuffing) straight to the application tier.",
  fix: "Associate an AWS WAF web ACL (aws_wafv2_web_acl_association) with the load balancer, or put CloudFront with a web ACL in front of it.",
  equivalents: { checkov: "CKV2_AWS_28" },
  check(ctx) {
    const cloud = ctx.model.cloud;
    // Only where the inputs can state associations (not describe-* output): never a finding from missing data.
    if (cloud === undefined || cloud.webAclsKnown === false) return [];
    const out: Finding[] = [];
    const done = new Set<string>();
    for (const e of cloud.interfaces) {
      // WAF attaches to application load balancers; a network load balancer without security groups cannot take one.
      if (e.kind !== "load-balancer" || e.internetFacing !== true || e.noSecurityGroups === true) continue;
      const lb = resourceOf(e);
      const key = e.id.includes("#") ? lb : e.name; // one finding per load balancer, not per subnet
      if (done.has(key)) continue;
      done.add(key);
      if (cloud.webAcls.some((w) => w.resourceId === lb || w.resourceId === e.id)) continue;
      out.push(
        findingOf(
          this,
          e.source,
          `internet-facing load balancer ${e.name} (${lb}) has no WAF web ACL association in the files`,
        ),
      );
    }
    return out;
  },
};
