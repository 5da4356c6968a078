import { describe, expect, it } from "vitest";
import { isDescribeJson, loadDescribe } from "./describe.js";

const j = (v: unknown) => JSON.stringify(v, null, 2);
const base = [
  {
    file: "vpcs.json",
    text: j({
      Vpcs: [{ VpcId: "vpc-1", CidrBlock: "10.0.0.0/16", Tags: [{ Key: "Environment", Value: "prod" }] }],
    }),
  },
  {
    file: "subnets.json",
    text: j({
      Subnets: [
        {
          SubnetId: "subnet-1",
          VpcId: "vpc-1",
          CidrBlock: "10.0.1.0/24",
          AvailabilityZone: "eu-west-1a",
          AvailabilityZoneId: "euw1-az1",
        },
      ],
    }),
  },
  {
    file: "sgs.json",
    text: j({
      SecurityGroups: [
        {
          GroupId: "sg-1",
          GroupName: "web",
          Description: "web tier",
          VpcId: "vpc-1",
          IpPermissions: [
            {
              IpProtocol: "tcp",
              FromPort: 443,
              ToPort: 443,
              IpRanges: [{ CidrIp: "10.0.0.0/16", Description: "HTTPS from the VPC" }, { CidrIp: "10.1.0.0/16" }],
              UserIdGroupPairs: [{ GroupId: "sg-2", Description: "from the LB" }],
            },
          ],
          IpPermissionsEgress: [],
        },
      ],
    }),
  },
  {
    file: "endpoints.json",
    text: j({
      VpcEndpoints: [
        {
          VpcEndpointId: "vpce-1",
          VpcId: "vpc-1",
          VpcEndpointType: "Interface",
          ServiceName: "com.amazonaws.eu-west-1.sts",
          SubnetIds: ["subnet-1"],
        },
      ],
    }),
  },
];

describe("audit fields from aws ec2 describe-* output", () => {
  it("reads tags, zones, descriptions of groups and of each rule peer, and interface endpoint subnets", () => {
    const c = loadDescribe(base).finish();
    expect(c.vpcs[0]?.tags).toEqual({ Environment: "prod" });
    expect([c.subnets[0]?.availabilityZone, c.subnets[0]?.availabilityZoneId]).toEqual(["eu-west-1a", "euw1-az1"]);
    expect(c.securityGroups[0]?.description).toBe("web tier");
    expect(c.securityGroups[0]?.rules.map((r) => r.description)).toEqual([
      "HTTPS from the VPC",
      undefined,
      "from the LB",
    ]);
    expect(c.gateways[0]?.subnetIds).toEqual(["subnet-1"]);
  });

  it("flow logs are unknown without describe-flow-logs output, and read from it when given", () => {
    expect(loadDescribe(base).finish().vpcs[0]?.flowLogsKnown).toBe(false);
    const logs = {
      file: "flow-logs.json",
      text: j({ FlowLogs: [{ FlowLogId: "fl-1", ResourceId: "vpc-1", TrafficType: "ALL", FlowLogStatus: "ACTIVE" }] }),
    };
    expect(isDescribeJson(logs.text)).toBe(true);
    const c = loadDescribe([...base, logs]).finish();
    expect(c.vpcs[0]?.flowLogsKnown).toBeUndefined();
    expect(c.flowLogs?.map((f) => [f.resourceType, f.resourceId, f.trafficType, f.source.line])).toEqual([
      ["vpc", "vpc-1", "ALL", 3],
    ]);
    const empty = loadDescribe([...base, { file: "none.json", text: j({ FlowLogs: [] }) }]).finish();
    expect(empty.vpcs[0]?.flowLogsKnown).toBeUndefined();
    expect(empty.flowLogs).toEqual([]);
  });

  it("a flow log without a ResourceId is an error at its line", () => {
    const b = loadDescribe([{ file: "fl.json", text: j({ FlowLogs: [{ FlowLogId: "fl-9" }] }) }]);
    expect(b.problems.map((p) => [p.code, p.file, p.line])).toEqual([["missing-field", "fl.json", 3]]);
  });
});
