import type { Cidr } from "../../model/cidr.js";
import type {
  CloudRef,
  DomainRule,
  InterfaceKind,
  IpProtocol,
  Nacl,
  NaclRule,
  Route,
  RouteTable,
  RouteTarget,
  SgPeer,
  SgRule,
  Unknown,
  VpcPeering,
} from "../../model/cloud.js";
import { CloudBuilder, parseIpProtocol } from "../aws/cloud-builder.js";
import type { Block } from "./hcl-ast.js";
import type { Scope } from "./hcl-eval.js";
import { isInstance, isList, isObject, UnknownValue, type Value } from "./hcl-value.js";
import { readAuditFields } from "./terraform-cloud-audit.js";
import { EKS_TYPES, TerraformEks } from "./terraform-eks.js";
import { readIpv6Fields } from "./terraform-ipv6.js";
import { LOAD_BALANCING_TYPES, TerraformLoadBalancing } from "./terraform-load-balancer.js";
import { type ResourceInstance, syntheticId, type TerraformModule } from "./terraform-module.js";
import { TerraformTransitGateways, TRANSIT_GATEWAY_TYPES } from "./terraform-transit-gateway.js";

type Site = { readonly file: string; readonly line: number };
export type Where = { readonly block: Block; readonly scope: Scope; readonly label: string };

/** Arguments Terraform accepts in inline rule blocks; anything else is a configuration error. */
const SG_BLOCK_ARGS = new Set([
  "cidr_blocks",
  "description",
  "from_port",
  "ipv6_cidr_blocks",
  "prefix_list_ids",
  "protocol",
  "security_groups",
  "self",
  "to_port",
]);
// registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/network_acl: inline blocks use rule_no and action.
const NACL_BLOCK_ARGS = new Set([
  "action",
  "cidr_block",
  "from_port",
  "icmp_code",
  "icmp_type",
  "ipv6_cidr_block",
  "protocol",
  "rule_no",
  "to_port",
]);

const TARGET_ARGS: readonly [string, RouteTarget["type"]][] = [
  ["gateway_id", "internet-gateway"],
  ["nat_gateway_id", "nat-gateway"],
  ["vpc_endpoint_id", "vpc-endpoint"],
  ["vpc_peering_connection_id", "peering"],
  ["transit_gateway_id", "transit-gateway"],
  ["network_interface_id", "network-interface"],
  ["egress_only_gateway_id", "egress-only-internet-gateway"],
];

/** The target type of an id: a Terraform address names its resource type; a provider id its prefix. */
function targetOf(id: string, fallback: RouteTarget["type"]): RouteTarget {
  if (id === "local") return { type: "local" };
  const byType: Record<string, RouteTarget["type"]> = {
    aws_internet_gateway: "internet-gateway",
    aws_egress_only_internet_gateway: "egress-only-internet-gateway",
    aws_nat_gateway: "nat-gateway",
    aws_vpc_endpoint: "vpc-endpoint",
    aws_vpc_peering_connection: "peering",
    aws_ec2_transit_gateway: "transit-gateway",
    aws_network_interface: "network-interface",
    aws_instance: "instance",
    aws_vpn_gateway: "virtual-private-gateway",
    aws_networkfirewall_firewall: "firewall-endpoint",
  };
  const type = byType[id.split(".")[0] ?? ""];
  if (type) return { type, id } as RouteTarget;
  const byPrefix: [string, RouteTarget["type"]][] = [
    ["igw-", "internet-gateway"],
    ["eigw-", "egress-only-internet-gateway"],
    ["nat-", "nat-gateway"],
    ["vpce-", "vpc-endpoint"],
    ["pcx-", "peering"],
    ["tgw-", "transit-gateway"],
    ["eni-", "network-interface"],
    ["i-", "instance"],
    ["vgw-", "virtual-private-gateway"],
  ];
  const found = byPrefix.find(([p]) => id.startsWith(p));
  return { type: found ? found[1] : fallback, id } as RouteTarget;
}

/** What the reader needs of a module: HCL (TerraformModule) and `terraform show -json` (TerraformJson) provide it. */
export type ResourceSource = Pick<TerraformModule, "instances" | "nested" | "evalIn">;

