import type { Cidr } from "../../model/cidr.js";
import type {
  CloudModel,
  CloudRef,
  Subnet,
  TransitGateway,
  TransitGatewayAttachment,
  TransitGatewayRouteTable,
} from "../../model/cloud.js";
import { isUnknown } from "../../model/cloud.js";
import { naclOfSubnet } from "./nacl.js";
import { describeRanges, intersect, type Ranges, sameRanges } from "./ranges.js";

export type TgwStatus = "allow" | "deny" | "unknown";

export type TgwDecision = {
  readonly status: TgwStatus;
  readonly why: string;
  readonly refs: readonly CloudRef[];
  /** The route table that decided (the one the source attachment is associated with). */
  readonly table?: TransitGatewayRouteTable;
  /** Allowed: the attachment the packet leaves the gateway through. */
  readonly to?: TransitGatewayAttachment;
};

/** The attachment of `vpcId` to the gateway, if any. */
export function attachmentOf(tgw: TransitGateway, vpcId: string): TransitGatewayAttachment | undefined {
  return tgw.attachments.find((a) => a.vpcId === vpcId);
}

/**
 * Routes a packet that enters `tgw` from the attachment of VPC `fromVpcId`: the route table associated with that
 * attachment decides (docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html, "Route table association"); its
 * routes are its static routes and the CIDR blocks of the attachments that propagate to it; the most specific route
 * wins and a static route wins over a propagated one for the same prefix (how-transit-gateways-work.html, "Route
 * evaluation order"); a blackhole route drops the packet.
 */
export function routeInTransitGateway(
  cloud: CloudModel,
  tgw: TransitGateway,
  fromVpcId: string,
  set: Ranges,
  towardsVpcId: string,
): TgwDecision {
  const src = attachmentOf(tgw, fromVpcId);
  if (!src) return { status: "deny", why: `VPC ${fromVpcId} has no attachment to ${tgw.id}`, refs: [tgw.source] };
  if (!tgw.associationsKnown)
    return {
      status: "unknown",
      why: `which route table ${src.id} is associated with is not in the files (add describe-transit-gateway-attachments or get-transit-gateway-route-table-associations output)`,
      refs: [src.source],
    };
  const table = tgw.routeTables.find((t) => t.associations.includes(src.id));
  if (!table)
    return {
      status: "deny",
      why: `${src.id} is not associated with any route table of ${tgw.id}: the gateway has no route for traffic from it`,
      refs: [src.source],
    };
  type Cand = { cidr: Cidr; target: string; static: boolean; ref: CloudRef };
  const cands: Cand[] = [];
  for (const r of table.routes)
    if (!isUnknown(r.destination) && !isUnknown(r.target))
      cands.push({ cidr: r.destination, target: r.target, static: r.propagated !== true, ref: r.source });
  for (const id of table.propagations) {
    const a = tgw.attachments.find((x) => x.id === id);
    if (!a) continue;
    for (const c of cloud.vpcs.find((v) => v.id === a.vpcId)?.cidrs ?? [])
      cands.push({ cidr: c, target: a.id, static: false, ref: a.source });
  }
  const matching = cands
    .filter((c) => c.cidr.family === set.family && sameRanges(intersect(set, c.cidr), set))
    .sort((a, b) => b.cidr.prefix - a.cidr.prefix || Number(b.static) - Number(a.static));
  const best = matching[0];
  const unknownRoutes = table.routes.filter((r) => isUnknown(r.destination) || isUnknown(r.target));
  const name = `${table.id} (associated with ${src.id})`;
  if (!table.routesKnown)
    return {
      status: "unknown",
      why: `${src.id} is associated with ${table.id}, whose routes are not in the files (add search-transit-gateway-routes output)${best ? `; a propagated route ${best.cidr.text} → ${best.target} is known` : ""}`,
      refs: [table.source],
      table,
    };
  if (!best)
    return {
      status: unknownRoutes.length > 0 ? "unknown" : "deny",
      why: `${name} has no route to ${describeRanges(set)}: the packet is dropped`,
      refs: [table.source, ...unknownRoutes.map((r) => r.source)],
      table,
    };
  const kind = best.static ? "static route" : "propagated route";
  const tie = matching.find(
    (c) => c.cidr.prefix === best.cidr.prefix && c.static === best.static && c.target !== best.target,
  );
  if (tie)
    return {
      status: "unknown",
      why: `${name}: two ${kind}s for ${best.cidr.text} (→ ${best.target}, → ${tie.target}): Ward does not choose between them`,
      refs: [best.ref, tie.ref],
      table,
    };
  if (best.target === "blackhole")
    return {
      status: "deny",
      why: `${name}: ${kind} ${best.cidr.text} is a blackhole: the packet is dropped`,
      refs: [best.ref],
      table,
    };
  const att = tgw.attachments.find((a) => a.id === best.target);
  if (!att || att.vpcId !== towardsVpcId)
    return {
      status: att ? "deny" : "unknown",
      why: `${name}: ${kind} ${best.cidr.text} → ${best.target}${att ? ` (VPC ${att.vpcId}), not VPC ${towardsVpcId}` : ", which is not in the files"}`,
      refs: [best.ref],
      table,
    };
  return {
    status: "allow",
    why: `${name}: ${kind} ${best.cidr.text} → ${att.id} (VPC ${att.vpcId})`,
    refs: [best.ref],
    table,
    to: att,
  };
}

