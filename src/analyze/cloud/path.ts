import type { Cidr } from "../../model/cidr.js";
import { parseCidr } from "../../model/cidr.js";
import type {
  CloudModel,
  CloudRef,
  NetworkFirewall,
  NetworkInterface,
  Route,
  Subnet,
  TransitGateway,
} from "../../model/cloud.js";
import { isUnknown } from "../../model/cloud.js";
import { firewallDecision } from "./firewall.js";
import { evaluateNacl, naclOfSubnet } from "./nacl.js";
import {
  describeRanges,
  emptyRanges,
  intersect,
  isEmpty,
  type Ranges,
  rangesOf,
  sameRanges,
  subtract,
  union,
} from "./ranges.js";
import { chooseRoutes, routeTableOf } from "./routes.js";
import { evaluateSecurityGroups } from "./security-group.js";
import { attachmentOf, attachmentSubnet, routeInTransitGateway } from "./transit-gateway.js";

/** Ephemeral ports a client may use: AWS recommends allowing 1024-65535 for return traffic through a NACL. */
export const EPHEMERAL: readonly [number, number] = [1024, 65535];

export type HopStatus = "allow" | "deny" | "unknown";

/** One check on the path, in order, with the rules that decided it. */
export type Hop = {
  readonly step: string;
  readonly status: HopStatus;
  readonly why: string;
  readonly refs: readonly CloudRef[];
};

/** One end of a connection. Sets of addresses: "exists" = any of them will do (the internet); "forall" = one
 * address we cannot pin down (an instance whose private IP is assigned at launch) — every one must pass. */
export type CloudParty =
  | { readonly kind: "internet"; readonly label: string; readonly set: Ranges }
  | { readonly kind: "external"; readonly label: string; readonly set: Ranges }
  | { readonly kind: "domain"; readonly label: string; readonly set: Ranges }
  | {
      readonly kind: "eni";
      readonly label: string;
      readonly eni: NetworkInterface;
      readonly subnet: Subnet;
      readonly set: Ranges;
    };

export type PathResult = {
  readonly from: string;
  readonly to: string;
  readonly status: HopStatus;
  readonly hops: readonly Hop[];
};

const ALL_V4 = parseCidr("0.0.0.0/0");

export function internetParty(): CloudParty {
  return { kind: "internet", label: "internet", set: rangesOf(ALL_V4) };
}

const ALL_V6 = parseCidr("::/0");

/** The IPv6 internet: checked against interfaces that have IPv6 addresses. */
export function internetParty6(): CloudParty {
  return { kind: "internet", label: "internet (IPv6)", set: rangesOf(ALL_V6) };
}

/** An interface as an IPv6 end: its known addresses, else an address in its subnet's IPv6 block (or unknown one). */
export function eniParty6(cloud: CloudModel, eni: NetworkInterface): CloudParty | undefined {
  const subnet = cloud.subnets.find((s) => s.id === eni.subnetId);
  if (!subnet || eni.ipv6 === undefined) return undefined;
  let set: Ranges;
  if (Array.isArray(eni.ipv6) && eni.ipv6.length > 0)
    set = eni.ipv6.reduce((acc, c) => union(acc, rangesOf(c)), emptyRanges(6));
  else set = rangesOf(subnet.ipv6Cidr ?? ALL_V6);
  return { kind: "eni", label: eni.name, eni, subnet, set };
}

export function eniParty(cloud: CloudModel, eni: NetworkInterface): CloudParty | undefined {
  const subnet = cloud.subnets.find((s) => s.id === eni.subnetId);
  if (!subnet) return undefined;
  let set: Ranges;
  if (eni.privateIp) set = rangesOf(eni.privateIp);
  else if (!isUnknown(subnet.cidr)) set = rangesOf(subnet.cidr);
  else set = emptyRanges(4);
  return { kind: "eni", label: eni.name, eni, subnet, set };
}

type Ctx = {
  readonly cloud: CloudModel;
  readonly protocol: number;
  readonly port: number;
  readonly hops: Hop[];
  src: Ranges;
  dst: Ranges;
  unknown: boolean;
};

function describeParty(p: CloudParty): string {
  if (p.kind === "eni" && p.set.family === 6)
    return `${p.label} (${p.set.list.length === 1 && p.set.list[0]?.[0] === p.set.list[0]?.[1] ? describeRanges(p.set) : "its IPv6 address"})`;
  if (p.kind === "eni")
    return `${p.label} (${p.eni.privateIp ? p.eni.privateIp.text.replace(/\/(32|128)$/, "") : `an address in ${describeRanges(p.set)}`})`;
  return p.label;
}

function hop(ctx: Ctx, step: string, status: HopStatus, why: string, refs: readonly CloudRef[] = []): void {
  ctx.hops.push({ step, status, why, refs });
  if (status === "unknown") ctx.unknown = true;
}

function ruleText(r: {
  ruleNumber: number;
  action: string;
  cidr: Cidr | { unknown: string };
  fromPort: number;
  toPort: number;
  protocol: number | "all";
}): string {
  const proto =
    r.protocol === "all"
      ? "all traffic"
      : `${protoName(r.protocol)} ${r.fromPort === r.toPort ? r.fromPort : `${r.fromPort}-${r.toPort}`}`;
  const cidr = isUnknown(r.cidr) ? "(unknown CIDR)" : r.cidr.text;
  return `rule ${r.ruleNumber} ${r.action} ${proto} ${cidr}`;
}

