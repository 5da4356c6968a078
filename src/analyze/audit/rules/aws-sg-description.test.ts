import { describe, expect, it } from "vitest";
import { auditTerraform, VPC } from "./audit-terraform.js";

const sg = (name: string, description?: string) => `resource "aws_security_group" "${name}" {
  name   = "${name}"
  vpc_id = aws_vpc.main.id
${description === undefined ? "" : `  description = "${description}"\n`}}
`;

describe("WARD-AWS-013 security group without a description", () => {
  it("reports a group with no description (Terraform's default) and one with Terraform's default spelled out", async () => {
    const f = await auditTerraform(VPC + sg("web") + sg("db", "Managed by Terraform"), "WARD-AWS-013");
    expect(f.map((x) => [x.subject.name, x.subject.line, x.message])).toEqual([
      ["aws_security_group.web", 4, expect.stringContaining('default description "Managed by Terraform"')],
      ["aws_security_group.db", 8, expect.stringContaining("security group db")],
    ]);
  });
  it("is quiet for a described group, the VPC's default group and a description Ward cannot evaluate", async () => {
    const unknown = `variable "purpose" {}
resource "aws_security_group" "app" {
  vpc_id      = aws_vpc.main.id
  description = var.purpose
}
`;
    expect(await auditTerraform(VPC + sg("web", "HTTPS from the ALB") + unknown, "WARD-AWS-013")).toEqual([]);
  });
});