export type AttachmentSubnet =
  | { readonly kind: "subnet"; readonly subnet: Subnet; readonly why: string }
  | { readonly kind: "none"; readonly why: string }
  | { readonly kind: "unknown"; readonly why: string };

function zoneOf(s: Subnet): string | undefined {
  return s.availabilityZoneId ?? s.availabilityZone;
}

function sameZone(a: Subnet, b: Subnet): boolean | undefined {
  if (a.id === b.id) return true;
  if (a.availabilityZoneId !== undefined && b.availabilityZoneId !== undefined)
    return a.availabilityZoneId === b.availabilityZoneId;
  if (a.availabilityZone !== undefined && b.availabilityZone !== undefined)
    return a.availabilityZone === b.availabilityZone;
  return undefined;
}

/**
 * The attachment subnet whose transit gateway interface carries a packet of `instanceSubnet`'s Availability Zone.
 * Leaving a VPC (`strict`), traffic is forwarded to the gateway only through the attachment's interface in the same
 * zone (how-transit-gateways-work.html, "Resource attachments"); entering a VPC, the gateway keeps the zone the flow
 * came from and uses another zone's interface when the attachment has none there (prescriptive-guidance
 * inline-traffic-inspection-third-party-appliances: "Transit Gateway traffic flow and asymmetric routing").
 */
export function attachmentSubnet(
  cloud: CloudModel,
  att: TransitGatewayAttachment,
  zoneFrom: Subnet,
  strict: boolean,
  towards?: Subnet,
): AttachmentSubnet {
  if (att.subnetsKnown === false)
    return { kind: "unknown", why: `the subnets of ${att.id} are not in the files: its network ACLs are unknown` };
  const subnets = att.subnetIds.flatMap((id) => cloud.subnets.find((s) => s.id === id) ?? []);
  const missing = att.subnetIds.filter((id) => !subnets.some((s) => s.id === id));
  const zone = zoneOf(zoneFrom) ?? "an unknown zone";
  // In appliance mode the gateway picks one interface of the attachment per flow (flow hash), whatever the zone
  // (docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-appliance-scenario.html).
  if (!strict && att.applianceMode) return anyOf(cloud, att, subnets, towards, "in appliance mode, by flow hash");
  const same = subnets.filter((s) => sameZone(s, zoneFrom) === true);
  if (same[0]) return { kind: "subnet", subnet: same[0], why: `${same[0].name} (${zone})` };
  // Entering a VPC through an attachment with one interface: that interface, whatever its zone.
  if (!strict && subnets.length === 1 && missing.length === 0 && subnets[0])
    return { kind: "subnet", subnet: subnets[0], why: `${subnets[0].name} (the attachment's only subnet)` };
  const undecided = subnets.filter((s) => sameZone(s, zoneFrom) === undefined);
  if (undecided.length > 0 || missing.length > 0)
    return {
      kind: "unknown",
      why: `the Availability Zone of ${[...undecided.map((s) => s.name), ...missing].join(", ")} or of ${zoneFrom.name} is not in the files: which subnet of ${att.id} carries the packet is unknown`,
    };
  if (strict || subnets.length === 0)
    return {
      kind: "none",
      why: `${att.id} has no subnet in ${zone} (subnet ${zoneFrom.name}): traffic is forwarded to a transit gateway only through an attachment subnet in the same Availability Zone`,
    };
  return anyOf(cloud, att, subnets, towards, `no attachment subnet in ${zone}`);
}

/** One of the attachment's subnets, picked by the gateway: the same answer whichever when they share one NACL. */
function anyOf(
  cloud: CloudModel,
  att: TransitGatewayAttachment,
  subnets: readonly Subnet[],
  towards: Subnet | undefined,
  why: string,
): AttachmentSubnet {
  const nacls = new Set(subnets.map((s) => naclOfSubnet(cloud.nacls, s.id, s.vpcId)?.id));
  const first = subnets[0];
  if (first && nacls.size === 1 && (subnets.length === 1 || !subnets.some((s) => s.id === towards?.id)))
    return { kind: "subnet", subnet: first, why: `${first.name} (${why})` };
  return {
    kind: "unknown",
    why: `the gateway picks one of ${subnets.map((s) => s.name).join(", ")} of ${att.id} (${why}), and the answer depends on which`,
  };
}