/** Terraform resources → the cloud model. Unknown values are kept as Unknown (with a warning), never guessed. */
export function terraformToCloud(module: ResourceSource): CloudBuilder {
  const b = new CloudBuilder();
  const instances = module.instances();
  const reader = new Reader(module, b);
  const ref = (inst: ResourceInstance, line = inst.block.line): CloudRef => ({
    kind: inst.type,
    name: inst.address,
    file: inst.block.file,
    line,
    ...(inst.block.path ? { path: inst.block.path } : {}),
  });
  const routeTables = new Map<string, RouteTable & { routes: Route[]; subnetIds: string[]; gatewayIds: string[] }>();
  const nacls = new Map<string, Nacl & { rules: NaclRule[]; subnetIds: string[] }>();
  const sgs = new Map<string, { rules: SgRule[] }>();
  const subnetPublic = new Map<string, boolean>();
  const subnetsOfGroup = new Map<string, string[]>();
  const eips: { target: string; inst: ResourceInstance }[] = [];
  const later: (() => void)[] = [];
  const laterStill: (() => void)[] = [];
  const peerings = new Map<string, VpcPeering>();
  const tgws = new TerraformTransitGateways(b, reader, ref);
  const lbs = new TerraformLoadBalancing(b, reader, module, ref);
  const eks = new TerraformEks(b, reader, module, ref);
  const policyRules = new Map<string, string[]>();
  const groupRules = new Map<string, DomainRule[]>();
  const sorted = [...instances].sort((x, y) => order(x.type) - order(y.type));

  for (const inst of sorted) {
    const w: Where = { block: inst.block, scope: inst.scope, label: inst.address };
    const tags = reader.object(w, "tags");
    const nameTag = typeof tags?.Name === "string" ? tags.Name : undefined;
    const tierTag = typeof tags?.Tier === "string" ? tags.Tier : undefined;
    if (TRANSIT_GATEWAY_TYPES.has(inst.type)) tgws.read(inst, w);
    if (LOAD_BALANCING_TYPES.has(inst.type)) lbs.read(inst, w);
    if (EKS_TYPES.has(inst.type)) eks.read(inst, w, nameTag, tierTag);
    switch (inst.type) {
      case "aws_vpc": {
        const text = reader.string(w, "cidr_block", true);
        const cidr = typeof text === "string" ? b.cidr(text, reader.site(w, "cidr_block")) : undefined;
        const cidrs = cidr ? [cidr] : [];
        b.vpcs.push({ id: inst.address, cidrs, source: ref(inst) });
        const vpcRef = ref(inst);
        // Every VPC has a main route table with the local route, a default NACL that allows all traffic in both
        // directions (rule 100 + the * deny), and a default security group (docs.aws.amazon.com/vpc: default-network-acl).
        routeTables.set(syntheticId(inst.address, "main-route-table"), {
          id: syntheticId(inst.address, "main-route-table"),
          vpcId: inst.address,
          main: true,
          routes: [],
          subnetIds: [],
          gatewayIds: [],
          source: { ...vpcRef, kind: "main route table of aws_vpc" },
        });
        nacls.set(syntheticId(inst.address, "default-network-acl"), defaultNacl(inst.address, vpcRef));
        sgs.set(syntheticId(inst.address, "default-security-group"), { rules: [] });
        b.securityGroups.push(
          defaultSg(inst.address, vpcRef, sgs.get(syntheticId(inst.address, "default-security-group"))?.rules ?? []),
        );
        break;
      }
      case "aws_vpc_ipv4_cidr_block_association": {
        const vpcId = reader.string(w, "vpc_id", true);
        const text = reader.string(w, "cidr_block", true);
        const vpc = b.vpcs.find((v) => v.id === vpcId);
        const cidr = typeof text === "string" ? b.cidr(text, reader.site(w, "cidr_block")) : undefined;
        if (vpc && cidr) (vpc.cidrs as Cidr[]).push(cidr);
        break;
      }
      case "aws_subnet": {
        const vpcId = reader.id(w, "vpc_id", true);
        const text = reader.string(w, "cidr_block", true);
        const cidr: Cidr | Unknown | undefined =
          typeof text === "string" ? b.cidr(text, reader.site(w, "cidr_block")) : text;
        const mapPublic = reader.bool(w, "map_public_ip_on_launch") === true;
        subnetPublic.set(inst.address, mapPublic);
        if (cidr === undefined || typeof vpcId !== "string") break;
        b.subnets.push({
          id: inst.address,
          name: nameTag ?? shortName(inst),
          vpcId,
          cidr,
          mapPublicIp: mapPublic,
          source: ref(inst),
        });
        break;
      }
      case "aws_internet_gateway":
      case "aws_egress_only_internet_gateway": {
        const vpcId = reader.id(w, "vpc_id", false);
        b.gateways.push({
          id: inst.address,
          type: inst.type === "aws_internet_gateway" ? "internet-gateway" : "egress-only-internet-gateway",
          ...(typeof vpcId === "string" ? { vpcId } : {}),
          source: ref(inst),
        });
        break;
      }
      case "aws_nat_gateway": {
        const subnetId = reader.id(w, "subnet_id", true);
        // A public NAT gateway needs an Elastic IP (allocation_id); connectivity_type "private" has none.
        const type = reader.string(w, "connectivity_type", false);
        b.gateways.push({
          id: inst.address,
          type: "nat-gateway",
          ...(typeof subnetId === "string" ? { subnetId } : {}),
          public: type !== "private",
          source: ref(inst),
        });
        break;
      }
      case "aws_eip": {
        const target = reader.id(w, "instance", false) ?? reader.id(w, "network_interface", false);
        if (typeof target === "string") eips.push({ target, inst });
        break;
      }
      case "aws_eip_association": {
        const target = reader.id(w, "instance_id", false) ?? reader.id(w, "network_interface_id", false);
        if (typeof target === "string") eips.push({ target, inst });
        break;
      }
      case "aws_route_table":
      case "aws_default_route_table": {
        const isDefault = inst.type === "aws_default_route_table";
        const vpcId = isDefault ? undefined : reader.id(w, "vpc_id", true);
        const adopted = isDefault ? reader.id(w, "default_route_table_id", true) : undefined;
        const id = typeof adopted === "string" ? adopted : inst.address;
        const existing = routeTables.get(id);
        const table = existing ?? {
          id,
          vpcId: typeof vpcId === "string" ? vpcId : "",
          main: false,
          routes: [],
          subnetIds: [],
          gatewayIds: [],
          source: ref(inst),
        };
        // aws_default_route_table adopts the main table and replaces its routes with the configured ones.
        if (existing) table.routes.length = 0;
        for (const nb of module.nested(inst.block, inst.scope, "route")) {
          const r = reader.route(
            { block: nb.block, scope: nb.scope, label: `${inst.address} route` },
            ref(inst, nb.block.line),
          );
          if (r) table.routes.push(r);
        }
        routeTables.set(id, table);
        break;
      }
      case "aws_route": {
        later.push(() => {
          const rtId = reader.id(w, "route_table_id", true);
          if (typeof rtId !== "string") return;
          const table = routeTables.get(rtId);
          if (!table) return reader.missing(w, "route_table_id", rtId, "route table");
          const r = reader.route(w, ref(inst), "destination_");
          if (r) table.routes.push(r);
        });
        break;
      }
      case "aws_route_table_association": {
        later.push(() => {
          const rtId = reader.id(w, "route_table_id", true);
          if (typeof rtId !== "string") return;
          const table = routeTables.get(rtId);
          if (!table) return reader.missing(w, "route_table_id", rtId, "route table");
          const subnet = reader.id(w, "subnet_id", false);
          const gateway = reader.id(w, "gateway_id", false);
          if (typeof subnet === "string") {
            const other = [...routeTables.values()].find((t) => t !== table && t.subnetIds.includes(subnet));
            // A subnet is associated with at most one route table.
            if (other)
              b.error(
                "subnet-route-table-conflict",
                `${subnet} is already associated with ${other.id}`,
                reader.site(w, "subnet_id"),
              );
            else table.subnetIds.push(subnet);
          } else if (typeof gateway === "string") table.gatewayIds.push(gateway);
        });
        break;
      }
      case "aws_main_route_table_association": {
        later.push(() => {
          const vpcId = reader.id(w, "vpc_id", true);
          const rtId = reader.id(w, "route_table_id", true);
          if (typeof vpcId !== "string" || typeof rtId !== "string") return;
          const table = routeTables.get(rtId);
          if (!table) return reader.missing(w, "route_table_id", rtId, "route table");
          for (const t of routeTables.values()) if (t.vpcId === vpcId) (t as { main: boolean }).main = false;
          (table as { main: boolean }).main = true;
        });
        break;
      }
      case "aws_security_group":
      case "aws_default_security_group": {
        const isDefault = inst.type === "aws_default_security_group";
        const vpcId = reader.id(w, "vpc_id", !isDefault);
        const id = isDefault && typeof vpcId === "string" ? syntheticId(vpcId, "default-security-group") : inst.address;
        const rules: SgRule[] = [];
        for (const direction of ["ingress", "egress"] as const)
          for (const nb of module.nested(inst.block, inst.scope, direction))
            rules.push(
              ...reader.sgInline(
                { block: nb.block, scope: nb.scope, label: `${inst.address} ${direction}` },
                direction,
                id,
                ref(inst, nb.block.line),
                nb.unknown,
              ),
            );
        // Terraform removes the allow-all egress rule AWS adds to a new group; only the configured egress rules exist
        // (registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/security_group, "NOTE on Egress rules").
        if (isDefault) {
          const existing = b.securityGroups.find((g) => g.id === id);
          if (existing) {
            // aws_default_security_group removes every existing rule and creates the configured ones.
            existing.rules = rules;
            sgs.set(id, { rules });
            break;
          }
        }
        const name = reader.string(w, "name", false);
        b.securityGroups.push({
          id,
          name: typeof name === "string" ? name : (nameTag ?? shortName(inst)),
          vpcId: typeof vpcId === "string" ? vpcId : "",
          rules,
          source: ref(inst),
        });
        sgs.set(id, { rules });
        break;
      }
      case "aws_security_group_rule":
      case "aws_vpc_security_group_ingress_rule":
      case "aws_vpc_security_group_egress_rule": {
        later.push(() => {
          const sgId = reader.id(w, "security_group_id", true);
          if (typeof sgId !== "string") return;
          const group = b.securityGroups.find((g) => g.id === sgId);
          if (!group) return reader.missing(w, "security_group_id", sgId, "security group");
          const rules =
            inst.type === "aws_security_group_rule"
              ? reader.sgRuleResource(w, sgId, ref(inst))
              : reader.sgVpcRule(w, inst.type.endsWith("ingress_rule") ? "ingress" : "egress", ref(inst));
          group.rules.push(...rules);
        });
        break;
      }
      case "aws_network_acl":
      case "aws_default_network_acl": {
        const isDefault = inst.type === "aws_default_network_acl";
        const vpcId = isDefault ? undefined : reader.id(w, "vpc_id", true);
        const adopted = isDefault ? reader.id(w, "default_network_acl_id", true) : undefined;
        const id = typeof adopted === "string" ? adopted : inst.address;
        const existing = nacls.get(id);
        const nacl = existing ?? {
          id,
          vpcId: typeof vpcId === "string" ? vpcId : "",
          isDefault: false,
          subnetIds: [],
          rules: [],
          source: ref(inst),
        };
        // aws_default_network_acl removes every existing rule and creates the configured ones.
        if (existing) nacl.rules.length = 0;
        for (const direction of ["ingress", "egress"] as const)
          for (const nb of module.nested(inst.block, inst.scope, direction)) {
            const r = reader.naclInline(
              { block: nb.block, scope: nb.scope, label: `${inst.address} ${direction}` },
              direction,
              ref(inst, nb.block.line),
              nb.unknown,
            );
            if (r) nacl.rules.push(r);
          }
        for (const s of reader.ids(w, "subnet_ids")) nacl.subnetIds.push(s);
        nacls.set(id, nacl);
        break;
      }
      case "aws_network_acl_rule": {
        later.push(() => {
          const naclId = reader.id(w, "network_acl_id", true);
          if (typeof naclId !== "string") return;
          const nacl = nacls.get(naclId);
          if (!nacl) return reader.missing(w, "network_acl_id", naclId, "network ACL");
          const r = reader.naclRuleResource(w, ref(inst));
          if (r) nacl.rules.push(r);
        });
        break;
      }
      case "aws_network_acl_association": {
        later.push(() => {
          const naclId = reader.id(w, "network_acl_id", true);
          const subnet = reader.id(w, "subnet_id", true);
          if (typeof naclId !== "string" || typeof subnet !== "string") return;
          const nacl = nacls.get(naclId);
          if (!nacl) return reader.missing(w, "network_acl_id", naclId, "network ACL");
          nacl.subnetIds.push(subnet);
        });
        break;
      }
      case "aws_ec2_managed_prefix_list": {
        const cidrs: Cidr[] = [];
        for (const nb of module.nested(inst.block, inst.scope, "entry")) {
          const ew: Where = { block: nb.block, scope: nb.scope, label: `${inst.address} entry` };
          const t = reader.string(ew, "cidr", true);
          const c = typeof t === "string" ? b.cidr(t, reader.site(ew, "cidr")) : undefined;
          if (c) cidrs.push(c);
        }
        const name = reader.string(w, "name", false);
        b.prefixLists.push({ id: inst.address, name: typeof name === "string" ? name : shortName(inst), cidrs });
        break;
      }
      case "aws_db_subnet_group": {
        subnetsOfGroup.set(inst.address, reader.ids(w, "subnet_ids"));
        const name = reader.string(w, "name", false);
        if (typeof name === "string") subnetsOfGroup.set(name, reader.ids(w, "subnet_ids"));
        break;
      }
      case "aws_vpc_endpoint": {
        const vpcId = reader.id(w, "vpc_id", true);
        const service = reader.string(w, "service_name", true);
        const type = reader.string(w, "vpc_endpoint_type", false);
        const endpointType = type === "Interface" || type === "GatewayLoadBalancer" ? type : "Gateway";
        const routeTableIds = reader.ids(w, "route_table_ids");
        b.gateways.push({
          id: inst.address,
          type: "vpc-endpoint",
          ...(typeof vpcId === "string" ? { vpcId } : {}),
          endpointType,
          ...(typeof service === "string" ? { serviceName: service } : {}),
          routeTableIds,
          source: ref(inst),
        });
        // A gateway endpoint adds a route to the service's prefix list in each associated route table.
        if (endpointType === "Gateway")
          later.push(() => {
            for (const rt of routeTableIds) {
              const table = routeTables.get(rt);
              if (!table) continue;
              table.routes.push({
                destination: { prefixList: typeof service === "string" ? service : inst.address },
                target: { type: "vpc-endpoint", id: inst.address },
                source: ref(inst),
              });
            }
          });
        else
          for (const subnetId of reader.ids(w, "subnet_ids"))
            b.interfaces.push(
              iface(
                inst,
                "vpc-endpoint",
                subnetId,
                reader.ids(w, "security_group_ids"),
                false,
                nameTag,
                tierTag,
                ref(inst),
              ),
            );
        break;
      }
      case "aws_instance": {
        const subnetId = reader.id(w, "subnet_id", false);
        if (typeof subnetId !== "string") {
          b.warn("no-subnet", `${inst.address} has no subnet_id Ward can evaluate: it is left out`, inst.block);
          break;
        }
        const ip = reader.string(w, "private_ip", false);
        const assoc = reader.bool(w, "associate_public_ip_address");
        let sgIds = reader.ids(w, "vpc_security_group_ids");
        later.push(() => {
          // Without vpc_security_group_ids, an instance in a VPC gets the VPC's default security group.
          if (sgIds.length === 0) {
            const vpc = b.subnets.find((s) => s.id === subnetId)?.vpcId;
            if (vpc) sgIds = [syntheticId(vpc, "default-security-group")];
          }
          const publicIp = assoc ?? subnetPublic.get(subnetId) ?? false;
          const ni = iface(inst, "instance", subnetId, sgIds, publicIp === true, nameTag, tierTag, ref(inst));
          b.interfaces.push(typeof ip === "string" ? withIp(b, ni, ip, reader.site(w, "private_ip")) : ni);
        });
        break;
      }
      case "aws_network_interface": {
        const subnetId = reader.id(w, "subnet_id", true);
        if (typeof subnetId !== "string") break;
        const ips = reader.strings(w, "private_ips");
        const ni = iface(
          inst,
          "network-interface",
          subnetId,
          reader.ids(w, "security_groups"),
          false,
          nameTag,
          tierTag,
          ref(inst),
        );
        b.interfaces.push(ips[0] ? withIp(b, ni, ips[0], reader.site(w, "private_ips")) : ni);
        break;
      }
      case "aws_lb": {
        const internal = reader.bool(w, "internal") === true;
        const lbType = reader.string(w, "load_balancer_type", false);
        const subnets = [...reader.ids(w, "subnets")];
        for (const nb of module.nested(inst.block, inst.scope, "subnet_mapping")) {
          const s = reader.id(
            { block: nb.block, scope: nb.scope, label: `${inst.address} subnet_mapping` },
            "subnet_id",
            true,
          );
          if (typeof s === "string") subnets.push(s);
        }
        // Network load balancers without security_groups do not filter traffic; ALBs always have groups.
        const sgIds = reader.ids(w, "security_groups");
        for (const subnetId of subnets)
          b.interfaces.push({
            ...iface(inst, "load-balancer", subnetId, sgIds, !internal, nameTag, tierTag, ref(inst)),
            internetFacing: !internal,
            ...(lbType === "network" && sgIds.length === 0 ? { noSecurityGroups: true } : {}),
          });
        break;
      }
      case "aws_db_instance":
      case "aws_rds_cluster_instance": {
        later.push(() => {
          const group = reader.string(w, "db_subnet_group_name", false);
          const subnets = typeof group === "string" ? subnetsOfGroup.get(group) : undefined;
          if (!subnets) {
            b.warn("no-subnet", `${inst.address}: its DB subnet group is not in the files: it is left out`, inst.block);
            return;
          }
          const publicIp = reader.bool(w, "publicly_accessible") === true;
          for (const s of subnets)
            b.interfaces.push(
              iface(
                inst,
                "database",
                s,
                reader.ids(w, "vpc_security_group_ids"),
                publicIp,
                nameTag,
                tierTag,
                ref(inst),
              ),
            );
        });
        break;
      }
      case "aws_networkfirewall_firewall": {
        const vpcId = reader.id(w, "vpc_id", true);
        const subnetIds: string[] = [];
        for (const nb of module.nested(inst.block, inst.scope, "subnet_mapping")) {
          const s = reader.id(
            { block: nb.block, scope: nb.scope, label: `${inst.address} subnet_mapping` },
            "subnet_id",
            true,
          );
          if (typeof s === "string") subnetIds.push(s);
        }
        const policy = reader.id(w, "firewall_policy_arn", true);
        const name = reader.string(w, "name", false);
        later.push(() => {
          const rules = typeof policy === "string" ? (policyRules.get(policy) ?? []) : [];
          b.firewalls.push({
            id: inst.address,
            name: typeof name === "string" ? name : shortName(inst),
            vpcId: typeof vpcId === "string" ? vpcId : "",
            subnetIds,
            domainRules: rules.flatMap((g) => groupRules.get(g) ?? []),
            source: ref(inst),
          });
        });
        break;
      }
      case "aws_networkfirewall_firewall_policy": {
        const groups: string[] = [];
        for (const p of module.nested(inst.block, inst.scope, "firewall_policy"))
          for (const g of module.nested(p.block, p.scope, "stateful_rule_group_reference")) {
            const id = reader.id(
              { block: g.block, scope: g.scope, label: `${inst.address} stateful_rule_group_reference` },
              "resource_arn",
              true,
            );
            if (typeof id === "string") groups.push(id);
          }
        policyRules.set(inst.address, groups);
        break;
      }
      case "aws_networkfirewall_rule_group": {
        const rules: DomainRule[] = [];
        for (const rg of module.nested(inst.block, inst.scope, "rule_group"))
          for (const src of module.nested(rg.block, rg.scope, "rules_source"))
            for (const list of module.nested(src.block, src.scope, "rules_source_list")) {
              const lw: Where = { block: list.block, scope: list.scope, label: `${inst.address} rules_source_list` };
              const action = reader.string(lw, "generated_rules_type", true);
              const types = reader.strings(lw, "target_types");
              const targets = reader.strings(lw, "targets");
              if (action !== "ALLOWLIST" && action !== "DENYLIST") {
                if (typeof action === "string")
                  b.error(
                    "invalid-value",
                    `generated_rules_type "${action}" is not ALLOWLIST or DENYLIST`,
                    reader.site(lw, "generated_rules_type"),
                  );
                continue;
              }
              const bad = types.find((t) => t !== "TLS_SNI" && t !== "HTTP_HOST");
              if (bad)
                b.error(
                  "invalid-value",
                  `target_types "${bad}" is not TLS_SNI or HTTP_HOST`,
                  reader.site(lw, "target_types"),
                );
              rules.push({
                action,
                targetTypes: types.filter((t): t is "TLS_SNI" | "HTTP_HOST" => t === "TLS_SNI" || t === "HTTP_HOST"),
                targets,
                source: ref(inst, list.block.line),
              });
            }
        groupRules.set(inst.address, rules);
        break;
      }
      case "aws_vpc_peering_connection": {
        const vpcId = reader.id(w, "vpc_id", true);
        const peer = reader.id(w, "peer_vpc_id", true);
        // Same-account, same-region peering is accepted by auto_accept; otherwise it stays pending until an
        // aws_vpc_peering_connection_accepter accepts it (registry.terraform.io/providers/hashicorp/aws: vpc_peering_connection).
        const status = reader.string(w, "accept_status", false);
        const active = reader.bool(w, "auto_accept") === true || status === "active";
        if (typeof vpcId === "string" && typeof peer === "string")
          peerings.set(inst.address, {
            id: inst.address,
            requesterVpcId: vpcId,
            accepterVpcId: peer,
            active,
            source: ref(inst),
          });
        break;
      }
      case "aws_vpc_peering_connection_accepter": {
        later.push(() => {
          const id = reader.id(w, "vpc_peering_connection_id", true);
          if (typeof id !== "string") return;
          const p = peerings.get(id);
          if (!p) return reader.missing(w, "vpc_peering_connection_id", id, "VPC peering connection");
          if (reader.bool(w, "auto_accept") === true) peerings.set(id, { ...p, active: true });
        });
        break;
      }
      case "aws_wafv2_web_acl_association": {
        const resource = reader.id(w, "resource_arn", true);
        const acl = reader.id(w, "web_acl_arn", true);
        if (typeof resource === "string")
          b.webAcls.push({
            resourceId: resource,
            webAcl: typeof acl === "string" ? acl : "(unknown web ACL)",
            source: ref(inst),
          });
        break;
      }
    }
  }
  for (const fn of later) fn();
  for (const fn of laterStill) fn();
  b.peerings.push(...peerings.values());
  tgws.finish();
  lbs.finish();
  eks.finish();
  for (const { target, inst } of eips) {
    const i = b.interfaces.findIndex((x) => x.id === target || x.id.startsWith(`${target}#`));
    if (i < 0)
      b.error(
        "unknown-reference",
        `${inst.address}: ${target} is not an instance or network interface in the files`,
        inst.block,
      );
    else b.interfaces[i] = { ...(b.interfaces[i] as (typeof b.interfaces)[number]), publicIp: true };
  }
  for (const t of routeTables.values()) {
    const vpc = b.vpcs.find((v) => v.id === t.vpcId);
    // Every route table has the local route for each of the VPC's CIDR blocks; it cannot be removed.
    if (vpc)
      for (const c of vpc.cidrs)
        t.routes.unshift({
          destination: c,
          target: { type: "local" },
          source: { ...vpc.source, kind: "local route of aws_vpc" },
        });
    b.routeTables.push(t);
  }
  for (const n of nacls.values()) b.nacls.push(n);
  readAuditFields(module, instances, b);
  readIpv6Fields(module, instances, b);
  return b;
}

