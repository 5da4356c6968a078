import { describe, expect, it } from "vitest";
import { auditTerraform, VPC } from "./audit-terraform.js";

const tf = (other: string, a: string, b: string) => `${VPC}
resource "aws_vpc" "other" {
  cidr_block = "${other}"
}
resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "${a}"
}
resource "aws_subnet" "b" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "${b}"
}
`;

describe("WARD-AWS-007 overlapping CIDR blocks", () => {
  it("reports a VPC whose CIDR lies inside another VPC's", async () => {
    const f = await auditTerraform(tf("10.0.128.0/17", "10.0.1.0/24", "10.0.2.0/24"), "WARD-AWS-007");
    expect(f.map((x) => x.message)).toEqual([
      "VPC aws_vpc.other (10.0.128.0/17) overlaps VPC aws_vpc.main (10.0.0.0/16)",
    ]);
    expect(f[0]?.related?.[0]?.line).toBe(1);
  });
  it("is quiet for adjacent VPC blocks", async () => {
    expect(await auditTerraform(tf("10.1.0.0/16", "10.0.1.0/24", "10.0.2.0/24"), "WARD-AWS-007")).toEqual([]);
  });
});