export function protoName(p: number | "all"): string {
  if (p === "all") return "all";
  return (
    ({ 6: "tcp", 17: "udp", 1: "icmp", 58: "icmpv6", 132: "sctp" } as Record<number, string>)[p] ?? `protocol ${p}`
  );
}

/** A NACL check on `subnet` for packets whose peer is `peer` (narrowed on success). */
function naclHop(
  ctx: Ctx,
  subnet: Subnet,
  direction: "ingress" | "egress",
  side: "src" | "dst",
  ports: readonly [number, number],
  label: string,
): boolean {
  const nacl = naclOfSubnet(ctx.cloud.nacls, subnet.id, subnet.vpcId);
  const step = `network ACL ${direction === "ingress" ? "inbound" : "outbound"} of subnet ${subnet.name} (${label})`;
  if (!nacl) {
    hop(ctx, step, "unknown", `no network ACL for subnet ${subnet.name} is in the files`);
    return true;
  }
  const peer = side === "src" ? ctx.src : ctx.dst;
  const d = evaluateNacl(nacl, direction, peer, ctx.protocol, ports[0], ports[1]);
  const refs = d.decisions.map((x) => x.rule?.source ?? nacl.source);
  const ruleWords = d.decisions
    .map((x) =>
      x.rule
        ? `${ruleText(x.rule)}${x.action === "unknown" ? " (cannot be evaluated)" : ""}`
        : "the final * rule denies",
    )
    .join("; ");
  const portText = ports[0] === ports[1] ? `port ${ports[0]}` : `ports ${ports[0]}-${ports[1]}`;
  const who = nacl.isDefault ? `default network ACL ${nacl.id}` : `network ACL ${nacl.id}`;
  if (isEmpty(d.allowed)) {
    const status = isEmpty(d.unknown) ? "deny" : "unknown";
    const returnNote =
      label === "return traffic"
        ? ` — NACLs are stateless: the reply to ${side === "src" ? "the client" : "the server"} on its ephemeral ${portText} needs its own ${direction === "egress" ? "outbound" : "inbound"} allow rule`
        : "";
    hop(
      ctx,
      step,
      status,
      `${who}: ${ruleWords} (${portText} ${direction === "ingress" ? "from" : "to"} ${describeRanges(peer)})${returnNote}`,
      refs,
    );
    return false;
  }
  const partial = !sameRanges(d.allowed, peer);
  hop(
    ctx,
    step,
    isEmpty(d.unknown) ? "allow" : "unknown",
    `${who}: ${ruleWords}${partial ? ` — allowed only for ${describeRanges(d.allowed)}` : ""}${isEmpty(d.unknown) ? "" : `; undecided for ${describeRanges(d.unknown)}`}`,
    refs,
  );
  if (side === "src") ctx.src = d.allowed;
  else ctx.dst = d.allowed;
  return true;
}

function sgHop(ctx: Ctx, eni: NetworkInterface, direction: "ingress" | "egress", peerParty: CloudParty): boolean {
  const step = `security groups ${direction === "ingress" ? "inbound" : "outbound"} of ${eni.name}`;
  if (eni.noSecurityGroups) {
    hop(
      ctx,
      step,
      "allow",
      `${eni.name} has no security groups (a network load balancer without them does not filter)`,
      [eni.source],
    );
    return true;
  }
  if (eni.unknownSecurityGroups) {
    hop(ctx, step, "unknown", `${eni.name}: ${eni.unknownSecurityGroups}`, [eni.source]);
    return true;
  }
  const side = direction === "ingress" ? "src" : "dst";
  const peerSet = side === "src" ? ctx.src : ctx.dst;
  // Rules that reference a group match the members' private addresses only (traffic via a public IP or NAT does not).
  const groups = peerParty.kind === "eni" ? peerParty.eni.securityGroupIds : [];
  const d = evaluateSecurityGroups(
    ctx.cloud,
    eni.securityGroupIds,
    direction,
    { set: peerSet, groups },
    ctx.protocol,
    ctx.port,
  );
  const names = eni.securityGroupIds
    .map((id) => ctx.cloud.securityGroups.find((g) => g.id === id)?.name ?? id)
    .join(", ");
  const refs = d.rules.map((r) => r.rule.source);
  if (eni.securityGroupIds.length === 0) {
    hop(ctx, step, "deny", `${eni.name} has no security group rules: nothing is allowed`, [eni.source]);
    return false;
  }
  const ruleWords = d.rules
    .map(({ group, rule }) => {
      const p = rule.peer;
      const peer = isUnknown(p)
        ? `(unknown: ${p.unknown})`
        : p.type === "cidr"
          ? p.cidr.text
          : p.type === "security-group"
            ? `members of ${ctx.cloud.securityGroups.find((g) => g.id === p.id)?.name ?? p.id}`
            : `prefix list ${p.id}`;
      const ports =
        rule.protocol === "all"
          ? "all traffic"
          : `${protoName(rule.protocol)} ${rule.fromPort === rule.toPort ? rule.fromPort : `${rule.fromPort}-${rule.toPort}`}`;
      return `${group.name} allows ${ports} ${direction === "ingress" ? "from" : "to"} ${peer}`;
    })
    .join("; ");
  const missing = d.missingGroups.length > 0 ? `; groups not in the files: ${d.missingGroups.join(", ")}` : "";
  if (isEmpty(d.allowed)) {
    const status = isEmpty(d.unknown) ? "deny" : "unknown";
    hop(
      ctx,
      step,
      status,
      status === "deny"
        ? `no rule of ${names} allows ${protoName(ctx.protocol)}/${ctx.port} ${direction === "ingress" ? "from" : "to"} ${describeParty(peerParty)} (security groups allow only what a rule allows)`
        : `${ruleWords}${missing}`,
      refs.length > 0
        ? refs
        : eni.securityGroupIds.flatMap((id) => ctx.cloud.securityGroups.find((g) => g.id === id)?.source ?? []),
    );
    return status !== "deny";
  }
  const partial = !sameRanges(d.allowed, peerSet);
  hop(
    ctx,
    step,
    isEmpty(d.unknown) || !partial ? "allow" : "unknown",
    `${ruleWords}${partial ? ` — only for ${describeRanges(d.allowed)}` : ""}${missing}`,
    refs,
  );
  if (side === "src") ctx.src = d.allowed;
  else ctx.dst = d.allowed;
  return true;
}

