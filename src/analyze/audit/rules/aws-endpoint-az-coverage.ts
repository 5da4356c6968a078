import type { InterfaceKind, Subnet } from "../../../model/cloud.js";
import { findingOf } from "../context.js";
import type { AuditRule, Finding } from "../finding.js";

// Interfaces that call AWS APIs from a subnet; load balancers, databases, NAT gateways and endpoints do not.
const CALLERS: ReadonlySet<InterfaceKind> = new Set(["instance", "network-interface", "node-group"]);

/** Same zone? Compared by name when both have one, else by zone id; undefined when the files cannot tell. */
function sameZone(a: Subnet, b: Subnet): boolean | undefined {
  if (a.availabilityZone !== undefined && b.availabilityZone !== undefined)
    return a.availabilityZone === b.availabilityZone;
  if (a.availabilityZoneId !== undefined && b.availabilityZoneId !== undefined)
    return a.availabilityZoneId === b.availabilityZoneId;
  return undefined;
}

const zoneOf = (s: Subnet) => s.availabilityZone ?? s.availabilityZoneId ?? "?";

export const endpointMissingZones: AuditRule = {
  id: "WARD-AWS-016",
  layer: "cloud",
  severity: "low",
  title: "Interface endpoint not in every Availability Zone that uses it",
  rationale:
    "An interface endpoint has a network interface only in the subnets it is given, at most one per Availability Zone (docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html). Workloads in a zone without one reach it across zones: the traffic is billed as inter-AZ, and an outage of the endpoint's zones cuts them off from the service although their own zone is healthy. Ward compares the zones of the endpoint's subnets with the zones of the subnets holding instances, network interfaces or EKS node groups in its VPC. Subnets whose zone is not in the files (availability_zone unset in HCL) are skipped without a finding.",
  fix: "Add a subnet in each missing zone to the endpoint's subnet_ids (or an aws_vpc_endpoint_subnet_association).",
  equivalents: {},
  check(ctx) {
    const cloud = ctx.model.cloud;
    if (cloud === undefined) return [];
    const subnetById = new Map(cloud.subnets.map((s) => [s.id, s]));
    const out: Finding[] = [];
    for (const ep of cloud.gateways) {
      if (ep.type !== "vpc-endpoint" || ep.endpointType !== "Interface" || ep.vpcId === undefined) continue;
      const own = (ep.subnetIds ?? []).map((id) => subnetById.get(id));
      if (own.length === 0 || own.some((s) => s === undefined)) continue; // its subnets are not all in the files
      const epSubnets = own as Subnet[];
      const used = new Map<string, Subnet>();
      for (const i of cloud.interfaces) {
        const s = subnetById.get(i.subnetId);
        if (!CALLERS.has(i.kind) || s === undefined || s.vpcId !== ep.vpcId) continue;
        const verdicts = epSubnets.map((e) => sameZone(s, e));
        if (verdicts.includes(true) || verdicts.includes(undefined)) continue; // covered, or cannot tell
        used.set(s.id, s);
      }
      if (used.size === 0) continue;
      const zones = [...new Set([...used.values()].map(zoneOf))].sort();
      out.push(
        findingOf(
          this,
          ep.source,
          `interface endpoint ${ep.id} (${ep.serviceName ?? "?"}) is in ${[...new Set(epSubnets.map(zoneOf))].sort().join(", ")} but workloads use it from ${zones.join(", ")} (subnets ${[...used.values()].map((s) => s.name || s.id).join(", ")}), which have no endpoint interface`,
          { related: [...used.values()].map((s) => s.source) },
        ),
      );
    }
    return out;
  },
};
