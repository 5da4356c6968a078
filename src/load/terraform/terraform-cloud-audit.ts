import type { FlowLog, NetworkInterface } from "../../model/cloud.js";
import type { CloudBuilder } from "../aws/cloud-builder.js";
import type { Block } from "./hcl-ast.js";
import type { Scope } from "./hcl-eval.js";
import { isList, UnknownValue, type Value } from "./hcl-value.js";
import { Reader, type ResourceSource } from "./terraform-cloud.js";
import type { ResourceInstance } from "./terraform-module.js";

type Where = { readonly block: Block; readonly scope: Scope; readonly label: string };

// registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/security_group: description "Defaults to
// `Managed by Terraform`. Cannot be \"\"" (it maps to GroupDescription, which has no update API).
export const TERRAFORM_DEFAULT_SG_DESCRIPTION = "Managed by Terraform";

// registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/flow_log: exactly one of these names the
// resource whose traffic is logged.
const FLOW_LOG_TARGETS: readonly [string, FlowLog["resourceType"]][] = [
  ["vpc_id", "vpc"],
  ["subnet_id", "subnet"],
  ["eni_id", "network-interface"],
  ["transit_gateway_id", "transit-gateway"],
  ["transit_gateway_attachment_id", "transit-gateway-attachment"],
];

/**
 * The attributes the audit rules read beyond reachability: VPC tags, subnet Availability Zones, security group
 * descriptions, interface endpoint subnets, flow logs, and endpoint associations declared as their own resources.
 * Runs after terraformToCloud has built the objects (HCL and `terraform show -json` alike).
 */
export function readAuditFields(module: ResourceSource, instances: readonly ResourceInstance[], b: CloudBuilder) {
  const reader = new Reader(module, b);
  const where = (inst: ResourceInstance): Where => ({ block: inst.block, scope: inst.scope, label: inst.address });
  const endpoints = new Map(instances.filter((i) => i.type === "aws_vpc_endpoint").map((i) => [i.address, i]));
  markSessionManager(reader, instances, b);
  for (const inst of instances) {
    const w = where(inst);
    switch (inst.type) {
      case "aws_vpc": {
        const vpc = b.vpcs.find((v) => v.id === inst.address);
        const tags = stringMap(reader.object(w, "tags"));
        if (vpc && tags) Object.assign(vpc, { tags });
        break;
      }
      case "aws_subnet": {
        const subnet = b.subnets.find((s) => s.id === inst.address);
        if (subnet === undefined) break;
        // Unset: AWS picks a zone at creation, so the files do not say which (left unset = unknown).
        const az = reader.string(w, "availability_zone", false);
        const azId = reader.string(w, "availability_zone_id", false);
        Object.assign(subnet, {
          ...(typeof az === "string" ? { availabilityZone: az } : {}),
          ...(typeof azId === "string" ? { availabilityZoneId: azId } : {}),
        });
        break;
      }
      case "aws_security_group": {
        const group = b.securityGroups.find((g) => g.id === inst.address);
        if (group === undefined) break;
        const d = reader.string(w, "description", false);
        group.description = d ?? TERRAFORM_DEFAULT_SG_DESCRIPTION;
        break;
      }
      case "aws_vpc_endpoint": {
        const gw = b.gateways.find((g) => g.id === inst.address);
        if (gw?.endpointType !== "Interface") break;
        const subnetIds = b.interfaces.filter((i) => i.id.startsWith(`${inst.address}#`)).map((i) => i.subnetId);
        Object.assign(gw, { subnetIds });
        break;
      }
      case "aws_vpc_endpoint_route_table_association": {
        const ep = reader.id(w, "vpc_endpoint_id", true);
        const rt = reader.id(w, "route_table_id", true);
        if (typeof ep !== "string" || typeof rt !== "string") break;
        const gw = b.gateways.find((g) => g.id === ep && g.type === "vpc-endpoint");
        if (gw === undefined) {
          reader.missing(w, "vpc_endpoint_id", ep, "VPC endpoint");
          break;
        }
        const table = b.routeTables.find((t) => t.id === rt);
        if (table === undefined) {
          reader.missing(w, "route_table_id", rt, "route table");
          break;
        }
        const ids = gw.routeTableIds ?? [];
        if (ids.includes(rt)) break;
        Object.assign(gw, { routeTableIds: [...ids, rt] });
        // A gateway endpoint associated with a route table adds a route to the service's prefix list there
        // (docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html "Routing").
        if (gw.endpointType === "Gateway")
          table.routes.push({
            destination: { prefixList: gw.serviceName ?? gw.id },
            target: { type: "vpc-endpoint", id: gw.id },
            source: { kind: inst.type, name: inst.address, file: inst.block.file, line: inst.block.line },
          });
        break;
      }
      case "aws_vpc_endpoint_subnet_association": {
        const ep = reader.id(w, "vpc_endpoint_id", true);
        const subnetId = reader.id(w, "subnet_id", true);
        if (typeof ep !== "string" || typeof subnetId !== "string") break;
        const gw = b.gateways.find((g) => g.id === ep && g.type === "vpc-endpoint");
        const epInst = endpoints.get(ep);
        if (gw === undefined || epInst === undefined) {
          reader.missing(w, "vpc_endpoint_id", ep, "VPC endpoint");
          break;
        }
        const ids = gw.subnetIds ?? [];
        if (ids.includes(subnetId)) break;
        Object.assign(gw, { subnetIds: [...ids, subnetId] });
        // The endpoint gets a network interface in the subnet, with the endpoint's security groups.
        const sibling = b.interfaces.find((i) => i.id.startsWith(`${ep}#`));
        const tags = reader.object(where(epInst), "tags");
        const ni: NetworkInterface = {
          id: `${ep}#${subnetId}`,
          name:
            sibling?.name ??
            (typeof tags?.Name === "string" ? tags.Name : epInst.address.slice(epInst.type.length + 1)),
          tier: sibling?.tier ?? (typeof tags?.Tier === "string" ? tags.Tier : epInst.name),
          kind: "vpc-endpoint",
          subnetId,
          publicIp: false,
          securityGroupIds: sibling?.securityGroupIds ?? reader.ids(where(epInst), "security_group_ids"),
          source: { kind: inst.type, name: inst.address, file: inst.block.file, line: inst.block.line },
        };
        b.interfaces.push(ni);
        break;
      }
      case "aws_flow_log": {
        const found = FLOW_LOG_TARGETS.flatMap(([arg, resourceType]) => {
          const v = reader.id(w, arg, false);
          return typeof v === "string" ? [{ resourceType, resourceId: v }] : [];
        });
        const target = found[0];
        if (target === undefined) {
          // An unknown value (a variable, a data source) names some resource Ward cannot tell: logged, not wrong.
          if (!FLOW_LOG_TARGETS.some(([arg]) => inst.block.attributes.has(arg)))
            reader.required(w, FLOW_LOG_TARGETS.map(([a]) => a).join(" | "));
          break;
        }
        const traffic = reader.string(w, "traffic_type", false);
        b.flowLogs.push({
          id: inst.address,
          ...target,
          ...(typeof traffic === "string" ? { trafficType: traffic } : {}),
          source: { kind: inst.type, name: inst.address, file: inst.block.file, line: inst.block.line },
        });
        break;
      }
    }
  }
}

