import type { FlowLog } from "../../model/cloud.js";
import type { CloudBuilder } from "./cloud-builder.js";
import type { DescribeFile } from "./describe.js";

type Json = unknown;
type Obj = Record<string, Json>;
const obj = (v: Json): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: Json): Json[] => (Array.isArray(v) ? v : []);
const str = (v: Json): string | undefined => (typeof v === "string" ? v : undefined);

// The resource a flow log is on, from its ResourceId (docs.aws.amazon.com/AWSEC2/latest/APIReference/API_FlowLog.html:
// "The ID of the resource being monitored"): a VPC, subnet, network interface, transit gateway or attachment.
const RESOURCE_PREFIXES: readonly [string, FlowLog["resourceType"]][] = [
  ["vpc-", "vpc"],
  ["subnet-", "subnet"],
  ["eni-", "network-interface"],
  ["tgw-attach-", "transit-gateway-attachment"],
  ["tgw-", "transit-gateway"],
];

/**
 * The attributes the audit rules read beyond reachability, from `aws ec2 describe-*` output: VPC tags, subnet
 * Availability Zones, security group descriptions, interface endpoint subnets, and `describe-flow-logs` (FlowLogs).
 * Without any describe-flow-logs output, each VPC's flow logs are not known (flowLogsKnown: false).
 */
export function readDescribeAuditFields(b: CloudBuilder, files: readonly DescribeFile[]): void {
  let flowLogsRead = false;
  for (const f of files) {
    const v = f.value;
    arr(v.Vpcs).forEach((x) => {
      const o = obj(x);
      const vpc = b.vpcs.find((p) => p.id === str(o.VpcId));
      if (vpc === undefined || !Array.isArray(o.Tags)) return;
      const tags: Record<string, string> = {};
      for (const t of arr(o.Tags)) {
        const key = str(obj(t).Key);
        const value = str(obj(t).Value);
        if (key !== undefined && value !== undefined) tags[key] = value;
      }
      Object.assign(vpc, { tags });
    });
    arr(v.Subnets).forEach((x) => {
      const o = obj(x);
      const subnet = b.subnets.find((s) => s.id === str(o.SubnetId));
      if (subnet === undefined) return;
      const az = str(o.AvailabilityZone);
      const azId = str(o.AvailabilityZoneId);
      Object.assign(subnet, {
        ...(az === undefined ? {} : { availabilityZone: az }),
        ...(azId === undefined ? {} : { availabilityZoneId: azId }),
      });
    });
    arr(v.SecurityGroups).forEach((x) => {
      const o = obj(x);
      const group = b.securityGroups.find((g) => g.id === str(o.GroupId));
      // describe-security-groups prints the group's GroupDescription as "Description".
      const description = str(o.Description) ?? str(o.GroupDescription);
      if (group !== undefined && description !== undefined) group.description = description;
    });
    arr(v.VpcEndpoints).forEach((x) => {
      const o = obj(x);
      const gw = b.gateways.find((g) => g.id === str(o.VpcEndpointId));
      if (gw === undefined || gw.endpointType !== "Interface") return;
      Object.assign(gw, { subnetIds: arr(o.SubnetIds).flatMap((s) => str(s) ?? []) });
    });
    if ("FlowLogs" in v) flowLogsRead = true;
    arr(v.FlowLogs).forEach((x, i) => {
      const o = obj(x);
      const id = str(o.FlowLogId) ?? `fl-${i}`;
      const source = f.ref("FlowLog", id, ["FlowLogs", i]);
      const resourceId = str(o.ResourceId);
      const type = RESOURCE_PREFIXES.find(([p]) => resourceId?.startsWith(p))?.[1];
      if (resourceId === undefined || type === undefined) {
        b.error("missing-field", `flow log ${id} has no ResourceId of a VPC, subnet or network interface`, source);
        return;
      }
      const traffic = str(o.TrafficType);
      b.flowLogs.push({
        id,
        resourceType: type,
        resourceId,
        ...(traffic === undefined ? {} : { trafficType: traffic }),
        source,
      });
    });
  }
  if (!flowLogsRead) for (const vpc of b.vpcs) Object.assign(vpc, { flowLogsKnown: false });
}