function subnetById(cloud: CloudModel, id: string | undefined): Subnet | undefined {
  return id === undefined ? undefined : cloud.subnets.find((s) => s.id === id);
}

function inVpc(cloud: CloudModel, vpcId: string, set: Ranges): boolean {
  const vpc = cloud.vpcs.find((v) => v.id === vpcId);
  return !!vpc && vpc.cidrs.some((c) => !isEmpty(intersect(set, c)));
}

type Egress = {
  readonly reached: boolean;
  readonly via: string;
  readonly lastSubnet: Subnet;
  /** Subnets the packet entered after the source's (a firewall's, a NAT gateway's), in order. */
  readonly through: readonly Subnet[];
  readonly translated: boolean;
};

/**
 * Follows routes from `subnet` towards the internet destination: NAT gateways and firewall endpoints are forwarding
 * hops (their subnet's NACL and route table apply next); an internet gateway only carries traffic from a public IP.
 */
function routeOut(
  ctx: Ctx,
  start: Subnet,
  srcPublic: boolean,
  dstParty: CloudParty,
  srcLabel: string,
): Egress | undefined {
  let subnet = start;
  let translated = false;
  const through: Subnet[] = [];
  for (let step = 0; step < 6; step++) {
    const table = routeTableOf(ctx.cloud, subnet);
    const stepName = `route table of subnet ${subnet.name}`;
    if (!table) {
      hop(ctx, stepName, "unknown", `no route table for subnet ${subnet.name} is in the files`);
      return undefined;
    }
    const choice = chooseRoutes(ctx.cloud, table, ctx.dst);
    const pick =
      choice.routed.find((r) => !isUnknown(r.route.target) && r.route.target.type !== "local") ?? choice.routed[0];
    if (!pick) {
      hop(
        ctx,
        stepName,
        choice.unknownRoutes.length > 0 ? "unknown" : "deny",
        `${table.id} has no route to ${describeRanges(ctx.dst)}: the packet is dropped${choice.unknownRoutes.length > 0 ? ` (some routes cannot be evaluated)` : ""}`,
        [table.source, ...choice.unknownRoutes.map((r) => r.source)],
      );
      return undefined;
    }
    if (choice.routed.length > 1 || !isEmpty(choice.unrouted)) ctx.dst = pick.set;
    const r = pick.route;
    const dest = routeDestination(r);
    if (isUnknown(r.target)) {
      hop(
        ctx,
        stepName,
        "unknown",
        `${table.id}: route ${dest} → a target Ward cannot evaluate (${r.target.unknown})`,
        [r.source],
      );
      return undefined;
    }
    const t = r.target;
    switch (t.type) {
      case "internet-gateway": {
        // IPv6 addresses are public: an internet gateway carries them without translation.
        if (!srcPublic && !translated && ctx.dst.family === 4) {
          hop(
            ctx,
            stepName,
            "deny",
            `${table.id}: route ${dest} → ${t.id}, but ${srcLabel} has no public IP: an internet gateway only carries traffic of addresses with a public IPv4 address or EIP`,
            [r.source],
          );
          return undefined;
        }
        hop(ctx, stepName, "allow", `${table.id}: route ${dest} → internet gateway ${t.id}`, [r.source]);
        return { reached: true, via: t.id, lastSubnet: subnet, through, translated };
      }
      case "egress-only-internet-gateway": {
        // Outbound IPv6 only; the replies of connections the VPC opened come back through it
        // (docs.aws.amazon.com/vpc/latest/userguide/egress-only-internet-gateway.html).
        hop(ctx, stepName, "allow", `${table.id}: route ${dest} → egress-only internet gateway ${t.id}`, [r.source]);
        return { reached: true, via: t.id, lastSubnet: subnet, through, translated };
      }
      case "nat-gateway": {
        const nat = ctx.cloud.gateways.find((g) => g.id === t.id);
        const natSubnet = subnetById(ctx.cloud, nat?.subnetId);
        if (!nat || !natSubnet) {
          hop(ctx, stepName, "unknown", `${table.id}: route ${dest} → NAT gateway ${t.id}, which is not in the files`, [
            r.source,
          ]);
          return undefined;
        }
        hop(ctx, stepName, "allow", `${table.id}: route ${dest} → NAT gateway ${t.id} in subnet ${natSubnet.name}`, [
          r.source,
        ]);
        if (!nat.public) {
          hop(ctx, `NAT gateway ${t.id}`, "deny", "a private NAT gateway cannot reach the internet", [nat.source]);
          return undefined;
        }
        if (natSubnet.id !== subnet.id) {
          // An inbound rule matches the packet's source: the instance behind the NAT gateway, not the internet.
          if (!naclHop(ctx, natSubnet, "ingress", "src", [ctx.port, ctx.port], `into the NAT gateway's subnet`))
            return undefined;
        }
        translated = true;
        if (natSubnet.id !== subnet.id) through.push(natSubnet);
        subnet = natSubnet;
        if (!naclHop(ctx, natSubnet, "egress", "dst", [ctx.port, ctx.port], "out of the NAT gateway's subnet"))
          return undefined;
        continue;
      }
      case "firewall-endpoint": {
        const fw = ctx.cloud.firewalls.find((f) => f.id === t.id);
        if (!fw) {
          hop(
            ctx,
            stepName,
            "unknown",
            `${table.id}: route ${dest} → firewall endpoint ${t.id}, which is not in the files`,
            [r.source],
          );
          return undefined;
        }
        hop(ctx, stepName, "allow", `${table.id}: route ${dest} → Network Firewall ${fw.name}`, [r.source]);
        if (!firewallHop(ctx, fw, dstParty)) return undefined;
        const fwSubnet = subnetById(ctx.cloud, fw.subnetIds[0]);
        if (!fwSubnet) {
          hop(ctx, `Network Firewall ${fw.name}`, "unknown", "its subnet is not in the files", [fw.source]);
          return undefined;
        }
        // The firewall endpoint sits in its own subnet: that subnet's NACL filters the packet in and out.
        if (fwSubnet.id !== subnet.id) {
          if (!naclHop(ctx, fwSubnet, "ingress", "src", [ctx.port, ctx.port], "into the firewall's subnet"))
            return undefined;
          if (!naclHop(ctx, fwSubnet, "egress", "dst", [ctx.port, ctx.port], "out of the firewall's subnet"))
            return undefined;
          through.push(fwSubnet);
        }
        subnet = fwSubnet;
        continue;
      }
      case "local":
        hop(ctx, stepName, "deny", `${table.id}: only the local route matches ${describeRanges(ctx.dst)}`, [r.source]);
        return undefined;
      case "blackhole":
        hop(ctx, stepName, "deny", `${table.id}: route ${dest} is a blackhole: the packet is dropped`, [r.source]);
        return undefined;
      default:
        hop(
          ctx,
          stepName,
          "unknown",
          `${table.id}: route ${dest} → ${t.type} ${t.id}: Ward does not follow traffic beyond it`,
          [r.source],
        );
        return undefined;
    }
  }
  hop(ctx, "routing", "unknown", "more than 6 forwarding hops: Ward stops following the route");
  return undefined;
}