function stringMap(v: Record<string, unknown> | undefined): Record<string, string> | undefined {
  if (v === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === "string") out[k] = x;
  return out;
}

// The AWS managed policy that lets SSM Agent register the instance with Systems Manager, Session Manager included
// (docs.aws.amazon.com/systems-manager/latest/userguide/setup-instance-permissions.html).
const SSM_POLICY = /:policy\/AmazonSSMManagedInstanceCore$/;

/**
 * Marks the node groups and instances whose IAM role has AmazonSSMManagedInstanceCore attached (aws_iam_role
 * managed_policy_arns, aws_iam_role_policy_attachment, aws_iam_policy_attachment; instances through their
 * aws_iam_instance_profile). A role is named by its address, its literal name, or an ARN ending in role/<name>.
 */
function markSessionManager(reader: Reader, instances: readonly ResourceInstance[], b: CloudBuilder): void {
  const where = (inst: ResourceInstance): Where => ({ block: inst.block, scope: inst.scope, label: inst.address });
  const raw = (inst: ResourceInstance, name: string) =>
    inst.block.attributes.has(name) ? reader.raw(where(inst), name) : undefined;
  const roleNames = new Map<string, string>(); // role name → address
  const ssmRoles = new Set<string>();
  const profiles = new Map<string, Value | undefined>(); // profile address or name → its role
  for (const inst of instances)
    if (inst.type === "aws_iam_role") {
      const name = raw(inst, "name");
      if (typeof name === "string") roleNames.set(name, inst.address);
    }
  const roleOf = (v: Value | undefined): string | undefined => {
    if (v instanceof UnknownValue) return v.from?.startsWith("aws_iam_role.") ? v.from : undefined;
    if (typeof v !== "string") return undefined;
    if (v.startsWith("aws_iam_role.")) return v;
    const name = /:role\/(?:.*\/)?([^/]+)$/.exec(v)?.[1] ?? v;
    return roleNames.get(name) ?? `role/${name}`;
  };
  const list = (v: Value | undefined): Value[] => (v !== undefined && isList(v) ? [...v] : v === undefined ? [] : [v]);
  for (const inst of instances) {
    if (
      inst.type === "aws_iam_role" &&
      list(raw(inst, "managed_policy_arns")).some((p) => typeof p === "string" && SSM_POLICY.test(p))
    )
      ssmRoles.add(inst.address);
    if (inst.type === "aws_iam_role_policy_attachment" || inst.type === "aws_iam_policy_attachment") {
      const policy = raw(inst, "policy_arn");
      if (typeof policy !== "string" || !SSM_POLICY.test(policy)) continue;
      const roles = inst.type === "aws_iam_role_policy_attachment" ? [raw(inst, "role")] : list(raw(inst, "roles"));
      for (const r of roles) {
        const role = roleOf(r);
        if (role !== undefined) ssmRoles.add(role);
      }
    }
    if (inst.type === "aws_iam_instance_profile") {
      profiles.set(inst.address, raw(inst, "role"));
      const name = raw(inst, "name");
      if (typeof name === "string") profiles.set(name, raw(inst, "role"));
    }
  }
  if (ssmRoles.size === 0) return;
  for (const inst of instances) {
    let role: string | undefined;
    if (inst.type === "aws_eks_node_group") role = roleOf(raw(inst, "node_role_arn"));
    else if (inst.type === "aws_instance") {
      const p = raw(inst, "iam_instance_profile");
      const key = p instanceof UnknownValue ? p.from : typeof p === "string" ? p : undefined;
      role = key === undefined ? undefined : roleOf(profiles.get(key));
    } else continue;
    if (role === undefined || !ssmRoles.has(role)) continue;
    for (const ni of b.interfaces)
      if (ni.id.startsWith(`${inst.address}#`)) Object.assign(ni, { sessionManager: true });
  }
}
