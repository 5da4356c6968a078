import { LineCounter, type Node, parseDocument } from "yaml";
import type { Cidr } from "../../model/cidr.js";
import type { CloudRef, DomainRule, NaclRule, Route, RouteTarget, SgPeer, SgRule } from "../../model/cloud.js";
import { isUnknown } from "../../model/cloud.js";
import type { InputText } from "../read-inputs.js";
import { CloudBuilder, parseIpProtocol } from "./cloud-builder.js";
import { readDescribeAuditFields } from "./describe-audit.js";
import { readElbv2 } from "./describe-elbv2.js";
import { readDescribeIpv6 } from "./describe-ipv6.js";
import { readTransitGateways } from "./describe-transit-gateway.js";

/** Top-level keys of `aws ec2 describe-*` output that Ward reads. */
export const DESCRIBE_KEYS = [
  "Vpcs",
  "Subnets",
  "RouteTables",
  "SecurityGroups",
  "NetworkAcls",
  "NetworkInterfaces",
  "Reservations",
  "VpcEndpoints",
  "InternetGateways",
  "NatGateways",
  "PrefixLists",
  "VpcPeeringConnections",
  "FlowLogs",
] as const;

/** `aws network-firewall describe-firewall / describe-firewall-policy / describe-rule-group` output keys. */
const FIREWALL_KEYS = /"(Firewall|FirewallPolicy|RuleGroup)"\s*:/;

/** Does this JSON text look like `aws ec2 describe-*` output? Decided on its first key, without parsing it all. */
export function isDescribeJson(text: string): boolean {
  const m = /^\s*\{\s*"([A-Za-z]+)"\s*:/.exec(text);
  if (m === null) return false;
  // Network Firewall's describe responses start with UpdateToken (docs.aws.amazon.com/network-firewall/latest/APIReference).
  if (m[1] === "UpdateToken") return FIREWALL_KEYS.test(text);
  return (DESCRIBE_KEYS as readonly string[]).includes(m[1] ?? "") || m[1] === "Firewall" || m[1] === "RuleGroup";
}

type Json = unknown;
type Obj = Record<string, Json>;
type Seg = string | number;

/** A parsed describe file: values plus the line of any JSON path. */
export class DescribeFile {
  readonly value: Obj;
  private readonly counter = new LineCounter();
  private readonly doc;
  constructor(
    readonly file: string,
    text: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.counter, keepSourceTokens: false });
    const v = this.doc.toJS() as Json;
    this.value = typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {};
  }
  get errors() {
    return this.doc.errors;
  }
  lineOf(path: readonly Seg[]): number {
    const node = this.doc.getIn(path, true) as Node | undefined;
    const offset = node?.range?.[0];
    return offset === undefined ? 1 : this.counter.linePos(offset).line;
  }
  ref(kind: string, name: string, path: readonly Seg[]): CloudRef {
    return { kind, name, file: this.file, line: this.lineOf(path), path: formatJsonPath(path) };
  }
}

export function formatJsonPath(path: readonly Seg[]): string {
  return path.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join("");
}

const obj = (v: Json): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: Json): Json[] => (Array.isArray(v) ? v : []);
const str = (v: Json): string | undefined => (typeof v === "string" ? v : undefined);

function tag(tags: Json, key: string): string | undefined {
  for (const t of arr(tags)) if (obj(t).Key === key) return str(obj(t).Value);
  return undefined;
}

/** "app-1" → "app": the tier of a numbered name. */
function tierOf(name: string): string {
  return name.replace(/[-_]?\d+$/, "") || name;
}

function routeTarget(r: Obj): RouteTarget {
  if (r.State === "blackhole") return { type: "blackhole" };
  const gw = str(r.GatewayId);
  if (gw === "local") return { type: "local" };
  const pairs: [string, RouteTarget["type"]][] = [
    ["NatGatewayId", "nat-gateway"],
    ["VpcPeeringConnectionId", "peering"],
    ["TransitGatewayId", "transit-gateway"],
    ["EgressOnlyInternetGatewayId", "egress-only-internet-gateway"],
    ["NetworkInterfaceId", "network-interface"],
    ["InstanceId", "instance"],
  ];
  for (const [k, type] of pairs) {
    const id = str(r[k]);
    if (id) return { type, id } as RouteTarget;
  }
  if (gw?.startsWith("igw-")) return { type: "internet-gateway", id: gw };
  if (gw?.startsWith("vgw-")) return { type: "virtual-private-gateway", id: gw };
  if (gw?.startsWith("vpce-")) return { type: "vpc-endpoint", id: gw };
  return { type: "network-interface", id: gw ?? "?" };
}

