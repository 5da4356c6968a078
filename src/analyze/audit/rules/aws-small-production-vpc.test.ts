import { describe, expect, it } from "vitest";
import { auditTerraform } from "./audit-terraform.js";

const vpc = (cidr: string, tags: string, extra = "") => `resource "aws_vpc" "main" {
  cidr_block = "${cidr}"
  tags = {
${tags}
  }
}
${extra}`;

describe("WARD-AWS-014 production VPC smaller than /16", () => {
  it("reports a /20 VPC tagged Environment = production, and one whose Name has the word prod", async () => {
    const f = await auditTerraform(vpc("10.0.0.0/20", '    Environment = "Production"'), "WARD-AWS-014");
    expect(f.map((x) => [x.subject.line, x.message])).toEqual([
      [1, expect.stringMatching(/production \(Environment=Production\).*10\.0\.0\.0\/20 hold 4096 addresses/)],
    ]);
    const named = await auditTerraform(vpc("10.0.0.0/24", '    Name = "payments-prod-vpc"'), "WARD-AWS-014");
    expect(named.map((x) => x.message)).toEqual([expect.stringContaining("(Name=payments-prod-vpc)")]);
  });
  it("is quiet for a /16, for a non-production VPC, for a Name like products, and when secondary blocks add up to a /16", async () => {
    expect(await auditTerraform(vpc("10.0.0.0/16", '    env = "prod"'), "WARD-AWS-014")).toEqual([]);
    expect(await auditTerraform(vpc("10.0.0.0/24", '    Environment = "staging"'), "WARD-AWS-014")).toEqual([]);
    expect(await auditTerraform(vpc("10.0.0.0/24", '    Name = "products"'), "WARD-AWS-014")).toEqual([]);
    const secondary = `resource "aws_vpc_ipv4_cidr_block_association" "more" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.1.0.0/17"
}
`;
    expect(await auditTerraform(vpc("10.0.0.0/17", '    Stage = "prod"', secondary), "WARD-AWS-014")).toEqual([]);
  });
});
