import { describe, expect, it } from "vitest";
import { loadDescribe } from "./describe.js";

const json = (v: unknown) => JSON.stringify(v, null, 2);

describe("IPv6 in describe output", () => {
  it("interface and subnet IPv6 from Ipv6Addresses / Ipv6CidrBlockAssociationSet (associated only)", () => {
    const b = loadDescribe([
      {
        file: "subnets.json",
        text: json({
          Subnets: [
            {
              SubnetId: "subnet-0a",
              VpcId: "vpc-0a",
              CidrBlock: "10.0.1.0/24",
              Ipv6CidrBlockAssociationSet: [
                { Ipv6CidrBlock: "2600:1f18:1:1::/64", Ipv6CidrBlockState: { State: "associated" } },
                { Ipv6CidrBlock: "2600:1f18:1:9::/64", Ipv6CidrBlockState: { State: "disassociated" } },
              ],
            },
          ],
        }),
      },
      {
        file: "enis.json",
        text: json({
          NetworkInterfaces: [
            {
              NetworkInterfaceId: "eni-0a",
              SubnetId: "subnet-0a",
              PrivateIpAddress: "10.0.1.10",
              Ipv6Addresses: [{ Ipv6Address: "2600:1f18:1:1::10", IsPrimaryIpv6: false }],
              Groups: [],
            },
            { NetworkInterfaceId: "eni-0b", SubnetId: "subnet-0a", PrivateIpAddress: "10.0.1.11", Groups: [] },
          ],
        }),
      },
    ]);
    expect(b.problems).toEqual([]);
    const cloud = b.finish();
    expect(cloud.subnets[0]?.ipv6Cidr?.text).toBe("2600:1f18:1:1::/64");
    const v6 = cloud.interfaces.map((i) =>
      Array.isArray(i.ipv6) ? i.ipv6.map((c: { text: string }) => c.text) : i.ipv6,
    );
    expect(v6).toEqual([["2600:1f18:1:1::10/128"], undefined]);
  });

  it("the IPv6 final deny (rule 32768) of describe-network-acls is the implicit * rule, not an error", () => {
    const deny = (n: number, v6: boolean) => ({
      RuleNumber: n,
      Protocol: "-1",
      RuleAction: "deny",
      Egress: false,
      ...(v6 ? { Ipv6CidrBlock: "::/0" } : { CidrBlock: "0.0.0.0/0" }),
    });
    const b = loadDescribe([
      {
        file: "acls.json",
        text: json({
          NetworkAcls: [
            {
              NetworkAclId: "acl-0a",
              VpcId: "vpc-0a",
              IsDefault: true,
              Entries: [deny(32767, false), deny(32768, true)],
            },
          ],
        }),
      },
    ]);
    expect(b.problems).toEqual([]);
    expect(b.finish().nacls[0]?.rules).toEqual([]);
  });
});