/** `aws ec2 describe-*` JSON files → the cloud model, each object and rule with file, line and JSON path. */
export function loadDescribe(inputs: readonly InputText[]): CloudBuilder {
  const b = new CloudBuilder();
  // Ward reads no wafv2 output, so describe input cannot show an association.
  b.webAclsKnown = false;
  const files: DescribeFile[] = [];
  for (const input of inputs) {
    const f = new DescribeFile(input.file, input.text);
    for (const e of f.errors) {
      const line = e.linePos?.[0]?.line ?? 1;
      b.error("json-syntax", `JSON syntax error: ${e.message.split("\n")[0]}`, { file: input.file, line });
    }
    if (f.errors.length === 0) files.push(f);
  }
  const instanceNames = new Map<string, { name: string; tier: string }>();
  for (const f of files)
    arr(f.value.Reservations).forEach((res, ri) => {
      arr(obj(res).Instances).forEach((inst, ii) => {
        const i = obj(inst);
        const id = str(i.InstanceId) ?? `instance-${ri}-${ii}`;
        const name = tag(i.Tags, "Name") ?? id;
        instanceNames.set(id, { name, tier: tag(i.Tags, "Tier") ?? tierOf(name) });
      });
    });
  const enisFromDescribe = new Set<string>();
  for (const f of files) {
    const v = f.value;
    arr(v.Vpcs).forEach((x, i) => {
      const o = obj(x);
      const id = str(o.VpcId) ?? `vpc-${i}`;
      const cidrs: Cidr[] = [];
      const assoc = arr(o.CidrBlockAssociationSet);
      const texts = assoc.length > 0 ? assoc.map((a) => str(obj(a).CidrBlock)) : [str(o.CidrBlock)];
      texts.forEach((t, j) => {
        if (!t) return;
        const c = b.cidr(
          t,
          f.ref(
            "Vpc",
            id,
            assoc.length > 0 ? ["Vpcs", i, "CidrBlockAssociationSet", j, "CidrBlock"] : ["Vpcs", i, "CidrBlock"],
          ),
        );
        if (c) cidrs.push(c);
      });
      b.vpcs.push({ id, cidrs, source: f.ref("Vpc", tag(o.Tags, "Name") ?? id, ["Vpcs", i]) });
    });
    arr(v.Subnets).forEach((x, i) => {
      const o = obj(x);
      const id = str(o.SubnetId) ?? `subnet-${i}`;
      const name = tag(o.Tags, "Name") ?? id;
      const text = str(o.CidrBlock);
      const source = f.ref("Subnet", name, ["Subnets", i]);
      if (!text) {
        b.error("missing-field", `subnet ${id} has no CidrBlock`, source);
        return;
      }
      const cidr = b.cidr(text, f.ref("Subnet", name, ["Subnets", i, "CidrBlock"]));
      if (!cidr) return;
      b.subnets.push({
        id,
        name,
        vpcId: str(o.VpcId) ?? "",
        cidr,
        mapPublicIp: o.MapPublicIpOnLaunch === true,
        source,
      });
    });
    arr(v.VpcPeeringConnections).forEach((x, i) => {
      const o = obj(x);
      const id = str(o.VpcPeeringConnectionId) ?? `pcx-${i}`;
      const requester = str(obj(o.RequesterVpcInfo).VpcId);
      const accepter = str(obj(o.AccepterVpcInfo).VpcId);
      const source = f.ref("VpcPeeringConnection", tag(o.Tags, "Name") ?? id, ["VpcPeeringConnections", i]);
      if (!requester || !accepter) {
        b.error(
          "missing-field",
          `peering connection ${id} needs RequesterVpcInfo.VpcId and AccepterVpcInfo.VpcId`,
          source,
        );
        return;
      }
      // Only an active connection carries traffic (pending-acceptance, rejected, expired, deleted do not).
      b.peerings.push({
        id,
        requesterVpcId: requester,
        accepterVpcId: accepter,
        active: obj(o.Status).Code === "active",
        source,
      });
    });
    arr(v.InternetGateways).forEach((x, i) => {
      const o = obj(x);
      const id = str(o.InternetGatewayId) ?? `igw-${i}`;
      const vpcId = str(obj(arr(o.Attachments)[0]).VpcId);
      b.gateways.push({
        id,
        type: "internet-gateway",
        ...(vpcId ? { vpcId } : {}),
        source: f.ref("InternetGateway", id, ["InternetGateways", i]),
      });
    });
    arr(v.NatGateways).forEach((x, i) => {
      const o = obj(x);
      const id = str(o.NatGatewayId) ?? `nat-${i}`;
      const subnetId = str(o.SubnetId);
      b.gateways.push({
        id,
        type: "nat-gateway",
        ...(subnetId ? { subnetId } : {}),
        ...(str(o.VpcId) ? { vpcId: str(o.VpcId) as string } : {}),
        public: o.ConnectivityType !== "private",
        source: f.ref("NatGateway", id, ["NatGateways", i]),
      });
    });
    arr(v.PrefixLists).forEach((x, i) => {
      const o = obj(x);
      const id = str(o.PrefixListId) ?? `pl-${i}`;
      const cidrs: Cidr[] = [];
      arr(o.Cidrs).forEach((t, j) => {
        const c =
          typeof t === "string" ? b.cidr(t, f.ref("PrefixList", id, ["PrefixLists", i, "Cidrs", j])) : undefined;
        if (c) cidrs.push(c);
      });
      b.prefixLists.push({ id, name: str(o.PrefixListName) ?? id, cidrs });
    });
    arr(v.RouteTables).forEach((x, i) => {
      const o = obj(x);
      const id = str(o.RouteTableId) ?? `rtb-${i}`;
      const assocs = arr(o.Associations).map(obj);
      const routes: Route[] = [];
      arr(o.Routes).forEach((rx, j) => {
        const r = obj(rx);
        const at = f.ref("Route", id, ["RouteTables", i, "Routes", j]);
        const text = str(r.DestinationCidrBlock) ?? str(r.DestinationIpv6CidrBlock);
        const pl = str(r.DestinationPrefixListId);
        const destination = text ? b.cidr(text, at) : pl ? { prefixList: pl } : undefined;
        if (!destination) {
          if (!text) b.error("missing-field", `route in ${id} has no destination`, at);
          return;
        }
        routes.push({ destination, target: routeTarget(r), source: at });
      });
      b.routeTables.push({
        id,
        vpcId: str(o.VpcId) ?? "",
        main: assocs.some((a) => a.Main === true),
        routes,
        subnetIds: assocs.flatMap((a) => str(a.SubnetId) ?? []),
        gatewayIds: assocs.flatMap((a) => str(a.GatewayId) ?? []),
        source: f.ref("RouteTable", tag(o.Tags, "Name") ?? id, ["RouteTables", i]),
      });
    });
    arr(v.SecurityGroups).forEach((x, i) => {
      const o = obj(x);
      const id = str(o.GroupId) ?? `sg-${i}`;
      const rules: SgRule[] = [];
      for (const [key, direction] of [
        ["IpPermissions", "ingress"],
        ["IpPermissionsEgress", "egress"],
      ] as const)
        arr(o[key]).forEach((px, j) => {
          const p = obj(px);
          const at = f.ref("SecurityGroupRule", str(o.GroupName) ?? id, ["SecurityGroups", i, key, j]);
          const protocol = parseIpProtocol(String(p.IpProtocol ?? ""));
          if (protocol === undefined) {
            b.error("invalid-protocol", `IpProtocol ${JSON.stringify(p.IpProtocol)} is not a protocol`, at);
            return;
          }
          const from = typeof p.FromPort === "number" ? p.FromPort : 0;
          const to = typeof p.ToPort === "number" ? p.ToPort : 65535;
          const peers: SgPeer[] = [];
          // Each range, prefix list and group pair carries its own Description (EC2 API: IpRange, UserIdGroupPair).
          const descriptions: (string | undefined)[] = [];
          for (const [list, field] of [
            ["IpRanges", "CidrIp"],
            ["Ipv6Ranges", "CidrIpv6"],
          ] as const)
            arr(p[list]).forEach((rx, k) => {
              const t = str(obj(rx)[field]);
              const c = t
                ? b.cidr(t, f.ref("SecurityGroupRule", id, ["SecurityGroups", i, key, j, list, k]))
                : undefined;
              if (c) peers.push({ type: "cidr", cidr: c });
              if (c) descriptions.push(str(obj(rx).Description));
            });
          for (const pl of arr(p.PrefixListIds)) {
            const plId = str(obj(pl).PrefixListId);
            if (plId) peers.push({ type: "prefix-list", id: plId });
            if (plId) descriptions.push(str(obj(pl).Description));
          }
          for (const g of arr(p.UserIdGroupPairs)) {
            const gid = str(obj(g).GroupId);
            if (gid) peers.push({ type: "security-group", id: gid });
            if (gid) descriptions.push(str(obj(g).Description));
          }
          peers.forEach((peer, k) => {
            const description = descriptions[k];
            rules.push({
              direction,
              protocol,
              fromPort: protocol === "all" ? 0 : from,
              toPort: protocol === "all" ? 65535 : to,
              peer,
              ...(description === undefined ? {} : { description }),
              source: at,
            });
          });
        });
      b.securityGroups.push({
        id,
        name: str(o.GroupName) ?? id,
        vpcId: str(o.VpcId) ?? "",
        rules,
        source: f.ref("SecurityGroup", str(o.GroupName) ?? id, ["SecurityGroups", i]),
      });
    });
    arr(v.NetworkAcls).forEach((x, i) => {
      const o = obj(x);
      const id = str(o.NetworkAclId) ?? `acl-${i}`;
      const rules: NaclRule[] = [];
      arr(o.Entries).forEach((ex, j) => {
        const e = obj(ex);
        const at = f.ref("NetworkAclEntry", id, ["NetworkAcls", i, "Entries", j, "RuleNumber"]);
        const ruleNumber = typeof e.RuleNumber === "number" ? e.RuleNumber : Number.NaN;
        // Rule 32767 is the final `*` deny that every NACL has (32768 its IPv6 twin in describe output of a VPC with
        // an IPv6 block); Ward applies it implicitly.
        if (ruleNumber === 32767 || ruleNumber === 32768) return;
        const protocol = parseIpProtocol(String(e.Protocol ?? ""));
        const action = e.RuleAction;
        if (protocol === undefined || (action !== "allow" && action !== "deny") || !Number.isInteger(ruleNumber)) {
          b.error("invalid-entry", `network ACL entry needs RuleNumber, Protocol and RuleAction allow|deny`, at);
          return;
        }
        const text = str(e.CidrBlock) ?? str(e.Ipv6CidrBlock);
        const cidr = text ? b.cidr(text, at) : undefined;
        if (!cidr) {
          if (!text) b.error("missing-field", "network ACL entry has no CidrBlock", at);
          return;
        }
        const range = obj(e.PortRange);
        const icmp = obj(e.IcmpTypeCode);
        rules.push({
          direction: e.Egress === true ? "egress" : "ingress",
          ruleNumber,
          action,
          protocol,
          fromPort: typeof range.From === "number" ? range.From : 0,
          toPort: typeof range.To === "number" ? range.To : 65535,
          ...(typeof icmp.Type === "number" ? { icmpType: icmp.Type } : {}),
          ...(typeof icmp.Code === "number" ? { icmpCode: icmp.Code } : {}),
          cidr,
          source: at,
        });
      });
      b.nacls.push({
        id,
        vpcId: str(o.VpcId) ?? "",
        isDefault: o.IsDefault === true,
        subnetIds: arr(o.Associations).flatMap((a) => str(obj(a).SubnetId) ?? []),
        rules,
        source: f.ref("NetworkAcl", tag(o.Tags, "Name") ?? id, ["NetworkAcls", i]),
      });
    });
    arr(v.VpcEndpoints).forEach((x, i) => {
      const o = obj(x);
      const id = str(o.VpcEndpointId) ?? `vpce-${i}`;
      const t = str(o.VpcEndpointType);
      b.gateways.push({
        id,
        type: "vpc-endpoint",
        ...(str(o.VpcId) ? { vpcId: str(o.VpcId) as string } : {}),
        endpointType: t === "Interface" || t === "GatewayLoadBalancer" ? t : "Gateway",
        ...(str(o.ServiceName) ? { serviceName: str(o.ServiceName) as string } : {}),
        routeTableIds: arr(o.RouteTableIds).flatMap((r) => str(r) ?? []),
        source: f.ref("VpcEndpoint", id, ["VpcEndpoints", i]),
      });
    });
    arr(v.NetworkInterfaces).forEach((x, i) => {
      const o = obj(x);
      const id = str(o.NetworkInterfaceId) ?? `eni-${i}`;
      const source = f.ref("NetworkInterface", id, ["NetworkInterfaces", i]);
      const subnetId = str(o.SubnetId);
      if (!subnetId) {
        b.error("missing-field", `network interface ${id} has no SubnetId`, source);
        return;
      }
      const attached = str(obj(o.Attachment).InstanceId);
      const inst = attached ? instanceNames.get(attached) : undefined;
      const description = str(o.Description) ?? "";
      const elb = /^ELB (?:app|net)\/([^/]+)\//.exec(description);
      const name = tag(o.TagSet, "Name") ?? inst?.name ?? elb?.[1] ?? id;
      const type = str(o.InterfaceType);
      const kind =
        elb !== null
          ? "load-balancer"
          : type === "nat_gateway"
            ? "nat-gateway"
            : type === "vpc_endpoint"
              ? "vpc-endpoint"
              : description.startsWith("RDS")
                ? "database"
                : attached
                  ? "instance"
                  : "network-interface";
      const ipText = str(o.PrivateIpAddress);
      const ip = ipText
        ? b.cidr(
            `${ipText}/${ipText.includes(":") ? 128 : 32}`,
            f.ref("NetworkInterface", id, ["NetworkInterfaces", i, "PrivateIpAddress"]),
          )
        : undefined;
      if (attached) enisFromDescribe.add(attached);
      const publicIp = str(obj(o.Association).PublicIp) !== undefined;
      b.interfaces.push({
        id,
        name,
        tier: tag(o.TagSet, "Tier") ?? inst?.tier ?? tierOf(name),
        kind,
        subnetId,
        ...(ip ? { privateIp: ip } : {}),
        publicIp,
        securityGroupIds: arr(o.Groups).flatMap((g) => str(obj(g).GroupId) ?? []),
        ...(kind === "load-balancer" ? { internetFacing: publicIp } : {}),
        ...(type === "network_load_balancer" && arr(o.Groups).length === 0 ? { noSecurityGroups: true } : {}),
        source,
      });
    });
  }
  readFirewalls(b, files);
  readTransitGateways(b, files);
  readDescribeAuditFields(b, files);
  // Instances whose interfaces are not in describe-network-interfaces output: their primary interface.
  for (const f of files)
    arr(f.value.Reservations).forEach((res, ri) => {
      arr(obj(res).Instances).forEach((ix, ii) => {
        const o = obj(ix);
        const id = str(o.InstanceId) ?? `instance-${ri}-${ii}`;
        if (enisFromDescribe.has(id)) return;
        const source = f.ref("Instance", id, ["Reservations", ri, "Instances", ii]);
        const subnetId = str(o.SubnetId);
        if (!subnetId) {
          b.warn("no-subnet", `instance ${id} has no SubnetId (not in a VPC?): left out`, source);
          return;
        }
        const names = instanceNames.get(id) ?? { name: id, tier: id };
        const ipText = str(o.PrivateIpAddress);
        const ip = ipText ? b.cidr(`${ipText}/32`, source) : undefined;
        b.interfaces.push({
          id,
          name: names.name,
          tier: names.tier,
          kind: "instance",
          subnetId,
          ...(ip ? { privateIp: ip } : {}),
          publicIp: str(o.PublicIpAddress) !== undefined,
          securityGroupIds: arr(o.SecurityGroups).flatMap((g) => str(obj(g).GroupId) ?? []),
          source,
        });
      });
    });
  readDescribeIpv6(b, files);
  readElbv2(b, files);
  return b;
}

