import { describe, expect, it } from "vitest";
import { auditTerraform, VPC } from "./audit-terraform.js";

const tf = (egress: string) => `${VPC}
resource "aws_subnet" "db" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.2.0/24"
}
resource "aws_network_acl" "db" {
  vpc_id     = aws_vpc.main.id
  subnet_ids = [aws_subnet.db.id]
  ingress {
    rule_no    = 100
    protocol   = "tcp"
    action     = "allow"
    cidr_block = "10.0.1.0/24"
    from_port  = 5432
    to_port    = 5432
  }
  ingress {
    rule_no    = 200
    protocol   = "tcp"
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 1024
    to_port    = 65535
  }
${egress}}
`;

const egress = (no: number, action: string, cidr: string, from: number, to: number) => `  egress {
    rule_no    = ${no}
    protocol   = "tcp"
    action     = "${action}"
    cidr_block = "${cidr}"
    from_port  = ${from}
    to_port    = ${to}
  }
`;

describe("WARD-AWS-010 NACL inbound allow without the return rule", () => {
  it("reports a server port with no outbound rule at all, naming the final deny", async () => {
    const f = await auditTerraform(tf(""), "WARD-AWS-010");
    expect(f.map((x) => x.message)).toEqual([
      expect.stringMatching(
        /ingress rule 100 allows tcp 5432 from 10\.0\.1\.0\/24.*no reply to 10\.0\.1\.0\/24.*final \* deny/,
      ),
    ]);
  });
  it("reports a return rule shadowed by a lower-numbered deny, and one covering only part of the range", async () => {
    const shadowed = egress(50, "deny", "10.0.0.0/16", 0, 65535) + egress(100, "allow", "10.0.1.0/24", 1024, 65535);
    expect((await auditTerraform(tf(shadowed), "WARD-AWS-010"))[0]?.message).toContain("egress rule 50");
    const narrow = egress(100, "allow", "10.0.1.0/24", 32768, 60999);
    expect((await auditTerraform(tf(narrow), "WARD-AWS-010"))[0]?.message).toContain("only some of ports");
  });
  it("is quiet when the reply is allowed, even by a wider rule numbered after a deny for another CIDR", async () => {
    expect(await auditTerraform(tf(egress(100, "allow", "10.0.1.0/24", 1024, 65535)), "WARD-AWS-010")).toEqual([]);
    const wide = egress(50, "deny", "192.168.0.0/16", 0, 65535) + egress(100, "allow", "0.0.0.0/0", 0, 65535);
    expect(await auditTerraform(tf(wide), "WARD-AWS-010")).toEqual([]);
  });
});
