import type { InputProblem } from "../../errors/input-error.js";
import { type Cidr, CidrError, cidrContains, parseCidr } from "../../model/cidr.js";
import type {
  CloudModel,
  CloudRef,
  FlowLog,
  Gateway,
  IpProtocol,
  Nacl,
  NaclRule,
  NetworkFirewall,
  NetworkInterface,
  PrefixList,
  RouteTable,
  SecurityGroup,
  Subnet,
  TransitGateway,
  Vpc,
  VpcPeering,
  WebAclAssociation,
} from "../../model/cloud.js";
import { isUnknown } from "../../model/cloud.js";
import type { LbListener, TargetGroup } from "../../model/cloud-lb.js";
import type { Warning } from "../../model/model.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };

/** Collects cloud objects from one format's reader, then validates the whole VPC: shared by every cloud format. */
export class CloudBuilder {
  readonly vpcs: Vpc[] = [];
  readonly subnets: Subnet[] = [];
  readonly routeTables: Mutable<RouteTable>[] = [];
  readonly securityGroups: Mutable<SecurityGroup>[] = [];
  readonly nacls: Mutable<Nacl>[] = [];
  readonly interfaces: NetworkInterface[] = [];
  readonly gateways: Gateway[] = [];
  readonly prefixLists: PrefixList[] = [];
  readonly firewalls: NetworkFirewall[] = [];
  readonly webAcls: WebAclAssociation[] = [];
  webAclsKnown = true;
  readonly peerings: VpcPeering[] = [];
  readonly transitGateways: TransitGateway[] = [];
  readonly flowLogs: FlowLog[] = [];
  readonly listeners: LbListener[] = [];
  readonly targetGroups: TargetGroup[] = [];
  readonly problems: InputProblem[] = [];
  readonly warnings: Warning[] = [];

  error(code: string, message: string, at: CloudRef | { file: string; line: number; path?: string }): void {
    this.problems.push({ code, message, file: at.file, line: at.line, ...(at.path ? { path: at.path } : {}) });
  }

  warn(code: string, message: string, at: { file: string; line: number }): void {
    this.warnings.push({ code, message, file: at.file, line: at.line });
  }

  /**
   * A CIDR as AWS accepts it: a network address (host bits clear), IPv4 or IPv6.
   * The Terraform provider validates cidr_block the same way ("must be a network address").
   */
  cidr(text: string, at: { file: string; line: number; path?: string }): Cidr | undefined {
    let c: Cidr;
    try {
      c = parseCidr(text);
    } catch (error) {
      if (error instanceof CidrError) {
        this.error("invalid-cidr", `"${text}" is not a valid CIDR`, at);
        return undefined;
      }
      throw error;
    }
    if (!text.includes("/")) {
      this.error("invalid-cidr", `"${text}" is not a CIDR (no prefix length)`, at);
      return undefined;
    }
    if (parseCidr(text.trim().split("/")[0] ?? "").start !== c.start) {
      this.error(
        "invalid-cidr",
        `"${text}" has host bits set: it is not a network address (did you mean ${formatCidr(c)}?)`,
        at,
      );
      return undefined;
    }
    return c;
  }

