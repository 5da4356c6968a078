import { describe, expect, it } from "vitest";
import { cloudReach } from "../../analyze/cloud/cloud-reach.js";
import { isUnknown } from "../../model/cloud.js";
import { loadTerraform } from "./load-terraform.js";

const VPC = (extra: string) => `resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
${extra}}
resource "aws_subnet" "a" {
  vpc_id                          = aws_vpc.main.id
  cidr_block                      = "10.0.1.0/24"
  ipv6_cidr_block                 = "2600:1f18:1:1::/64"
  assign_ipv6_address_on_creation = true
}
`;
const instance = (name: string, extra = "") => `resource "aws_instance" "${name}" {
  ami       = "ami-0123456789abcdef0"
  subnet_id = aws_subnet.a.id
${extra}}
`;

async function load(text: string) {
  const r = await loadTerraform([{ file: "main.tf", text }], {});
  expect(r.problems).toEqual([]);
  return r.cloud;
}

describe("Terraform IPv6", () => {
  it("interfaces get IPv6 from the subnet default, ipv6_address_count or ipv6_addresses; count 0 opts out", async () => {
    const cloud = await load(
      VPC("  assign_generated_ipv6_cidr_block = true\n") +
        instance("dflt") +
        instance("none", "  ipv6_address_count = 0\n") +
        instance("fixed", '  ipv6_addresses = ["2600:1f18:1:1::10"]\n'),
    );
    const v6 = Object.fromEntries(
      cloud.interfaces.map((i) => [
        i.name,
        Array.isArray(i.ipv6) ? i.ipv6.map((c: { text: string }) => c.text) : i.ipv6,
      ]),
    );
    expect(v6).toEqual({ dflt: "assigned", none: undefined, fixed: ["2600:1f18:1:1::10/128"] });
    const subnet = cloud.subnets[0];
    expect(subnet && !isUnknown(subnet.cidr) && subnet.ipv6Cidr?.text).toBe("2600:1f18:1:1::/64");
  });

  it("an ipv6_address_count Ward cannot evaluate leaves the interface's IPv6 unknown, and its IPv6 path unknown", async () => {
    const r = await loadTerraform(
      [
        {
          file: "main.tf",
          text: `variable "n" {
  type = number
}
${VPC("  assign_generated_ipv6_cidr_block = true\n")}${instance("x", "  ipv6_address_count = var.n\n")}`,
        },
      ],
      {},
    );
    const eni = r.cloud.interfaces[0];
    expect(eni?.ipv6 !== undefined && isUnknown(eni.ipv6)).toBe(true);
    const res = cloudReach(r.cloud, { from: "internet", to: "x", port: 443, protocol: 6 });
    expect(res.paths.find((p) => p.from === "internet (IPv6)")?.hops[0]?.status).toBe("unknown");
  });

  it("a VPC with an IPv6 block: its default network ACL allows all IPv6 both ways (rule 101)", async () => {
    const cloud = await load(VPC("  assign_generated_ipv6_cidr_block = true\n"));
    const rules = cloud.nacls[0]?.rules.filter((r) => !isUnknown(r.cidr) && r.cidr.family === 6) ?? [];
    expect(rules.map((r) => `${r.direction} ${r.ruleNumber} ${r.action}`)).toEqual([
      "ingress 101 allow",
      "egress 101 allow",
    ]);
  });

  it("no IPv6 rules without an IPv6 block, nor when aws_default_network_acl replaces the rules", async () => {
    const plain = await load(VPC(""));
    expect(plain.nacls[0]?.rules.some((r) => !isUnknown(r.cidr) && r.cidr.family === 6)).toBe(false);
    const adopted = await load(
      `${VPC("  assign_generated_ipv6_cidr_block = true\n")}resource "aws_default_network_acl" "d" {
  default_network_acl_id = aws_vpc.main.default_network_acl_id
}
`,
    );
    expect(adopted.nacls.find((n) => n.isDefault)?.rules).toEqual([]);
  });
});