function firewallHop(ctx: Ctx, fw: NetworkFirewall, dstParty: CloudParty): boolean {
  const step = `Network Firewall ${fw.name} (stateful domain list)`;
  const d = firewallDecision(fw, dstParty.kind === "domain" ? dstParty.label : undefined, ctx.port, ctx.protocol);
  hop(ctx, step, d.status, d.why, d.refs);
  return d.status !== "deny";
}

/** Evaluates one connection hop by hop: source SG out, source NACL out, routes, destination NACL in, destination SG
 * in, and the return direction through both NACLs (security groups are stateful, NACLs are not). */
export function evaluatePath(
  cloud: CloudModel,
  from: CloudParty,
  to: CloudParty,
  protocol: number,
  port: number,
): PathResult {
  // The internet (or a domain's unknown address) is every address outside the VPC the other end is in.
  const vpcId = from.kind === "eni" ? from.subnet.vpcId : to.kind === "eni" ? to.subnet.vpcId : undefined;
  const outside = (p: CloudParty): Ranges => {
    if (p.kind !== "internet" && p.kind !== "domain") return p.set;
    const vpc = cloud.vpcs.find((v) => v.id === vpcId);
    // The VPC's IPv6 block is often assigned by Amazon (unknown in the files): its subnets' IPv6 blocks stand for it.
    const v6 = cloud.subnets.filter((s) => s.vpcId === vpcId).flatMap((s) => s.ipv6Cidr ?? []);
    return [...(vpc?.cidrs ?? []), ...v6].reduce((acc, c) => subtract(acc, c), p.set);
  };
  const ctx: Ctx = { cloud, protocol, port, hops: [], src: outside(from), dst: outside(to), unknown: false };
  const result = (status: HopStatus): PathResult => ({ from: from.label, to: to.label, status, hops: ctx.hops });
  const finish = (): PathResult => {
    if (ctx.hops.some((h) => h.status === "deny")) return result("deny");
    if (isEmpty(ctx.src) || isEmpty(ctx.dst)) return result(ctx.unknown ? "unknown" : "deny");
    // An end that stands for one address we cannot pin down must pass for every address it may have.
    const forallOk = (p: CloudParty, s: Ranges) => p.kind !== "eni" || sameRanges(s, p.set);
    if (!forallOk(from, ctx.src) || !forallOk(to, ctx.dst)) return result("unknown");
    return result(ctx.unknown ? "unknown" : "allow");
  };

  if (from.kind === "eni" && to.kind === "eni") {
    if (from.subnet.vpcId !== to.subnet.vpcId) {
      crossVpc(ctx, from, to);
      return finish();
    }
    sgHop(ctx, from.eni, "egress", to);
    const sameSubnet = from.subnet.id === to.subnet.id;
    // NACLs filter traffic entering and leaving a subnet, not traffic within it.
    if (!sameSubnet) naclHop(ctx, from.subnet, "egress", "dst", [port, port], "request");
    const table = routeTableOf(cloud, from.subnet);
    if (table) {
      const choice = chooseRoutes(cloud, table, ctx.dst);
      const r = choice.routed[0]?.route;
      if (!r) {
        hop(
          ctx,
          `route table of subnet ${from.subnet.name}`,
          "deny",
          `${table.id} has no route to ${describeRanges(ctx.dst)}`,
          [table.source],
        );
        return finish();
      }
      if (!isUnknown(r.target) && r.target.type === "local")
        hop(
          ctx,
          `route table of subnet ${from.subnet.name}`,
          choice.routed.length > 1 ? "unknown" : "allow",
          `${table.id}: local route ${isUnknown(r.destination) ? "" : "prefixList" in r.destination ? r.destination.prefixList : r.destination.text} delivers inside the VPC`,
          [r.source],
        );
      else {
        hop(
          ctx,
          `route table of subnet ${from.subnet.name}`,
          "unknown",
          `${table.id}: ${describeRanges(ctx.dst)} is routed through ${isUnknown(r.target) ? "an unknown target" : r.target.type} (middlebox routing): Ward does not follow it`,
          [r.source],
        );
        return finish();
      }
    }
    if (!sameSubnet) naclHop(ctx, to.subnet, "ingress", "src", [port, port], "request");
    sgHop(ctx, to.eni, "ingress", from);
    if (!sameSubnet) {
      hop(ctx, "security groups (return)", "allow", "security groups are stateful: the reply is allowed automatically");
      naclHop(ctx, to.subnet, "egress", "src", EPHEMERAL, "return traffic");
      naclHop(ctx, from.subnet, "ingress", "dst", EPHEMERAL, "return traffic");
    }
    return finish();
  }

  const eniEnd = from.kind === "eni" ? from : to.kind === "eni" ? to : undefined;
  if (eniEnd && from.set.family !== to.set.family) {
    hop(ctx, "IPv6 address", "deny", `${eniEnd.label} has no IPv6 address: it cannot talk to an IPv6 address`, [
      eniEnd.eni.source,
    ]);
    return finish();
  }

  if (to.kind === "eni" && ctx.src.family === 6) {
    internetToEni6(ctx, to);
    return finish();
  }

  if (to.kind === "eni") {
    // From the internet (or an address outside the VPC) to an interface.
    if (!to.eni.publicIp) {
      hop(
        ctx,
        "public address",
        "deny",
        `${to.label} has no public IP address or EIP: it cannot be reached from the internet`,
        [to.eni.source],
      );
    }
    const igw = cloud.gateways.find((g) => g.type === "internet-gateway" && g.vpcId === to.subnet.vpcId);
    if (!igw) hop(ctx, "internet gateway", "deny", `the VPC ${to.subnet.vpcId} has no internet gateway`);
    else if (to.eni.publicIp)
      hop(ctx, "internet gateway", "allow", `internet gateway ${igw.id} translates ${to.label}'s public IP`, [
        igw.source,
      ]);
    // The reply must leave through the internet gateway: the subnet's route to the client must point at it.
    const table = routeTableOf(cloud, to.subnet);
    if (table) {
      const choice = chooseRoutes(cloud, table, ctx.src);
      const viaIgw = choice.routed.filter(
        (r) => !isUnknown(r.route.target) && r.route.target.type === "internet-gateway",
      );
      const set = viaIgw.reduce((acc, r) => union(acc, r.set), emptyRanges(ctx.src.family));
      if (isEmpty(set)) {
        hop(
          ctx,
          `route table of subnet ${to.subnet.name}`,
          "deny",
          `${table.id} has no route to ${describeRanges(ctx.src)} through an internet gateway: the subnet is not public, replies cannot return`,
          [table.source],
        );
      } else {
        hop(
          ctx,
          `route table of subnet ${to.subnet.name}`,
          "allow",
          `${table.id}: route ${viaIgw.map((r) => (isUnknown(r.route.destination) ? "?" : "prefixList" in r.route.destination ? r.route.destination.prefixList : r.route.destination.text)).join(", ")} → internet gateway (the subnet is public)`,
          viaIgw.map((r) => r.route.source),
        );
        ctx.src = set;
      }
    }
    naclHop(ctx, to.subnet, "ingress", "src", [port, port], "request");
    sgHop(ctx, to.eni, "ingress", from);
    hop(ctx, "security groups (return)", "allow", "security groups are stateful: the reply is allowed automatically");
    naclHop(ctx, to.subnet, "egress", "src", EPHEMERAL, "return traffic");
    return finish();
  }

  if (from.kind === "eni") {
    // From an interface to the internet, an external address or a domain name.
    if (to.kind === "external" && inVpc(cloud, from.subnet.vpcId, ctx.dst)) {
      hop(ctx, "routing", "unknown", `${to.label} is inside the VPC but is not a known interface`);
      return finish();
    }
    sgHop(ctx, from.eni, "egress", to);
    naclHop(ctx, from.subnet, "egress", "dst", [port, port], "request");
    const out = routeOut(ctx, from.subnet, from.eni.publicIp, to, from.label);
    if (!out) return finish();
    hop(ctx, "security groups (return)", "allow", "security groups are stateful: the reply is allowed automatically");
    // Return traffic retraces the path: into and out of each forwarding subnet (the NAT gateway's, then the
    // firewall's — Network Firewall requires symmetric routing, docs.aws.amazon.com/network-firewall: "route
    // tables"), then into the source's subnet.
    for (const s of [...out.through].reverse()) {
      if (!naclHop(ctx, s, "ingress", "dst", EPHEMERAL, "return traffic")) return finish();
      if (!naclHop(ctx, s, "egress", "src", EPHEMERAL, "return traffic")) return finish();
    }
    if (!naclHop(ctx, from.subnet, "ingress", "dst", EPHEMERAL, "return traffic")) return finish();
    return finish();
  }
  hop(ctx, "endpoints", "unknown", "neither end is an interface in the VPC");
  return finish();
}