function order(type: string): number {
  const first = [
    "aws_vpc",
    "aws_vpc_ipv4_cidr_block_association",
    "aws_subnet",
    "aws_security_group",
    "aws_networkfirewall_rule_group",
    "aws_networkfirewall_firewall_policy",
  ];
  const i = first.indexOf(type);
  return i < 0 ? first.length : i;
}

function shortName(inst: ResourceInstance): string {
  return inst.address.slice(inst.type.length + 1);
}

function iface(
  inst: ResourceInstance,
  kind: InterfaceKind,
  subnetId: string,
  sgIds: readonly string[],
  publicIp: boolean,
  nameTag: string | undefined,
  tierTag: string | undefined,
  source: CloudRef,
): NetworkInterface {
  return {
    id: `${inst.address}#${subnetId}`,
    name: nameTag ?? shortName(inst),
    tier: tierTag ?? inst.name,
    kind,
    subnetId,
    publicIp,
    securityGroupIds: sgIds,
    source,
  };
}

type NetworkInterface = import("../../model/cloud.js").NetworkInterface;

function withIp(b: CloudBuilder, ni: NetworkInterface, ip: string, site: Site): NetworkInterface {
  const c = b.cidr(ip.includes("/") ? ip : `${ip}/${ip.includes(":") ? 128 : 32}`, site);
  return c ? { ...ni, privateIp: c } : ni;
}

