import type { Gateway, RouteTable } from "../../../model/cloud.js";
import { isUnknown } from "../../../model/cloud.js";
import { findingOf } from "../context.js";
import type { AuditRule, Finding } from "../finding.js";

// S3 and DynamoDB are the two services with gateway endpoints (com.amazonaws.<region>.s3 / .dynamodb); a gateway
// endpoint adds a prefix-list route to the route tables it is associated with —
// docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html.
const SERVICES = ["s3", "dynamodb"] as const;
const serviceOf = (name: string | undefined) => /^com\.amazonaws\.[a-z0-9-]+\.(s3|dynamodb)$/.exec(name ?? "")?.[1];

function endpointServes(g: Gateway, vpcId: string, service: string): boolean {
  return g.type === "vpc-endpoint" && g.vpcId === vpcId && serviceOf(g.serviceName) === service;
}

export const natWithoutGatewayEndpoint: AuditRule = {
  id: "WARD-AWS-011",
  layer: "cloud",
  severity: "low",
  title: "Private subnets reach S3 / DynamoDB through a NAT gateway instead of a gateway endpoint",
  rationale:
    "Without a gateway endpoint, traffic from private subnets to S3 and DynamoDB leaves through the NAT gateway: it is billed per GB, crosses the internet path, and cannot be limited by an endpoint policy to the organization's buckets and tables.",
  fix: "Add aws_vpc_endpoint resources of type Gateway for com.amazonaws.<region>.s3 and .dynamodb, associated with the private subnets' route tables, and an endpoint policy.",
  equivalents: {},
  check(ctx) {
    const cloud = ctx.model.cloud;
    if (cloud === undefined) return [];
    const out: Finding[] = [];
    for (const table of cloud.routeTables) {
      // Network Firewall subnets carry no workloads: the private subnets' own tables are where the endpoint belongs.
      const firewallSubnet = (id: string) => cloud.firewalls.some((f) => f.subnetIds.includes(id));
      const subnets = cloud.subnets.filter(
        (s) =>
          !firewallSubnet(s.id) &&
          (table.subnetIds.includes(s.id) ||
            (table.main && s.vpcId === table.vpcId && !cloud.routeTables.some((t) => t.subnetIds.includes(s.id)))),
      );
      if (subnets.length === 0) continue; // no subnet uses the table
      const nat = table.routes.find(
        (r) =>
          !isUnknown(r.destination) &&
          "prefix" in r.destination &&
          r.destination.family === 4 &&
          r.destination.prefix === 0 &&
          !isUnknown(r.target) &&
          r.target.type === "nat-gateway",
      );
      if (nat === undefined) continue;
      const missing = SERVICES.filter((svc) => !hasGatewayEndpoint(cloud.gateways, table, svc));
      const unknownAssoc = (svc: string) =>
        cloud.gateways.some(
          (g) =>
            endpointServes(g, table.vpcId, svc) && g.endpointType === "Gateway" && (g.routeTableIds ?? []).length === 0,
        );
      // An interface endpoint for the service (private DNS) also keeps the traffic off the NAT gateway; a gateway
      // endpoint whose route tables are not listed may be associated by a separate resource: neither is a proof.
      const proved = missing.filter(
        (svc) =>
          !unknownAssoc(svc) &&
          !cloud.gateways.some((g) => endpointServes(g, table.vpcId, svc) && g.endpointType === "Interface"),
      );
      if (proved.length === 0) continue;
      const natId = !isUnknown(nat.target) && "id" in nat.target ? nat.target.id : "";
      out.push(
        findingOf(
          this,
          nat.source,
          `route table ${table.id} (subnets ${subnets.map((s) => s.name || s.id).join(", ")}) sends 0.0.0.0/0 to nat-gateway ${natId} and has no gateway endpoint route for ${proved.map((s) => `com.amazonaws.<region>.${s}`).join(", ")}: that traffic goes through the NAT gateway`,
          { related: subnets.map((s) => s.source) },
        ),
      );
    }
    return out;
  },
};

function hasGatewayEndpoint(gateways: readonly Gateway[], table: RouteTable, service: string): boolean {
  const endpoints = gateways.filter((g) => endpointServes(g, table.vpcId, service) && g.endpointType === "Gateway");
  return endpoints.some(
    (g) =>
      (g.routeTableIds ?? []).includes(table.id) ||
      table.routes.some((r) => !isUnknown(r.target) && r.target.type === "vpc-endpoint" && r.target.id === g.id),
  );
}
