import { isUnknown } from "../../../model/cloud.js";
import { findingOf } from "../context.js";
import type { AuditRule, Finding } from "../finding.js";

// registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/security_group: `description` "Defaults to
// `Managed by Terraform`": a group created without one carries that text, which says nothing about its purpose.
const TERRAFORM_DEFAULT = "Managed by Terraform";

export const sgWithoutDescription: AuditRule = {
  id: "WARD-AWS-013",
  layer: "cloud",
  severity: "low",
  title: "Security group without a description",
  rationale:
    "A security group's description (GroupDescription) is the only place that says what the group is for, and it cannot be changed after creation. An empty description, or Terraform's default \"Managed by Terraform\" (set when the argument is left out), leaves reviewers to guess which traffic the group is meant to allow. Groups whose description is not in the files (a variable, the VPC's default group) are not reported.",
  fix: 'Set `description` on the aws_security_group to what the group allows and for whom (e.g. "HTTPS from the ALB to the web tier"); it forces a new group, so create the replacement first (create_before_destroy).',
  equivalents: { checkov: "CKV_AWS_23", trivy: "AVD-AWS-0099" },
  check(ctx) {
    const cloud = ctx.model.cloud;
    if (cloud === undefined) return [];
    const out: Finding[] = [];
    for (const sg of cloud.securityGroups) {
      const d = sg.description;
      if (d === undefined || isUnknown(d)) continue;
      const empty = d.trim() === "";
      if (!empty && d.trim() !== TERRAFORM_DEFAULT) continue;
      out.push(
        findingOf(
          this,
          sg.source,
          empty
            ? `security group ${sg.name} (${sg.id}) has an empty description`
            : `security group ${sg.name} (${sg.id}) has Terraform's default description "${TERRAFORM_DEFAULT}" (no description argument)`,
        ),
      );
    }
    return out;
  },
};