type EniParty = Extract<CloudParty, { kind: "eni" }>;

/**
 * From the IPv6 internet to an interface: it needs an IPv6 address (no translation: IPv6 addresses are public), an
 * internet gateway, and a route back to the client through that internet gateway — through an egress-only internet
 * gateway the internet cannot initiate a connection (docs.aws.amazon.com/vpc/latest/userguide/
 * egress-only-internet-gateway.html); then the NACL in, the security groups in, the NACL out for the reply.
 */
function internetToEni6(ctx: Ctx, to: EniParty): void {
  const { cloud } = ctx;
  if (to.eni.ipv6 === undefined) {
    hop(ctx, "IPv6 address", "deny", `${to.label} has no IPv6 address: it cannot be reached over IPv6`, [
      to.eni.source,
    ]);
    return;
  }
  const v6 = to.eni.ipv6;
  if (isUnknown(v6))
    hop(ctx, "IPv6 address", "unknown", `whether ${to.label} has an IPv6 address is not known (${v6.unknown})`, [
      to.eni.source,
    ]);
  else
    hop(
      ctx,
      "IPv6 address",
      "allow",
      `${to.label} has ${to.eni.ipv6 === "assigned" ? "an IPv6 address assigned from its subnet" : `IPv6 address ${describeRanges(to.set)}`}: IPv6 addresses are reachable without a public IP`,
      [to.eni.source],
    );
  const igw = cloud.gateways.find((g) => g.type === "internet-gateway" && g.vpcId === to.subnet.vpcId);
  if (!igw) hop(ctx, "internet gateway", "deny", `the VPC ${to.subnet.vpcId} has no internet gateway`);
  else hop(ctx, "internet gateway", "allow", `internet gateway ${igw.id} routes IPv6 traffic to the VPC`, [igw.source]);
  const table = routeTableOf(cloud, to.subnet);
  if (!table) {
    hop(ctx, `route table of subnet ${to.subnet.name}`, "unknown", `no route table for subnet ${to.subnet.name}`);
  } else {
    const choice = chooseRoutes(cloud, table, ctx.src);
    const via = (type: string) =>
      choice.routed.filter((r) => !isUnknown(r.route.target) && r.route.target.type === type);
    const dests = (rs: readonly { route: Route }[]) =>
      rs
        .map((r) =>
          isUnknown(r.route.destination)
            ? "?"
            : "prefixList" in r.route.destination
              ? r.route.destination.prefixList
              : r.route.destination.text,
        )
        .join(", ");
    const viaIgw = via("internet-gateway");
    const viaEigw = via("egress-only-internet-gateway");
    const set = viaIgw.reduce((acc, r) => union(acc, r.set), emptyRanges(6));
    if (isEmpty(set)) {
      hop(
        ctx,
        `route table of subnet ${to.subnet.name}`,
        "deny",
        viaEigw.length > 0
          ? `${table.id}: route ${dests(viaEigw)} → egress-only internet gateway: it carries only connections initiated from the VPC; the internet cannot initiate one`
          : `${table.id} has no IPv6 route to ${describeRanges(ctx.src)} through an internet gateway: replies cannot return`,
        viaEigw.length > 0 ? viaEigw.map((r) => r.route.source) : [table.source],
      );
    } else {
      hop(
        ctx,
        `route table of subnet ${to.subnet.name}`,
        "allow",
        `${table.id}: route ${dests(viaIgw)} → internet gateway (the subnet is public over IPv6)`,
        viaIgw.map((r) => r.route.source),
      );
      ctx.src = set;
    }
  }
  naclHop(ctx, to.subnet, "ingress", "src", [ctx.port, ctx.port], "request");
  sgHop(ctx, to.eni, "ingress", internetParty6());
  hop(ctx, "security groups (return)", "allow", "security groups are stateful: the reply is allowed automatically");
  naclHop(ctx, to.subnet, "egress", "src", EPHEMERAL, "return traffic");
}

