import type { Gateway } from "../../../model/cloud.js";
import { isUnknown } from "../../../model/cloud.js";
import { routeTableOf } from "../../cloud/routes.js";
import { findingOf } from "../context.js";
import type { AuditRule, Finding } from "../finding.js";

// Nodes without outbound internet access need these VPC endpoints to join the cluster and pull images
// (docs.aws.amazon.com/eks/latest/userguide/private-clusters.html): ECR API and Docker registry, S3 as a gateway
// endpoint (image layers), EC2, STS (IAM roles for service accounts), Elastic Load Balancing, CloudWatch Logs.
const INTERFACE = ["ecr.api", "ecr.dkr", "ec2", "sts", "elasticloadbalancing", "logs"] as const;
// Session Manager needs ssm (agent registration) and ssmmessages ("required to create and delete session channels"),
// docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-setting-up-messageAPIs.html; ec2messages only
// serves SSM Agent older than 3.3.40.0, so it is named in the fix, not required.
// Ward knows a node uses it only from Terraform: its IAM role has AmazonSSMManagedInstanceCore attached.
const SESSION_MANAGER = ["ssm", "ssmmessages"] as const;
const serviceOf = (name: string | undefined) => /^com\.amazonaws\.[a-z0-9-]+\.(.+)$/.exec(name ?? "")?.[1];

export const eksMissingEndpoints: AuditRule = {
  id: "WARD-AWS-012",
  layer: "cloud",
  severity: "high",
  title: "Private EKS nodes without the VPC endpoints they need",
  rationale:
    "Nodes in subnets with no route to the internet reach AWS APIs only through VPC endpoints: without ecr.api, ecr.dkr and the S3 gateway endpoint they cannot pull images, without ec2/sts/elasticloadbalancing/logs they cannot join the cluster, assume roles, register load balancer targets or ship logs. Nodes managed through Systems Manager also need ssm and ssmmessages (Session Manager); Ward counts a node group as such when the Terraform files attach AmazonSSMManagedInstanceCore to its node role (aws_iam_role managed_policy_arns, aws_iam_role_policy_attachment or aws_iam_policy_attachment) — describe-* output carries no IAM, so there the SSM endpoints are not required.",
  fix: "Create interface endpoints (private DNS enabled) for com.amazonaws.<region>.ecr.api, ecr.dkr, ec2, sts, elasticloadbalancing and logs (plus ssm and ssmmessages for Session Manager, and ec2messages for SSM Agent older than 3.3.40.0), and a gateway endpoint for s3 associated with the nodes' route tables.",
  equivalents: {},
  check(ctx) {
    const cloud = ctx.model.cloud;
    if (cloud === undefined) return [];
    const out: Finding[] = [];
    const seen = new Set<string>();
    for (const node of cloud.interfaces) {
      if (node.kind !== "node-group") continue;
      const subnet = cloud.subnets.find((s) => s.id === node.subnetId);
      if (subnet === undefined) continue;
      const table = routeTableOf(cloud, subnet);
      if (table === undefined) continue;
      // Only a subnet proved to have no default route is private-without-internet: any 0.0.0.0/0 route (NAT, IGW,
      // transit gateway, firewall…) or a route Ward cannot read may reach the public endpoints.
      const egress = table.routes.some(
        (r) =>
          isUnknown(r.destination) ||
          isUnknown(r.target) ||
          ("prefix" in r.destination &&
            r.destination.family === 4 &&
            r.destination.prefix === 0 &&
            r.target.type !== "blackhole"),
      );
      if (egress) continue;
      const endpoints = cloud.gateways.filter((g) => g.type === "vpc-endpoint" && g.vpcId === subnet.vpcId);
      const has = (svc: string, pred: (g: Gateway) => boolean) =>
        endpoints.some((g) => serviceOf(g.serviceName) === svc && pred(g));
      const needed = node.sessionManager === true ? [...INTERFACE, ...SESSION_MANAGER] : INTERFACE;
      const missing: string[] = needed.filter((svc) => !has(svc, (g) => g.endpointType === "Interface"));
      // A gateway endpoint serves only the route tables it is associated with (none listed: may be associated elsewhere).
      const s3 = has(
        "s3",
        (g) =>
          g.endpointType === "Gateway" &&
          ((g.routeTableIds ?? []).length === 0 || (g.routeTableIds ?? []).includes(table.id)),
      );
      if (!s3) missing.push("s3 (gateway)");
      if (missing.length === 0) continue;
      const key = `${node.id}|${table.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(
        findingOf(
          this,
          node.source,
          `node group ${node.name} runs in subnet ${subnet.name || subnet.id}, which has no route to the internet (route table ${table.id}), and VPC ${subnet.vpcId} has no endpoint for ${missing.map((m) => `com.amazonaws.<region>.${m}`).join(", ")}`,
          { related: [subnet.source, table.source] },
        ),
      );
    }
    return out;
  },
};