/**
 * Network Firewall describe output → firewalls with their stateful domain lists. A route to one of a firewall's
 * endpoints (GatewayId vpce-… in describe-route-tables) becomes a route to the firewall.
 */
function readFirewalls(b: CloudBuilder, files: readonly DescribeFile[]): void {
  const groups = new Map<string, DomainRule[]>();
  const policies = new Map<string, string[]>();
  for (const f of files) {
    const v = f.value;
    const rg = obj(v.RuleGroup);
    const arn = str(obj(v.RuleGroupResponse).RuleGroupArn);
    if (arn && "RuleGroup" in v) {
      const list = obj(obj(rg.RulesSource).RulesSourceList);
      const rules: DomainRule[] = [];
      if ("RulesSourceList" in obj(rg.RulesSource)) {
        const at = f.ref("RuleGroup", str(obj(v.RuleGroupResponse).RuleGroupName) ?? arn, [
          "RuleGroup",
          "RulesSource",
          "RulesSourceList",
        ]);
        const action = list.GeneratedRulesType;
        const types = arr(list.TargetTypes).flatMap((t) => str(t) ?? []);
        if (action !== "ALLOWLIST" && action !== "DENYLIST")
          b.error("invalid-value", `GeneratedRulesType ${JSON.stringify(action)} is not ALLOWLIST or DENYLIST`, at);
        else {
          const bad = types.find((t) => t !== "TLS_SNI" && t !== "HTTP_HOST");
          if (bad) b.error("invalid-value", `TargetTypes "${bad}" is not TLS_SNI or HTTP_HOST`, at);
          rules.push({
            action,
            targetTypes: types.filter((t): t is "TLS_SNI" | "HTTP_HOST" => t === "TLS_SNI" || t === "HTTP_HOST"),
            targets: arr(list.Targets).flatMap((t) => str(t) ?? []),
            source: at,
          });
        }
      }
      groups.set(arn, rules);
    }
    const parn = str(obj(v.FirewallPolicyResponse).FirewallPolicyArn);
    if (parn && "FirewallPolicy" in v)
      policies.set(
        parn,
        arr(obj(v.FirewallPolicy).StatefulRuleGroupReferences).flatMap((r) => str(obj(r).ResourceArn) ?? []),
      );
  }
  const endpoints = new Map<string, string>();
  for (const f of files) {
    const fw = obj(f.value.Firewall);
    const arn = str(fw.FirewallArn);
    if (!arn) continue;
    const name = str(fw.FirewallName) ?? arn;
    const source = f.ref("NetworkFirewall", name, ["Firewall"]);
    const policy = str(fw.FirewallPolicyArn);
    const refs = policy ? policies.get(policy) : undefined;
    if (!policy || !refs) {
      b.error(
        "unknown-reference",
        `firewall ${name}: its policy ${policy ?? "(none)"} is not in the files (add \`aws network-firewall describe-firewall-policy\` output)`,
        f.ref("NetworkFirewall", name, ["Firewall", "FirewallPolicyArn"]),
      );
      continue;
    }
    const domainRules: DomainRule[] = [];
    for (const g of refs) {
      const rules = groups.get(g);
      if (rules) domainRules.push(...rules);
      else
        b.error(
          "unknown-reference",
          `firewall policy ${policy}: rule group ${g} is not in the files (add \`aws network-firewall describe-rule-group\` output)`,
          f.ref("NetworkFirewall", name, ["Firewall", "FirewallPolicyArn"]),
        );
    }
    const subnetIds = arr(fw.SubnetMappings).flatMap((m) => str(obj(m).SubnetId) ?? []);
    // FirewallStatus.SyncStates: availability zone → { Attachment: { SubnetId, EndpointId } }.
    for (const st of Object.values(obj(obj(f.value.FirewallStatus).SyncStates))) {
      const id = str(obj(obj(st).Attachment).EndpointId);
      if (id) endpoints.set(id, arn);
    }
    b.firewalls.push({ id: arn, name, vpcId: str(fw.VpcId) ?? "", subnetIds, domainRules, source });
  }
  for (const t of b.routeTables)
    t.routes = t.routes.map((r) =>
      !isUnknown(r.target) && r.target.type === "vpc-endpoint" && endpoints.has(r.target.id)
        ? { ...r, target: { type: "firewall-endpoint", id: endpoints.get(r.target.id) as string } }
        : r,
    );
}