function defaultNacl(vpc: string, source: CloudRef): Nacl & { rules: NaclRule[]; subnetIds: string[] } {
  const all = (direction: "ingress" | "egress"): NaclRule => ({
    direction,
    ruleNumber: 100,
    action: "allow",
    protocol: "all",
    fromPort: 0,
    toPort: 65535,
    cidr: { text: "0.0.0.0/0", family: 4, prefix: 0, start: 0n, end: 0xffffffffn },
    source: { ...source, kind: "default network ACL of aws_vpc" },
  });
  return {
    id: syntheticId(vpc, "default-network-acl"),
    vpcId: vpc,
    isDefault: true,
    subnetIds: [],
    rules: [all("ingress"), all("egress")],
    source: { ...source, kind: "default network ACL of aws_vpc" },
  };
}

function defaultSg(vpc: string, source: CloudRef, rules: SgRule[]) {
  const id = syntheticId(vpc, "default-security-group");
  const ref = { ...source, kind: "default security group of aws_vpc" };
  // AWS's default group: inbound from members of the group itself, outbound to everywhere.
  rules.push(
    {
      direction: "ingress",
      protocol: "all",
      fromPort: 0,
      toPort: 65535,
      peer: { type: "security-group", id },
      source: ref,
    },
    {
      direction: "egress",
      protocol: "all",
      fromPort: 0,
      toPort: 65535,
      peer: { type: "cidr", cidr: { text: "0.0.0.0/0", family: 4, prefix: 0, start: 0n, end: 0xffffffffn } },
      source: ref,
    },
  );
  return { id, name: "default", vpcId: vpc, rules, source: ref };
}

