import { describe, expect, it } from "vitest";
import { auditTerraform as audit } from "./audit-terraform.js";

const vpc = `resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
`;
const sg = (from: number, to: number, cidr = "0.0.0.0/0", protocol = "tcp") => `${vpc}
resource "aws_security_group" "web" {
  name        = "web"
  description = "web"
  vpc_id      = aws_vpc.main.id
  ingress {
    from_port   = ${from}
    to_port     = ${to}
    protocol    = "${protocol}"
    cidr_blocks = ["${cidr}"]
  }
}
`;

describe("WARD-AWS-001 security group open to the internet", () => {
  it("reports SSH and all ports from 0.0.0.0/0", async () => {
    expect((await audit(sg(22, 22), "WARD-AWS-001"))[0]?.message).toContain("admin port 22");
    expect((await audit(sg(0, 0, "0.0.0.0/0", "-1"), "WARD-AWS-001"))[0]?.message).toContain("every port");
  });
  it("is quiet for HTTPS from anywhere and SSH from a private range", async () => {
    expect(await audit(sg(443, 443), "WARD-AWS-001")).toEqual([]);
    expect(await audit(sg(22, 22, "10.0.0.0/8"), "WARD-AWS-001")).toEqual([]);
  });
});

const subnet = (publicIp: boolean, igw: boolean) => `${vpc}
resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
}
resource "aws_subnet" "app" {
  vpc_id                  = aws_vpc.main.id
  cidr_block              = "10.0.1.0/24"
  map_public_ip_on_launch = ${publicIp}
}
resource "aws_route_table" "app" {
  vpc_id = aws_vpc.main.id
${igw ? '  route {\n    cidr_block = "0.0.0.0/0"\n    gateway_id = aws_internet_gateway.igw.id\n  }\n' : ""}}
resource "aws_route_table_association" "app" {
  subnet_id      = aws_subnet.app.id
  route_table_id = aws_route_table.app.id
}
`;

describe("WARD-AWS-003 public IP on launch in a private subnet", () => {
  it("reports a private subnet that maps public IPs", async () => {
    expect(await audit(subnet(true, false), "WARD-AWS-003")).toHaveLength(1);
  });
  it("is quiet for a public subnet, and for a private one without public IPs", async () => {
    expect(await audit(subnet(true, true), "WARD-AWS-003")).toEqual([]);
    expect(await audit(subnet(false, false), "WARD-AWS-003")).toEqual([]);
  });
  it("is quiet when a route's target cannot be evaluated (it may be an internet gateway)", async () => {
    const unknown = subnet(true, false).replace(
      'resource "aws_route_table" "app" {\n  vpc_id = aws_vpc.main.id\n',
      'variable "gw" {}\nresource "aws_route_table" "app" {\n  vpc_id = aws_vpc.main.id\n  route {\n    cidr_block = "0.0.0.0/0"\n    gateway_id = var.gw\n  }\n',
    );
    expect(unknown).toContain("var.gw");
    expect(await audit(unknown, "WARD-AWS-003")).toEqual([]);
  });
});

const nacl = (protocol: string, cidr: string) => `${vpc}
resource "aws_subnet" "data" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.2.0/24"
}
resource "aws_network_acl" "data" {
  vpc_id     = aws_vpc.main.id
  subnet_ids = [aws_subnet.data.id]
  ingress {
    rule_no    = 100
    action     = "allow"
    protocol   = "${protocol}"
    cidr_block = "${cidr}"
    from_port  = ${protocol === "-1" ? 0 : 5432}
    to_port    = ${protocol === "-1" ? 0 : 5432}
  }
}
`;

describe("WARD-AWS-002 NACL allowing all", () => {
  it("reports allow-all from 0.0.0.0/0, not a narrow rule", async () => {
    expect(await audit(nacl("-1", "0.0.0.0/0"), "WARD-AWS-002")).toHaveLength(1);
    expect(await audit(nacl("tcp", "10.0.1.0/24"), "WARD-AWS-002")).toEqual([]);
  });
});
