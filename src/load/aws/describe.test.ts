import { describe, expect, it } from "vitest";
import { cloudReach } from "../../analyze/cloud/cloud-reach.js";
import { loadDescribe } from "./describe.js";

const j = (v: unknown) => JSON.stringify(v, null, 2);
const vpc = (id: string, cidr: string) => ({ VpcId: id, CidrBlock: cidr });
const subnet = (id: string, vpc: string, cidr: string) => ({
  SubnetId: id,
  VpcId: vpc,
  CidrBlock: cidr,
  Tags: [{ Key: "Name", Value: id }],
});
const table = (id: string, vpc: string, subnet: string, peerCidr: string, pcx: string) => ({
  RouteTableId: id,
  VpcId: vpc,
  Associations: [{ SubnetId: subnet, Main: false }],
  Routes: [{ DestinationCidrBlock: peerCidr, VpcPeeringConnectionId: pcx, State: "active" }],
});
const eni = (id: string, subnet: string, ip: string, sg: string) => ({
  NetworkInterfaceId: id,
  SubnetId: subnet,
  PrivateIpAddress: ip,
  Groups: [{ GroupId: sg }],
  TagSet: [{ Key: "Name", Value: id }],
});

function files(status: string) {
  return [
    { file: "vpcs.json", text: j({ Vpcs: [vpc("vpc-a", "10.1.0.0/16"), vpc("vpc-b", "10.2.0.0/16")] }) },
    {
      file: "subnets.json",
      text: j({ Subnets: [subnet("a", "vpc-a", "10.1.1.0/24"), subnet("b", "vpc-b", "10.2.1.0/24")] }),
    },
    {
      file: "pcx.json",
      text: j({
        VpcPeeringConnections: [
          {
            VpcPeeringConnectionId: "pcx-1",
            RequesterVpcInfo: { VpcId: "vpc-a" },
            AccepterVpcInfo: { VpcId: "vpc-b" },
            Status: { Code: status },
          },
        ],
      }),
    },
    {
      file: "rt.json",
      text: j({
        RouteTables: [
          table("rtb-a", "vpc-a", "a", "10.2.0.0/16", "pcx-1"),
          table("rtb-b", "vpc-b", "b", "10.1.0.0/16", "pcx-1"),
        ],
      }),
    },
    {
      file: "sg.json",
      text: j({
        SecurityGroups: [
          {
            GroupId: "sg-a",
            VpcId: "vpc-a",
            GroupName: "a",
            IpPermissions: [],
            IpPermissionsEgress: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
          },
          {
            GroupId: "sg-b",
            VpcId: "vpc-b",
            GroupName: "b",
            IpPermissions: [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, UserIdGroupPairs: [{ GroupId: "sg-a" }] }],
            IpPermissionsEgress: [],
          },
        ],
      }),
    },
    {
      file: "acl.json",
      text: j({
        NetworkAcls: ["a", "b"].map((x) => ({
          NetworkAclId: `acl-${x}`,
          VpcId: `vpc-${x}`,
          IsDefault: true,
          Associations: [{ SubnetId: x }],
          Entries: [false, true].map((Egress) => ({
            RuleNumber: 100,
            Protocol: "-1",
            RuleAction: "allow",
            Egress,
            CidrBlock: "0.0.0.0/0",
          })),
        })),
      }),
    },
    {
      file: "eni.json",
      text: j({ NetworkInterfaces: [eni("eni-a", "a", "10.1.1.5", "sg-a"), eni("eni-b", "b", "10.2.1.5", "sg-b")] }),
    },
  ];
}

describe("describe-vpc-peering-connections", () => {
  it("an active connection with routes on both sides carries traffic; the peer's group reference matches", () => {
    const b = loadDescribe(files("active"));
    const cloud = b.finish();
    expect(b.problems).toEqual([]);
    const p = cloudReach(cloud, { from: "eni-a", to: "eni-b", protocol: 6, port: 443 }).paths[0];
    expect(p?.hops.filter((h) => h.status !== "allow")).toEqual([]);
    expect(p?.status).toBe("allow");
    expect(p?.hops.find((h) => h.step === "route table of subnet a")?.refs.map((r) => r.path)).toEqual([
      "RouteTables[0].Routes[0]",
      "VpcPeeringConnections[0]",
    ]);
  });

  it("a connection pending acceptance carries nothing", () => {
    const cloud = loadDescribe(files("pending-acceptance")).finish();
    const p = cloudReach(cloud, { from: "eni-a", to: "eni-b", protocol: 6, port: 443 }).paths[0];
    expect(p?.status).toBe("deny");
    expect(p?.hops.find((h) => h.status === "deny")?.why).toContain("not accepted");
  });
});