/** Typed attribute reading with problems at file:line; unknown values become Unknown with a warning. */
export class Reader {
  constructor(
    private readonly module: ResourceSource,
    private readonly b: CloudBuilder,
  ) {}

  site(w: Where, name: string): Site {
    return { file: w.block.file, line: w.block.attributes.get(name)?.line ?? w.block.line };
  }

  raw(w: Where, name: string): Value | undefined {
    const a = w.block.attributes.get(name);
    if (!a) return undefined;
    return this.module.evalIn(a, w.scope, `${w.label}.${name}@${a.line}`);
  }

  private unknown(w: Where, name: string, v: UnknownValue): Unknown {
    this.b.warn(
      "unknown-value",
      `${w.label}: ${name} cannot be evaluated (${v.reason}); rules that depend on it are unknown`,
      this.site(w, name),
    );
    return { unknown: v.reason };
  }

  required(w: Where, name: string): void {
    this.b.error("missing-argument", `${w.label}: the argument "${name}" is required`, {
      file: w.block.file,
      line: w.block.line,
    });
  }

  string(w: Where, name: string, required: boolean): string | Unknown | undefined {
    const v = this.raw(w, name);
    if (v === undefined || v === null) {
      if (required && !w.block.attributes.has(name)) this.required(w, name);
      return undefined;
    }
    if (v instanceof UnknownValue) return this.unknown(w, name, v);
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    this.b.error("type-mismatch", `${w.label}: ${name} must be a string`, this.site(w, name));
    return undefined;
  }