/**
 * Between two VPCs: source SG out, source NACL out, the source subnet's route through a peering connection or a
 * transit gateway (and the gateway's route table), the destination subnet's route back through the same link (both
 * sides need routes), destination NACL in, destination SG in, and the NACLs of the return.
 */
function crossVpc(ctx: Ctx, from: EniParty, to: EniParty): void {
  const peek = routeTableOf(ctx.cloud, from.subnet);
  const first = peek ? chooseRoutes(ctx.cloud, peek, ctx.dst).routed[0]?.route.target : undefined;
  // A rule referencing a group in the peer VPC works across a peering connection; across a transit gateway only
  // when security group referencing support is on for the gateway (off by default) and both attachments (on by
  // default) (EC2 API: TransitGatewayOptions / CreateTransitGatewayVpcAttachmentRequestOptions).
  const tgw =
    first !== undefined && !isUnknown(first) && first.type === "transit-gateway"
      ? ctx.cloud.transitGateways.find((t) => t.id === first.id)
      : undefined;
  const attached = (vpcId: string) => tgw?.attachments.find((a) => a.vpcId === vpcId)?.securityGroupReferencing;
  const noRefs =
    tgw !== undefined && !(tgw.securityGroupReferencing && attached(from.subnet.vpcId) && attached(to.subnet.vpcId));
  const asPeer = (p: EniParty): EniParty => (noRefs ? { ...p, eni: { ...p.eni, securityGroupIds: [] } } : p);
  sgHop(ctx, from.eni, "egress", asPeer(to));
  naclHop(ctx, from.subnet, "egress", "dst", [ctx.port, ctx.port], "request");
  const out = routeAcross(ctx, from.subnet, ctx.dst, to.subnet, "");
  if (!out) return;
  if (out.type === "transit-gateway") {
    // Through a transit gateway each leg checks the attachment subnets' NACLs itself (see tgwHop), so the
    // destination's inbound and the source's return NACLs are part of the legs.
    sgHop(ctx, to.eni, "ingress", asPeer(from));
    hop(ctx, "security groups (return)", "allow", "security groups are stateful: the reply is allowed automatically");
    naclHop(ctx, to.subnet, "egress", "src", EPHEMERAL, "return traffic");
    const back = routeAcross(ctx, to.subnet, ctx.src, from.subnet, " (return route)");
    if (back && (back.type !== out.type || back.id !== out.id))
      hop(
        ctx,
        `route table of subnet ${to.subnet.name} (return route)`,
        "unknown",
        `the reply goes back through ${back.type} ${back.id}, not ${out.type} ${out.id}: asymmetric routing`,
      );
    return;
  }
  const back = routeAcross(ctx, to.subnet, ctx.src, from.subnet, " (return route)");
  if (!back) return;
  if (back.type !== out.type || back.id !== out.id)
    hop(
      ctx,
      `route table of subnet ${to.subnet.name} (return route)`,
      "unknown",
      `the reply goes back through ${back.type} ${back.id}, not ${out.type} ${out.id}: asymmetric routing`,
    );
  naclHop(ctx, to.subnet, "ingress", "src", [ctx.port, ctx.port], "request");
  sgHop(ctx, to.eni, "ingress", asPeer(from));
  hop(ctx, "security groups (return)", "allow", "security groups are stateful: the reply is allowed automatically");
  naclHop(ctx, to.subnet, "egress", "src", EPHEMERAL, "return traffic");
  naclHop(ctx, from.subnet, "ingress", "dst", EPHEMERAL, "return traffic");
}

