import { describe, expect, it } from "vitest";
import { auditTerraform, VPC } from "./audit-terraform.js";

const tf = (endpoints: string) => `${VPC}
resource "aws_subnet" "public" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.0.0/24"
}
resource "aws_eip" "nat" {
  domain = "vpc"
}
resource "aws_nat_gateway" "nat" {
  subnet_id     = aws_subnet.public.id
  allocation_id = aws_eip.nat.id
}
resource "aws_subnet" "app" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.2.0/24"
}
resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.nat.id
  }
}
resource "aws_route_table_association" "app" {
  subnet_id      = aws_subnet.app.id
  route_table_id = aws_route_table.private.id
}
${endpoints}`;

const endpoint = (svc: string, tables: string) => `resource "aws_vpc_endpoint" "${svc}" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.eu-west-1.${svc}"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [${tables}]
}
`;

describe("WARD-AWS-011 private subnets reach S3 / DynamoDB through NAT", () => {
  it("reports both services with no endpoint, and DynamoDB when only S3 has one", async () => {
    const none = await auditTerraform(tf(""), "WARD-AWS-011");
    expect(none.map((f) => f.message)).toEqual([
      expect.stringMatching(
        /route table aws_route_table\.private \(subnets app\).*nat-gateway.*\.s3, com\.amazonaws\.<region>\.dynamodb/,
      ),
    ]);
    const s3Only = await auditTerraform(tf(endpoint("s3", "aws_route_table.private.id")), "WARD-AWS-011");
    expect(s3Only[0]?.message).toMatch(/no gateway endpoint route for com\.amazonaws\.<region>\.dynamodb: /);
  });
  it("reports an endpoint associated with another route table only", async () => {
    const other = `resource "aws_route_table" "other" {
  vpc_id = aws_vpc.main.id
}
${endpoint("s3", "aws_route_table.other.id")}${endpoint("dynamodb", "aws_route_table.other.id")}`;
    expect(await auditTerraform(tf(other), "WARD-AWS-011")).toHaveLength(1);
  });
  it("is quiet when both gateway endpoints are associated with the private route table", async () => {
    const both = endpoint("s3", "aws_route_table.private.id") + endpoint("dynamodb", "aws_route_table.private.id");
    expect(await auditTerraform(tf(both), "WARD-AWS-011")).toEqual([]);
  });
  it("sees associations declared as aws_vpc_endpoint_route_table_association (the prefix-list route they add)", async () => {
    const separate = (svc: string, table: string) => `resource "aws_vpc_endpoint" "${svc}" {
  vpc_id       = aws_vpc.main.id
  service_name = "com.amazonaws.eu-west-1.${svc}"
}
resource "aws_vpc_endpoint_route_table_association" "${svc}" {
  vpc_endpoint_id = aws_vpc_endpoint.${svc}.id
  route_table_id  = ${table}
}
`;
    const other = `resource "aws_route_table" "other" {
  vpc_id = aws_vpc.main.id
}
`;
    const f = await auditTerraform(
      tf(other + separate("s3", "aws_route_table.private.id") + separate("dynamodb", "aws_route_table.other.id")),
      "WARD-AWS-011",
    );
    expect(f.map((x) => x.message)).toEqual([
      expect.stringMatching(/no gateway endpoint route for com\.amazonaws\.<region>\.dynamodb: /),
    ]);
    const both = separate("s3", "aws_route_table.private.id") + separate("dynamodb", "aws_route_table.private.id");
    expect(await auditTerraform(tf(both), "WARD-AWS-011")).toEqual([]);
  });
  it("is quiet for a Network Firewall subnet routed to the NAT gateway (it hosts no workloads)", async () => {
    const fw = `resource "aws_networkfirewall_firewall" "egress" {
  name                = "egress"
  vpc_id              = aws_vpc.main.id
  firewall_policy_arn = "arn:aws:network-firewall:eu-west-1:123456789012:firewall-policy/egress"
  subnet_mapping {
    subnet_id = aws_subnet.app.id
  }
}
`;
    expect(await auditTerraform(tf(fw), "WARD-AWS-011")).toEqual([]);
  });
});