  /** A reference or literal id; an unknown that comes from a Network Firewall is that firewall's endpoint. */
  id(w: Where, name: string, required: boolean): string | Unknown | undefined {
    const v = this.raw(w, name);
    if (v instanceof UnknownValue && v.from?.startsWith("aws_networkfirewall_firewall.")) return v.from;
    return this.string(w, name, required);
  }

  number(w: Where, name: string, required: boolean): number | Unknown | undefined {
    const v = this.raw(w, name);
    if (v === undefined || v === null) {
      if (required && !w.block.attributes.has(name)) this.required(w, name);
      return undefined;
    }
    if (v instanceof UnknownValue) return this.unknown(w, name, v);
    const n = typeof v === "number" ? v : typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isInteger(n)) {
      this.b.error(
        "type-mismatch",
        `${w.label}: ${name} must be a whole number, not ${JSON.stringify(v)}`,
        this.site(w, name),
      );
      return undefined;
    }
    return n;
  }

  bool(w: Where, name: string): boolean | undefined {
    const v = this.raw(w, name);
    if (v === undefined || v === null) return undefined;
    if (v instanceof UnknownValue) {
      this.unknown(w, name, v);
      return undefined;
    }
    if (typeof v === "boolean") return v;
    if (v === "true" || v === "false") return v === "true";
    this.b.error("type-mismatch", `${w.label}: ${name} must be a bool`, this.site(w, name));
    return undefined;
  }

  object(w: Where, name: string): Record<string, Value> | undefined {
    const v = this.raw(w, name);
    return v !== undefined && isObject(v) ? (v as Record<string, Value>) : undefined;
  }

  /** A list of strings; unknown elements are warned about and left out of the list. */
  strings(w: Where, name: string): string[] {
    const v = this.raw(w, name);
    if (v === undefined || v === null) return [];
    if (v instanceof UnknownValue) {
      this.unknown(w, name, v);
      return [];
    }
    if (!isList(v)) {
      this.b.error("type-mismatch", `${w.label}: ${name} must be a list`, this.site(w, name));
      return [];
    }
    const out: string[] = [];
    for (const x of v) {
      if (x instanceof UnknownValue) this.unknown(w, name, x);
      else if (typeof x === "string") out.push(x);
      else if (isInstance(x)) out.push(x.address);
      else this.b.error("type-mismatch", `${w.label}: ${name} must be a list of strings`, this.site(w, name));
    }
    return out;
  }

  /** Like strings, but an unknown element makes the whole list unknown (returned as "unknown"). */
  stringsOrUnknown(w: Where, name: string): string[] | Unknown {
    const v = this.raw(w, name);
    if (v instanceof UnknownValue) return this.unknown(w, name, v);
    if (v !== undefined && isList(v)) {
      const u = v.find((x): x is UnknownValue => x instanceof UnknownValue);
      if (u) return this.unknown(w, name, u);
    }
    return this.strings(w, name);
  }

  ids(w: Where, name: string): string[] {
    return this.strings(w, name);
  }

  missing(w: Where, name: string, id: string, what: string): void {
    this.b.error("unknown-reference", `${w.label}: ${name} "${id}" is not a ${what} in the files`, this.site(w, name));
  }

  checkArgs(w: Where, allowed: ReadonlySet<string>, resource: string): void {
    for (const a of w.block.attributes.values())
      if (!allowed.has(a.name)) {
        const hint =
          a.name === "rule_number"
            ? " (inline rules use rule_no; rule_number belongs to aws_network_acl_rule)"
            : a.name === "rule_action"
              ? " (inline rules use action; rule_action belongs to aws_network_acl_rule)"
              : "";
        this.b.error(
          "unsupported-argument",
          `${resource} ${w.block.type} block: unsupported argument "${a.name}"${hint}`,
          { file: w.block.file, line: a.line },
        );
      }
  }

  protocol(w: Where, name: string): IpProtocol | Unknown | undefined {
    const p = this.string(w, name, true);
    if (p === undefined || typeof p !== "string") return p;
    const parsed = parseIpProtocol(p);
    if (parsed === undefined)
      this.b.error(
        "invalid-protocol",
        `${w.label}: protocol "${p}" is not a protocol name or number`,
        this.site(w, name),
      );
    return parsed;
  }

  ports(
    w: Where,
    protocol: IpProtocol | Unknown,
    required: boolean,
  ): { from: number; to: number } | Unknown | undefined {
    const from = this.number(w, "from_port", required);
    const to = this.number(w, "to_port", required);
    if (typeof from === "object") return from;
    if (typeof to === "object") return to;
    // With protocol -1 the ports are ignored: every port of every protocol.
    if (protocol === "all") return { from: 0, to: 65535 };
    if (from === undefined || to === undefined) return required ? undefined : { from: 0, to: 65535 };
    const icmp = protocol === 1 || protocol === 58;
    if (!icmp && (from < 0 || to > 65535 || from > to)) {
      this.b.error(
        "invalid-port-range",
        `${w.label}: port range ${from}-${to} is not within 0-65535 in ascending order`,
        this.site(w, "from_port"),
      );
      return undefined;
    }
    return { from, to };
  }

  sgPeers(
    w: Where,
    fields: { cidrs: string[]; v6: string[]; lists: string[]; groups: string[]; self: boolean; selfId: string },
  ): (SgPeer | Unknown)[] {
    const peers: (SgPeer | Unknown)[] = [];
    for (const text of [...fields.cidrs, ...fields.v6]) {
      const c = this.b.cidr(text, this.site(w, fields.cidrs.includes(text) ? "cidr_blocks" : "ipv6_cidr_blocks"));
      if (c) peers.push({ type: "cidr", cidr: c });
    }
    for (const id of fields.lists) peers.push({ type: "prefix-list", id });
    for (const id of fields.groups) peers.push({ type: "security-group", id });
    if (fields.self) peers.push({ type: "security-group", id: fields.selfId });
    return peers;
  }

  sgInline(w: Where, direction: "ingress" | "egress", sgId: string, source: CloudRef, unknown?: string): SgRule[] {
    if (unknown) return [{ direction, protocol: "all", fromPort: 0, toPort: 65535, peer: { unknown }, source }];
    this.checkArgs(w, SG_BLOCK_ARGS, "aws_security_group");
    const protocol = this.protocol(w, "protocol");
    if (protocol === undefined) return [];
    const ports = this.ports(w, protocol, true);
    if (ports === undefined) return [];
    const lists = [
      this.stringsOrUnknown(w, "cidr_blocks"),
      this.stringsOrUnknown(w, "ipv6_cidr_blocks"),
      this.stringsOrUnknown(w, "prefix_list_ids"),
      this.stringsOrUnknown(w, "security_groups"),
    ];
    const bad = lists.find((l): l is Unknown => !Array.isArray(l));
    const [cidrs, v6, pls, groups] = lists.map((l) => (Array.isArray(l) ? l : [])) as [
      string[],
      string[],
      string[],
      string[],
    ];
    const peers: (SgPeer | Unknown)[] = bad
      ? [bad]
      : this.sgPeers(w, { cidrs, v6, lists: pls, groups, self: this.bool(w, "self") === true, selfId: sgId });
    return rules(direction, protocol, ports, peers, this.string(w, "description", false), source);
  }

  sgRuleResource(w: Where, sgId: string, source: CloudRef): SgRule[] {
    const type = this.string(w, "type", true);
    if (type !== "ingress" && type !== "egress") {
      if (typeof type === "string")
        this.b.error("invalid-value", `${w.label}: type "${type}" is not ingress or egress`, this.site(w, "type"));
      return [];
    }
    const protocol = this.protocol(w, "protocol");
    if (protocol === undefined) return [];
    const ports = this.ports(w, protocol, true);
    if (ports === undefined) return [];
    const source_sg = this.id(w, "source_security_group_id", false);
    const peers: (SgPeer | Unknown)[] =
      typeof source_sg === "object"
        ? [source_sg]
        : this.sgPeers(w, {
            cidrs: this.strings(w, "cidr_blocks"),
            v6: this.strings(w, "ipv6_cidr_blocks"),
            lists: this.strings(w, "prefix_list_ids"),
            groups: typeof source_sg === "string" ? [source_sg] : [],
            self: this.bool(w, "self") === true,
            selfId: sgId,
          });
    return rules(type, protocol, ports, peers, this.string(w, "description", false), source);
  }

  sgVpcRule(w: Where, direction: "ingress" | "egress", source: CloudRef): SgRule[] {
    const protocol = this.protocol(w, "ip_protocol");
    if (protocol === undefined) return [];
    const ports = this.ports(w, protocol, false);
    if (ports === undefined) return [];
    const peers: (SgPeer | Unknown)[] = [];
    for (const [arg, kind] of [
      ["cidr_ipv4", "cidr"],
      ["cidr_ipv6", "cidr"],
      ["prefix_list_id", "prefix-list"],
      ["referenced_security_group_id", "security-group"],
    ] as const) {
      const v = this.id(w, arg, false);
      if (v === undefined) continue;
      if (typeof v === "object") peers.push(v);
      else if (kind === "cidr") {
        const c = this.b.cidr(v, this.site(w, arg));
        if (c) peers.push({ type: "cidr", cidr: c });
      } else peers.push({ type: kind, id: v });
    }
    // Exactly one of the four source/destination arguments is required.
    if (peers.length !== 1)
      this.b.error(
        "invalid-rule",
        `${w.label}: exactly one of cidr_ipv4, cidr_ipv6, prefix_list_id, referenced_security_group_id is required`,
        w.block,
      );
    return rules(direction, protocol, ports, peers.slice(0, 1), this.string(w, "description", false), source);
  }

  naclInline(w: Where, direction: "ingress" | "egress", source: CloudRef, unknown?: string): NaclRule | undefined {
    if (unknown) {
      this.b.warn(
        "unknown-value",
        `${w.label}: rules generated by a dynamic block cannot be evaluated (${unknown})`,
        source,
      );
      return undefined;
    }
    this.checkArgs(w, NACL_BLOCK_ARGS, "aws_network_acl");
    return this.naclRule(w, direction, "rule_no", "action", source);
  }

  naclRuleResource(w: Where, source: CloudRef): NaclRule | undefined {
    const egress = this.bool(w, "egress") === true;
    return this.naclRule(w, egress ? "egress" : "ingress", "rule_number", "rule_action", source);
  }

  private naclRule(
    w: Where,
    direction: "ingress" | "egress",
    numberArg: string,
    actionArg: string,
    source: CloudRef,
  ): NaclRule | undefined {
    const ruleNumber = this.number(w, numberArg, true);
    const action = this.string(w, actionArg, true);
    const protocol = this.protocol(w, "protocol");
    if (typeof ruleNumber !== "number" || protocol === undefined) return undefined;
    if (action !== "allow" && action !== "deny") {
      if (typeof action === "string")
        this.b.error(
          "invalid-value",
          `${w.label}: ${actionArg} "${action}" is not allow or deny`,
          this.site(w, actionArg),
        );
      return undefined;
    }
    if (typeof protocol === "object") return undefined;
    const icmp = protocol === 1 || protocol === 58;
    const ports = icmp ? { from: 0, to: 65535 } : this.ports(w, protocol, protocol === 6 || protocol === 17);
    if (ports === undefined || "unknown" in ports) return undefined;
    const v4 = this.string(w, "cidr_block", false);
    const v6 = this.string(w, "ipv6_cidr_block", false);
    const text = v4 ?? v6;
    let cidr: Cidr | Unknown | undefined;
    if (typeof text === "string")
      cidr = this.b.cidr(text, this.site(w, v4 !== undefined ? "cidr_block" : "ipv6_cidr_block"));
    else if (text !== undefined) cidr = text;
    else this.b.error("missing-argument", `${w.label}: one of cidr_block or ipv6_cidr_block is required`, w.block);
    if (cidr === undefined) return undefined;
    const icmpType = icmp ? this.number(w, "icmp_type", false) : undefined;
    const icmpCode = icmp ? this.number(w, "icmp_code", false) : undefined;
    return {
      direction,
      ruleNumber,
      action,
      protocol,
      fromPort: ports.from,
      toPort: ports.to,
      ...(typeof icmpType === "number" ? { icmpType } : {}),
      ...(typeof icmpCode === "number" ? { icmpCode } : {}),
      cidr,
      source: { ...source, line: w.block.attributes.get(numberArg)?.line ?? source.line },
    };
  }

  route(w: Where, source: CloudRef, prefix = ""): Route | undefined {
    const v4 = this.string(w, `${prefix}cidr_block`, false);
    const v6 = this.string(w, `${prefix}ipv6_cidr_block`, false);
    const pl = this.id(w, `${prefix}prefix_list_id`, false);
    let destination: Route["destination"] | undefined;
    if (typeof v4 === "string") destination = this.b.cidr(v4, this.site(w, `${prefix}cidr_block`));
    else if (typeof v6 === "string") destination = this.b.cidr(v6, this.site(w, `${prefix}ipv6_cidr_block`));
    else if (typeof pl === "string") destination = { prefixList: pl };
    else destination = v4 ?? v6 ?? pl;
    if (destination === undefined) {
      this.b.error(
        "missing-argument",
        `${w.label}: a route needs a destination (cidr_block, ipv6_cidr_block or prefix list)`,
        w.block,
      );
      return undefined;
    }
    let target: RouteTarget | Unknown | undefined;
    for (const [arg, type] of TARGET_ARGS) {
      const v = this.id(w, arg, false);
      if (v === undefined || v === "") continue;
      target = typeof v === "string" ? targetOf(v, type) : v;
      break;
    }
    if (target === undefined) {
      this.b.error(
        "missing-argument",
        `${w.label}: a route needs a target (gateway_id, nat_gateway_id, vpc_endpoint_id, …)`,
        w.block,
      );
      return undefined;
    }
    return { destination, target, source: { ...source, line: w.block.line } };
  }
}

function rules(
  direction: "ingress" | "egress",
  protocol: IpProtocol | Unknown,
  ports: { from: number; to: number } | Unknown,
  peers: readonly (SgPeer | Unknown)[],
  description: string | Unknown | undefined,
  source: CloudRef,
): SgRule[] {
  const unknown = typeof protocol === "object" ? protocol : "unknown" in ports ? ports : undefined;
  return peers.map((peer) => ({
    direction,
    protocol: typeof protocol === "object" ? "all" : protocol,
    fromPort: "unknown" in ports ? 0 : ports.from,
    toPort: "unknown" in ports ? 65535 : ports.to,
    peer: unknown ?? peer,
    ...(description !== undefined ? { description } : {}),
    source,
  }));
}
