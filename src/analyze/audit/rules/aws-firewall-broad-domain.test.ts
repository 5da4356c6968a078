import { describe, expect, it } from "vitest";
import { auditTerraform, VPC } from "./audit-terraform.js";
import { broadness } from "./aws-firewall-broad-domain.js";

const tf = (type: string, targets: string[]) => `${VPC}
resource "aws_subnet" "fw" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.9.0/28"
}
resource "aws_networkfirewall_rule_group" "domains" {
  name     = "domains"
  type     = "STATEFUL"
  capacity = 100
  rule_group {
    rules_source {
      rules_source_list {
        generated_rules_type = "${type}"
        target_types         = ["TLS_SNI"]
        targets              = ${JSON.stringify(targets)}
      }
    }
  }
}
resource "aws_networkfirewall_firewall_policy" "p" {
  name = "p"
  firewall_policy {
    stateless_default_actions          = ["aws:forward_to_sfe"]
    stateless_fragment_default_actions = ["aws:forward_to_sfe"]
    stateful_rule_group_reference {
      resource_arn = aws_networkfirewall_rule_group.domains.arn
    }
  }
}
resource "aws_networkfirewall_firewall" "fw" {
  name                = "fw"
  vpc_id              = aws_vpc.main.id
  firewall_policy_arn = aws_networkfirewall_firewall_policy.p.arn
  subnet_mapping {
    subnet_id = aws_subnet.fw.id
  }
}
`;

describe("WARD-AWS-009 broad wildcard in a firewall domain allow-list", () => {
  it("reports .cloudfront.net and .s3.amazonaws.com in an allow-list", async () => {
    const f = await auditTerraform(
      tf("ALLOWLIST", [".cloudfront.net", ".s3.amazonaws.com", ".example.com"]),
      "WARD-AWS-009",
    );
    expect(f.map((x) => x.message)).toEqual([
      expect.stringContaining("allows .cloudfront.net"),
      expect.stringContaining("allows .s3.amazonaws.com"),
    ]);
  });
  it("is quiet for exact names, a company's own wildcard, and a deny-list", async () => {
    expect(
      await auditTerraform(tf("ALLOWLIST", ["d111111abcdef8.cloudfront.net", ".example.com"]), "WARD-AWS-009"),
    ).toEqual([]);
    expect(await auditTerraform(tf("DENYLIST", [".cloudfront.net"]), "WARD-AWS-009")).toEqual([]);
  });
  it("calls a wildcard over a top-level domain broad", () => {
    expect(broadness(".com")).toContain("top-level domain com");
    expect(broadness(".notamazonaws.com")).toBeUndefined();
  });
});