type Link = { readonly type: "peering" | "transit-gateway"; readonly id: string };

function routeAcross(ctx: Ctx, subnet: Subnet, set: Ranges, towards: Subnet, label: string): Link | undefined {
  const step = `route table of subnet ${subnet.name}${label}`;
  const table = routeTableOf(ctx.cloud, subnet);
  if (!table) {
    hop(ctx, step, "unknown", `no route table for subnet ${subnet.name} is in the files`);
    return undefined;
  }
  const choice = chooseRoutes(ctx.cloud, table, set);
  const pick = choice.routed[0];
  if (!pick || choice.routed.length > 1 || !isEmpty(choice.unrouted)) {
    hop(
      ctx,
      step,
      !pick && choice.unknownRoutes.length === 0 ? "deny" : "unknown",
      pick
        ? `${table.id}: ${describeRanges(set)} is split across several routes`
        : `${table.id} has no route to ${describeRanges(set)} in VPC ${towards.vpcId}: the packet is dropped (both VPCs need a route through the peering connection or transit gateway)`,
      [table.source, ...choice.unknownRoutes.map((r) => r.source)],
    );
    return undefined;
  }
  const r = pick.route;
  const dest = routeDestination(r);
  if (isUnknown(r.target)) {
    hop(ctx, step, "unknown", `${table.id}: route ${dest} → a target Ward cannot evaluate (${r.target.unknown})`, [
      r.source,
    ]);
    return undefined;
  }
  const t = r.target;
  if (t.type === "peering") {
    const p = ctx.cloud.peerings.find((x) => x.id === t.id);
    if (!p) {
      hop(ctx, step, "unknown", `${table.id}: route ${dest} → peering connection ${t.id}, which is not in the files`, [
        r.source,
      ]);
      return undefined;
    }
    const ends = [p.requesterVpcId, p.accepterVpcId];
    if (!ends.includes(subnet.vpcId) || !ends.includes(towards.vpcId)) {
      hop(
        ctx,
        step,
        "deny",
        `${table.id}: route ${dest} → peering connection ${p.id}, which connects ${ends.join(" and ")}, not VPC ${towards.vpcId}`,
        [r.source, p.source],
      );
      return undefined;
    }
    if (!p.active) {
      hop(
        ctx,
        step,
        "deny",
        `${table.id}: route ${dest} → peering connection ${p.id}, which is not accepted (pending)`,
        [r.source, p.source],
      );
      return undefined;
    }
    // Peering is not transitive: the route must lead straight to the destination's VPC (checked above).
    hop(ctx, step, "allow", `${table.id}: route ${dest} → peering connection ${p.id} to VPC ${towards.vpcId}`, [
      r.source,
      p.source,
    ]);
    return { type: "peering", id: p.id };
  }
  if (t.type === "transit-gateway") {
    const tgw = ctx.cloud.transitGateways.find((x) => x.id === t.id);
    if (!tgw) {
      hop(ctx, step, "unknown", `${table.id}: route ${dest} → transit gateway ${t.id}, which is not in the files`, [
        r.source,
      ]);
      return undefined;
    }
    hop(ctx, step, "allow", `${table.id}: route ${dest} → transit gateway ${tgw.id}`, [r.source]);
    return tgwHop(ctx, tgw, subnet, set, towards, label) ? { type: "transit-gateway", id: tgw.id } : undefined;
  }
  hop(
    ctx,
    step,
    "deny",
    `${table.id}: route ${dest} → ${t.type === "local" ? "the local route" : `${t.type} ${"id" in t ? t.id : ""}`}, which does not lead to VPC ${towards.vpcId}`,
    [r.source],
  );
  return undefined;
}

