import { describe, expect, it } from "vitest";
import { auditTerraform, VPC } from "./audit-terraform.js";

const sg = (protocol: string, cidr: string) => `${VPC}
resource "aws_security_group" "app" {
  name        = "app"
  description = "app"
  vpc_id      = aws_vpc.main.id
  egress {
    from_port   = 0
    to_port     = ${protocol === "-1" ? 0 : 443}
    protocol    = "${protocol}"
    cidr_blocks = ["${cidr}"]
  }
}
`;

describe("WARD-AWS-004 all egress to the internet", () => {
  it("reports the copied protocol -1 to 0.0.0.0/0 egress rule", async () => {
    const f = await auditTerraform(sg("-1", "0.0.0.0/0"), "WARD-AWS-004");
    expect(f).toHaveLength(1);
    expect(f[0]?.message).toContain("security group app");
    expect(f[0]?.subject.line).toBe(9);
  });
  it("is quiet for HTTPS to anywhere, all protocols to the VPC, and the VPC's default group", async () => {
    expect(await auditTerraform(sg("tcp", "0.0.0.0/0"), "WARD-AWS-004")).toEqual([]);
    expect(await auditTerraform(sg("-1", "10.0.0.0/16"), "WARD-AWS-004")).toEqual([]);
    expect(await auditTerraform(VPC, "WARD-AWS-004")).toEqual([]);
  });
});
