import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadDescribe } from "../../load/aws/describe.js";
import type { CloudModel } from "../../model/cloud.js";
import { cloudReach } from "./cloud-reach.js";

const DIR = "examples/aws-three-tier/describe";

/** The describe example, with the network ACLs replaced by `acls` (the rest as deployed). */
function cloudWith(acls: unknown[]): CloudModel {
  const inputs = readdirSync(DIR).map((f) => {
    const file = `${DIR}/${f}`;
    const text =
      f === "describe-network-acls.json" ? JSON.stringify({ NetworkAcls: acls }, null, 2) : readFileSync(file, "utf8");
    return { file, text };
  });
  const b = loadDescribe(inputs);
  const cloud = b.finish();
  expect(b.problems).toEqual([]);
  return cloud;
}

const SUBNETS = JSON.parse(readFileSync(`${DIR}/describe-subnets.json`, "utf8")) as {
  Subnets: { SubnetId: string; Tags: { Key: string; Value: string }[] }[];
};
const subnet = (name: string) =>
  SUBNETS.Subnets.find((s) => s.Tags.some((t) => t.Key === "Name" && t.Value === name))?.SubnetId as string;
const allowAll = (n: number, egress: boolean) => ({
  RuleNumber: n,
  Protocol: "-1",
  RuleAction: "allow",
  Egress: egress,
  CidrBlock: "0.0.0.0/0",
});
const tcp = (n: number, egress: boolean, cidr: string, from: number, to: number) => ({
  RuleNumber: n,
  Protocol: "6",
  RuleAction: "allow",
  Egress: egress,
  CidrBlock: cidr,
  PortRange: { From: from, To: to },
});
const acl = (id: string, isDefault: boolean, subnets: string[], entries: unknown[]) => ({
  NetworkAclId: id,
  VpcId: "vpc-0a1b2c3d4e5f67890",
  IsDefault: isDefault,
  Associations: subnets.map((SubnetId) => ({ SubnetId })),
  Entries: entries,
});
const defaultAcl = (except: string[]) =>
  acl(
    "acl-default",
    true,
    [
      "public-0",
      "public-1",
      "public-2",
      "private-0",
      "private-1",
      "private-2",
      "data-0",
      "data-1",
      "data-2",
      "firewall",
    ]
      .filter((n) => !except.includes(n))
      .map(subnet),
    [allowAll(100, false), allowAll(100, true)],
  );

function egress(cloud: CloudModel) {
  return cloudReach(cloud, { from: "app-0", to: "api.stripe.com", protocol: 6, port: 443 }).paths[0];
}

describe("egress through a Network Firewall and a NAT gateway, hop by hop", () => {
  it("the firewall subnet's own NACL is on the path: without a return rule the reply is dropped there", () => {
    const fw = acl(
      "acl-fw",
      false,
      [subnet("firewall")],
      [tcp(100, false, "10.0.0.0/16", 443, 443), tcp(100, true, "0.0.0.0/0", 443, 443)],
    );
    const p = egress(cloudWith([defaultAcl(["firewall"]), fw]));
    expect(p?.status).toBe("deny");
    const denied = p?.hops.filter((h) => h.status === "deny") ?? [];
    expect(denied.map((h) => h.step)).toEqual(["network ACL inbound of subnet firewall (return traffic)"]);
    expect(denied[0]?.why).toMatch(/stateless/);
  });

  it("with ephemeral-port return rules in the firewall subnet's NACL the path is allowed", () => {
    const fw = acl(
      "acl-fw",
      false,
      [subnet("firewall")],
      [
        tcp(100, false, "10.0.0.0/16", 443, 443),
        tcp(110, false, "0.0.0.0/0", 1024, 65535),
        tcp(100, true, "0.0.0.0/0", 443, 443),
        tcp(110, true, "10.0.0.0/16", 1024, 65535),
      ],
    );
    expect(egress(cloudWith([defaultAcl(["firewall"]), fw]))?.status).toBe("allow");
  });

  it("a NACL inbound rule into the NAT gateway's subnet matches the packet's source (the app subnet)", () => {
    // Inbound rules match the source address: the app instance, not the internet it is going to.
    const pub = acl(
      "acl-pub",
      false,
      [subnet("public-0")],
      [
        tcp(100, false, "10.0.10.0/24", 443, 443),
        tcp(110, false, "0.0.0.0/0", 1024, 65535),
        tcp(100, true, "0.0.0.0/0", 443, 443),
        tcp(110, true, "10.0.10.0/24", 1024, 65535),
      ],
    );
    const p = egress(cloudWith([defaultAcl(["public-0"]), pub]));
    expect(p?.hops.find((h) => h.step.includes("into the NAT gateway's subnet"))?.status).toBe("allow");
    expect(p?.status).toBe("allow");
  });
});