/**
 * One leg through a transit gateway, after the source subnet's route to it: into the source VPC's attachment subnet
 * (its inbound NACL), the route table the attachment is associated with, then out of the destination VPC's attachment
 * subnet and into the destination subnet. NACLs apply to traffic to and from a transit gateway as
 * docs.aws.amazon.com/vpc/latest/tgw/tgw-nacls.html says: instances → gateway: the instance subnet's outbound rules
 * (checked before the route) and the attachment subnet's inbound rules; gateway → instances: the attachment subnet's
 * outbound rules and the instance subnet's inbound rules — neither when the instances are in the attachment subnet.
 */
function tgwHop(ctx: Ctx, tgw: TransitGateway, subnet: Subnet, set: Ranges, towards: Subnet, label: string): boolean {
  const ret = label !== "";
  // Request packets go from the client (ctx.src) to the server (ctx.dst); replies the other way, to ephemeral ports.
  const srcSide = ret ? "dst" : "src";
  const dstSide = ret ? "src" : "dst";
  const ports: readonly [number, number] = ret ? EPHEMERAL : [ctx.port, ctx.port];
  const what = ret ? "return traffic" : "request";
  const srcAtt = attachmentOf(tgw, subnet.vpcId);
  if (srcAtt) {
    const a = attachmentSubnet(ctx.cloud, srcAtt, subnet, true);
    const step = `transit gateway attachment ${srcAtt.id}${label}`;
    if (a.kind === "none") {
      hop(ctx, step, "deny", a.why, [srcAtt.source]);
      return false;
    }
    if (a.kind === "unknown") hop(ctx, step, "unknown", a.why, [srcAtt.source]);
    else naclHop(ctx, a.subnet, "ingress", srcSide, ports, `${what} into attachment ${srcAtt.id}`);
  }
  const d = routeInTransitGateway(ctx.cloud, tgw, subnet.vpcId, set, towards.vpcId);
  hop(ctx, `transit gateway ${tgw.id} route table${label}`, d.status, d.why, d.refs);
  if (d.status !== "allow" || !d.to) return false;
  const b = attachmentSubnet(ctx.cloud, d.to, subnet, false, towards);
  if (b.kind !== "subnet") {
    hop(ctx, `transit gateway attachment ${d.to.id}${label}`, "unknown", b.why, [d.to.source]);
    return true;
  }
  if (b.subnet.id === towards.id) {
    hop(
      ctx,
      `network ACL of subnet ${towards.name} (${what} from the transit gateway)`,
      "allow",
      `${towards.name} is the attachment's subnet: NACL rules are not evaluated for traffic from a transit gateway to instances in its attachment subnet`,
      [d.to.source],
    );
    return true;
  }
  naclHop(ctx, b.subnet, "egress", dstSide, ports, `${what} out of attachment ${d.to.id}`);
  naclHop(ctx, towards, "ingress", srcSide, ports, what);
  return true;
}

/** A route's destination as the explanation names it. */
function routeDestination(r: Route): string {
  if (isUnknown(r.destination)) return "?";
  return "prefixList" in r.destination ? `prefix list ${r.destination.prefixList}` : r.destination.text;
}
