import { describe, expect, it } from "vitest";
import { auditTerraform, VPC } from "./audit-terraform.js";

const tf = (attached: boolean) => `${VPC}
resource "aws_subnet" "app" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}
resource "aws_security_group" "app" {
  name        = "app"
  description = "app"
  vpc_id      = aws_vpc.main.id
}
resource "aws_instance" "app" {
  ami           = "ami-12345678"
  instance_type = "t3.micro"
  subnet_id     = aws_subnet.app.id
  vpc_security_group_ids = [${attached ? "aws_security_group.app.id" : ""}]
}
`;

describe("WARD-AWS-005 security group attached to nothing", () => {
  it("reports a group no instance uses", async () => {
    const f = await auditTerraform(tf(false), "WARD-AWS-005");
    expect(f.map((x) => x.message)).toEqual([expect.stringContaining("security group app")]);
  });
  it("is quiet for an attached group and for the VPC's default group", async () => {
    expect(await auditTerraform(tf(true), "WARD-AWS-005")).toEqual([]);
  });
});
