import { describe, expect, it } from "vitest";
import { auditTerraform } from "./audit-terraform.js";

const vpcs = (n: number) =>
  Array.from({ length: n }, (_, i) => `resource "aws_vpc" "v${i}" {\n  cidr_block = "10.${i}.0.0/16"\n}\n`).join("");
const peer = (a: number, b: number) => `resource "aws_vpc_peering_connection" "p${a}${b}" {
  vpc_id      = aws_vpc.v${a}.id
  peer_vpc_id = aws_vpc.v${b}.id
  auto_accept = true
}
`;

describe("WARD-AWS-008 full-mesh VPC peering", () => {
  it("reports three VPCs with all three peerings", async () => {
    const f = await auditTerraform(vpcs(3) + peer(0, 1) + peer(0, 2) + peer(1, 2), "WARD-AWS-008");
    expect(f.map((x) => x.message)).toEqual([expect.stringContaining("3 VPCs")]);
    expect(f[0]?.related).toHaveLength(2);
  });
  it("is quiet for a chain of peerings and for two peered VPCs", async () => {
    expect(await auditTerraform(vpcs(3) + peer(0, 1) + peer(1, 2), "WARD-AWS-008")).toEqual([]);
    expect(await auditTerraform(vpcs(2) + peer(0, 1), "WARD-AWS-008")).toEqual([]);
  });
});
