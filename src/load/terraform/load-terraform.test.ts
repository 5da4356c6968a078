import { describe, expect, it } from "vitest";
import { isUnknown } from "../../model/cloud.js";
import { loadTerraform } from "./load-terraform.js";

const VPC = `resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n`;

async function load(text: string, vars: string[] = []) {
  return loadTerraform([{ file: "main.tf", text: VPC + text }], { vars });
}

describe("Terraform expressions", () => {
  it("count, count.index and cidrsubnet give each subnet its CIDR", async () => {
    const r = await load(`resource "aws_subnet" "s" {
  count      = 3
  vpc_id     = aws_vpc.main.id
  cidr_block = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index + 10)
}`);
    expect(r.problems).toEqual([]);
    expect(r.cloud.subnets.map((s) => (isUnknown(s.cidr) ? "?" : s.cidr.text))).toEqual([
      "10.0.10.0/24",
      "10.0.11.0/24",
      "10.0.12.0/24",
    ]);
    expect(r.cloud.subnets.map((s) => s.id)).toEqual(["aws_subnet.s[0]", "aws_subnet.s[1]", "aws_subnet.s[2]"]);
  });

  it("for_each over a map with each.key / each.value, locals, lookup, merge and interpolation", async () => {
    const r = await load(`locals {
  base = { a = 1 }
  nets = merge(local.base, { b = 2 })
}
resource "aws_subnet" "s" {
  for_each   = local.nets
  vpc_id     = aws_vpc.main.id
  cidr_block = cidrsubnet("10.0.0.0/16", 8, lookup(local.nets, each.key, 0) * 4)
  tags       = { Name = "net-\${each.key}" }
}`);
    expect(r.problems).toEqual([]);
    expect(r.cloud.subnets.map((s) => `${s.name}=${isUnknown(s.cidr) ? "?" : s.cidr.text}`)).toEqual([
      "net-a=10.0.4.0/24",
      "net-b=10.0.8.0/24",
    ]);
  });

  it("variables: --var beats the default; list indexing, element, length and concat", async () => {
    const text = `variable "n" {
  type    = number
  default = 1
}
variable "extra" {
  type    = list(string)
  default = ["10.0.200.0/24"]
}
resource "aws_subnet" "s" {
  count      = var.n
  vpc_id     = aws_vpc.main.id
  cidr_block = element(concat(["10.0.1.0/24", "10.0.2.0/24"], var.extra), count.index + length(var.extra))
}`;
    const byDefault = await load(text);
    expect(byDefault.cloud.subnets.map((s) => (isUnknown(s.cidr) ? "?" : s.cidr.text))).toEqual(["10.0.2.0/24"]);
    const overridden = await load(text, ["n=2"]);
    expect(overridden.cloud.subnets.map((s) => (isUnknown(s.cidr) ? "?" : s.cidr.text))).toEqual([
      "10.0.2.0/24",
      "10.0.200.0/24",
    ]);
  });

  it("cidrhost gives an instance its address; a negative host number counts from the end", async () => {
    const r = await load(`resource "aws_subnet" "s" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}
resource "aws_instance" "a" {
  subnet_id  = aws_subnet.s.id
  private_ip = cidrhost(aws_subnet.s.cidr_block, -2)
}`);
    expect(r.problems).toEqual([]);
    expect(r.cloud.interfaces[0]?.privateIp?.text).toBe("10.0.1.254/32");
  });

  it("a variable without a value is unknown: warned at file:line, never guessed", async () => {
    const r = await load(`variable "cidr" {}
resource "aws_subnet" "s" {
  vpc_id     = aws_vpc.main.id
  cidr_block = var.cidr
}`);
    expect(r.problems).toEqual([]);
    expect(r.warnings.map((w) => [w.code, w.line])).toEqual([["unknown-value", 7]]);
    expect(isUnknown(r.cloud.subnets[0]?.cidr)).toBe(true);
  });

  it("a data source value is unknown, not an error", async () => {
    const r = await load(`data "aws_availability_zones" "z" {}
resource "aws_subnet" "s" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = data.aws_availability_zones.z.names[0]
}`);
    expect(r.problems).toEqual([]);
  });
});

describe("Terraform AWS semantics", () => {
  it("aws_security_group without egress blocks has no egress rule (Terraform removes AWS's allow-all)", async () => {
    const r = await load(`resource "aws_security_group" "db" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
}`);
    const g = r.cloud.securityGroups.find((x) => x.id === "aws_security_group.db");
    expect(g?.rules.map((x) => x.direction)).toEqual(["ingress"]);
  });

  it("dynamic blocks expand with the iterator named after the block", async () => {
    const r = await load(`variable "ports" {
  default = [80, 443]
}
resource "aws_security_group" "web" {
  vpc_id = aws_vpc.main.id
  dynamic "ingress" {
    for_each = var.ports
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}`);
    expect(r.problems).toEqual([]);
    expect(r.cloud.securityGroups.find((g) => g.id === "aws_security_group.web")?.rules.map((x) => x.fromPort)).toEqual(
      [80, 443],
    );
  });

  it("every route table gets the VPC's local route; a subnet without association uses the main table", async () => {
    const r = await load(`resource "aws_route_table" "rt" {
  vpc_id = aws_vpc.main.id
}`);
    const rt = r.cloud.routeTables.find((t) => t.id === "aws_route_table.rt");
    expect(rt?.routes.map((x) => x.target)).toEqual([{ type: "local" }]);
    expect(r.cloud.routeTables.some((t) => t.main && t.vpcId === "aws_vpc.main")).toBe(true);
  });

  it("a subnet outside its VPC's CIDR is an error", async () => {
    const r = await load(`resource "aws_subnet" "s" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "192.168.0.0/24"
}`);
    expect(r.problems.map((p) => [p.code, p.line])).toEqual([["subnet-outside-vpc", 4]]);
  });

  it("a CIDR with host bits set is an error that suggests the network address", async () => {
    const r = await load(`resource "aws_subnet" "s" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.7/24"
}`);
    expect(r.problems[0]?.code).toBe("invalid-cidr");
    expect(r.problems[0]?.message).toContain("10.0.1.0/24");
  });
});