  /** Validates what no single object can: overlaps, containment, rule_number clashes, associations. */
  finish(): CloudModel {
    const vpcById = new Map(this.vpcs.map((v) => [v.id, v]));
    const bySubnetVpc = new Map<string, Subnet[]>();
    for (const s of this.subnets) {
      if (isUnknown(s.cidr)) continue;
      const vpc = vpcById.get(s.vpcId);
      // A subnet's CIDR must be inside one of its VPC's CIDR blocks (EC2 CreateSubnet: InvalidSubnet.Range).
      if (vpc && !vpc.cidrs.some((v) => v.family === (s.cidr as Cidr).family && cidrContains(v, s.cidr as Cidr)))
        this.error(
          "subnet-outside-vpc",
          `subnet ${s.name} ${s.cidr.text} is not inside VPC ${vpc.id} (${vpc.cidrs.map((c) => c.text).join(", ")})`,
          s.source,
        );
      const list = bySubnetVpc.get(s.vpcId) ?? [];
      // Subnets of one VPC cannot overlap (EC2 CreateSubnet: InvalidSubnet.Conflict).
      for (const other of list) {
        const a = other.cidr as Cidr;
        const b = s.cidr;
        if (a.family === b.family && a.start <= b.end && b.start <= a.end)
          this.error(
            "overlapping-subnets",
            `subnet ${s.name} ${b.text} overlaps subnet ${other.name} ${a.text} (${other.source.file}:${other.source.line})`,
            s.source,
          );
      }
      list.push(s);
      bySubnetVpc.set(s.vpcId, list);
    }
    for (const nacl of this.nacls) {
      const seen = new Map<string, NaclRule>();
      for (const r of nacl.rules) {
        const key = `${r.direction}/${r.ruleNumber}`;
        const prev = seen.get(key);
        // Rule numbers are unique per direction within a NACL (EC2 CreateNetworkAclEntry: NetworkAclEntryAlreadyExists).
        if (prev)
          this.error(
            "rule-number-clash",
            `${nacl.id}: ${r.direction} rule_number ${r.ruleNumber} is already used at ${prev.source.file}:${prev.source.line}`,
            r.source,
          );
        else seen.set(key, r);
        if (r.ruleNumber < 1 || r.ruleNumber > 32766)
          this.error("invalid-rule-number", `rule_number ${r.ruleNumber} is outside 1-32766`, r.source);
      }
      nacl.rules.sort((a, b) => a.ruleNumber - b.ruleNumber);
    }
    const naclOf = new Map<string, Nacl>();
    for (const nacl of this.nacls)
      for (const s of nacl.subnetIds) {
        const prev = naclOf.get(s);
        if (prev && !prev.isDefault && !nacl.isDefault)
          this.error(
            "subnet-nacl-conflict",
            `subnet ${s} is associated with both ${prev.id} and ${nacl.id}: a subnet has exactly one network ACL`,
            nacl.source,
          );
        naclOf.set(s, nacl);
      }
    for (const rt of this.routeTables) {
      const seen = new Map<string, CloudRef>();
      for (const r of rt.routes) {
        if (isUnknown(r.destination)) continue;
        const key = "prefixList" in r.destination ? r.destination.prefixList : r.destination.text;
        const prev = seen.get(key);
        if (prev && !(prev.file === r.source.file && prev.line === r.source.line))
          this.error(
            "duplicate-route",
            `${rt.id}: a route to ${key} already exists (${prev.file}:${prev.line})`,
            r.source,
          );
        seen.set(key, r.source);
      }
    }
    return {
      vpcs: this.vpcs,
      subnets: this.subnets,
      routeTables: this.routeTables,
      securityGroups: this.securityGroups,
      nacls: this.nacls,
      interfaces: this.interfaces,
      gateways: this.gateways,
      prefixLists: this.prefixLists,
      firewalls: this.firewalls,
      webAcls: this.webAcls,
      webAclsKnown: this.webAclsKnown,
      peerings: this.peerings,
      transitGateways: this.transitGateways,
      flowLogs: this.flowLogs,
      ...(this.listeners.length > 0 ? { listeners: this.listeners } : {}),
      ...(this.targetGroups.length > 0 ? { targetGroups: this.targetGroups } : {}),
    };
  }
}

export function formatCidr(c: Cidr): string {
  if (c.family === 4) {
    const n = c.start;
    const parts = [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 0xffn));
    return `${parts.join(".")}/${c.prefix}`;
  }
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((c.start >> BigInt(i * 16)) & 0xffffn).toString(16));
  // Compress the longest run of zero groups, as RFC 5952.
  const text = groups.join(":");
  const runs = [...text.matchAll(/(?:^|:)(?:0(?::|$)){2,}/g)].sort((a, b) => b[0].length - a[0].length);
  const best = runs[0];
  const compressed = best
    ? `${text.slice(0, best.index)}::${text.slice((best.index ?? 0) + best[0].length)}`
        .replace(/^:::/, "::")
        .replace(/:::$/, "::")
    : text;
  return `${compressed}/${c.prefix}`;
}

/** Protocol names and numbers as EC2 accepts them; -1 / "all" = every protocol. */
export function parseIpProtocol(value: string | number): IpProtocol | undefined {
  const v = String(value).trim().toLowerCase();
  if (v === "-1" || v === "all") return "all";
  if (v === "tcp") return 6;
  if (v === "udp") return 17;
  if (v === "icmp") return 1;
  if (v === "icmpv6" || v === "58") return 58;
  if (/^\d+$/.test(v) && Number(v) <= 255) return Number(v);
  return undefined;
}
