import { describe, expect, it } from "vitest";
import { auditTerraform, VPC } from "./audit-terraform.js";

const sg = (ingressDescription: string, egress = "") => `${VPC}
variable "why" {}
resource "aws_security_group" "web" {
  name        = "web"
  description = "web tier"
  vpc_id      = aws_vpc.main.id
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/24", "10.0.1.0/24"]
${ingressDescription}  }
${egress}}
`;

describe("WARD-AWS-017 security group rule without a description", () => {
  it("reports a rule with no description once, however many CIDRs it lists", async () => {
    const f = await auditTerraform(sg(""), "WARD-AWS-017");
    expect(f.map((x) => [x.subject.line, x.message])).toEqual([
      [
        10,
        "security group web (aws_security_group.web): the ingress rule for tcp 443 from 10.0.0.0/24, 10.0.1.0/24 has no description",
      ],
    ]);
    const emptyEgress = `  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
    description = ""
  }
`;
    const g = await auditTerraform(sg('    description = "HTTPS from the ALB"\n', emptyEgress), "WARD-AWS-017");
    expect(g.map((x) => x.message)).toEqual([expect.stringContaining("the egress rule for all traffic to 0.0.0.0/0")]);
  });
  it("is quiet for described rules, a description Ward cannot evaluate, and the VPC's default group", async () => {
    expect(await auditTerraform(sg('    description = "HTTPS from the ALB"\n'), "WARD-AWS-017")).toEqual([]);
    expect(await auditTerraform(sg("    description = var.why\n"), "WARD-AWS-017")).toEqual([]);
    expect(await auditTerraform(VPC, "WARD-AWS-017")).toEqual([]);
  });
});
