import type { Cidr } from "../../model/cidr.js";
import type { CloudModel, Route, RouteTable, Subnet } from "../../model/cloud.js";
import { isUnknown } from "../../model/cloud.js";
import { intersect, isEmpty, type Ranges, subtract } from "./ranges.js";

/** A subnet's route table: its explicit association, else the VPC's main route table. */
export function routeTableOf(cloud: CloudModel, subnet: Subnet): RouteTable | undefined {
  return (
    cloud.routeTables.find((t) => t.subnetIds.includes(subnet.id)) ??
    cloud.routeTables.find((t) => t.main && t.vpcId === subnet.vpcId)
  );
}

export type RouteChoice = {
  /** Routes chosen for parts of the destination set (longest prefix wins), with the addresses each one carries. */
  readonly routed: readonly { readonly route: Route; readonly set: Ranges }[];
  /** Addresses no route matches: dropped. */
  readonly unrouted: Ranges;
  /** Routes whose destination Ward cannot evaluate (unknown values, managed prefix lists not in the files). */
  readonly unknownRoutes: readonly Route[];
};

function destinationCidrs(cloud: CloudModel, r: Route): Cidr[] | undefined {
  const d = r.destination;
  if (isUnknown(d)) return undefined;
  if ("prefixList" in d) return cloud.prefixLists.find((l) => l.id === d.prefixList)?.cidrs.slice();
  return [d];
}

/**
 * Longest-prefix match of every destination address against the table: the most specific route that contains an
 * address decides where it goes (docs.aws.amazon.com/vpc/latest/userguide/route-tables.html, "Route priority").
 */
export function chooseRoutes(cloud: CloudModel, table: RouteTable, dst: Ranges): RouteChoice {
  const candidates: { route: Route; cidr: Cidr }[] = [];
  const unknownRoutes: Route[] = [];
  for (const r of table.routes) {
    const cidrs = destinationCidrs(cloud, r);
    if (cidrs === undefined) unknownRoutes.push(r);
    else for (const c of cidrs) if (c.family === dst.family) candidates.push({ route: r, cidr: c });
  }
  candidates.sort((a, b) => b.cidr.prefix - a.cidr.prefix);
  let rest = dst;
  const routed = new Map<Route, Ranges>();
  for (const { route, cidr } of candidates) {
    const part = intersect(rest, cidr);
    if (isEmpty(part)) continue;
    const prev = routed.get(route);
    routed.set(route, prev ? { family: dst.family, list: [...prev.list, ...part.list] } : part);
    rest = subtract(rest, cidr);
  }
  return { routed: [...routed].map(([route, set]) => ({ route, set })), unrouted: rest, unknownRoutes };
}
