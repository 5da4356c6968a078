import { describe, expect, it } from "vitest";
import { loadTerraform } from "./load-terraform.js";
import { loadTerraformJson } from "./terraform-json.js";

const VPC = `resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
  tags = {
    Name        = "payments-prod"
    Environment = "production"
  }
}
`;
const load = (text: string) => loadTerraform([{ file: "main.tf", text: VPC + text }], {});

describe("audit fields from Terraform HCL", () => {
  it("reads VPC tags, subnet zones (unset: unknown) and security group descriptions with the provider default", async () => {
    const r = await load(`resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "eu-west-1a"
}
resource "aws_subnet" "b" {
  vpc_id               = aws_vpc.main.id
  cidr_block           = "10.0.2.0/24"
  availability_zone_id = "euw1-az2"
}
resource "aws_subnet" "c" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.3.0/24"
}
resource "aws_security_group" "plain" {
  vpc_id = aws_vpc.main.id
}
resource "aws_security_group" "told" {
  vpc_id      = aws_vpc.main.id
  description = "web tier"
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
    description = "HTTPS from the VPC"
  }
}
`);
    expect(r.problems).toEqual([]);
    expect(r.cloud.vpcs[0]?.tags).toEqual({ Name: "payments-prod", Environment: "production" });
    expect(r.cloud.subnets.map((s) => [s.id, s.availabilityZone, s.availabilityZoneId])).toEqual([
      ["aws_subnet.a", "eu-west-1a", undefined],
      ["aws_subnet.b", undefined, "euw1-az2"],
      ["aws_subnet.c", undefined, undefined],
    ]);
    const sgs = Object.fromEntries(r.cloud.securityGroups.map((g) => [g.id, g]));
    expect(sgs["aws_security_group.plain"]?.description).toBe("Managed by Terraform");
    expect(sgs["aws_security_group.told"]?.description).toBe("web tier");
    expect(sgs["aws_security_group.told"]?.rules[0]?.description).toBe("HTTPS from the VPC");
  });

  it("reads flow logs on a VPC, a subnet and an interface, and needs one of them", async () => {
    const r = await load(`resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}
resource "aws_flow_log" "vpc" {
  vpc_id       = aws_vpc.main.id
  traffic_type = "ALL"
}
resource "aws_flow_log" "subnet" {
  subnet_id    = aws_subnet.a.id
  traffic_type = "REJECT"
}
`);
    expect(r.problems).toEqual([]);
    expect(r.cloud.flowLogs?.map((f) => [f.resourceType, f.resourceId, f.trafficType, f.source.line])).toEqual([
      ["vpc", "aws_vpc.main", "ALL", 12],
      ["subnet", "aws_subnet.a", "REJECT", 16],
    ]);
    const bad = await load(`resource "aws_flow_log" "nothing" {
  traffic_type = "ALL"
}
`);
    expect(bad.problems.map((p) => [p.code, p.line])).toEqual([["missing-argument", 8]]);
  });

  it("endpoint associations declared apart: interface subnets and the gateway endpoint's prefix-list route", async () => {
    const r = await load(`resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}
resource "aws_subnet" "b" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.2.0/24"
}
resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}
resource "aws_vpc_endpoint" "s3" {
  vpc_id       = aws_vpc.main.id
  service_name = "com.amazonaws.eu-west-1.s3"
}
resource "aws_vpc_endpoint_route_table_association" "s3" {
  vpc_endpoint_id = aws_vpc_endpoint.s3.id
  route_table_id  = aws_route_table.private.id
}
resource "aws_vpc_endpoint" "sts" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.eu-west-1.sts"
  vpc_endpoint_type = "Interface"
  subnet_ids        = [aws_subnet.a.id]
}
resource "aws_vpc_endpoint_subnet_association" "sts_b" {
  vpc_endpoint_id = aws_vpc_endpoint.sts.id
  subnet_id       = aws_subnet.b.id
}
`);
    expect(r.problems).toEqual([]);
    const s3 = r.cloud.gateways.find((g) => g.id === "aws_vpc_endpoint.s3");
    expect(s3?.routeTableIds).toEqual(["aws_route_table.private"]);
    const table = r.cloud.routeTables.find((t) => t.id === "aws_route_table.private");
    expect(table?.routes.map((x) => [x.destination, x.target])).toContainEqual([
      { prefixList: "com.amazonaws.eu-west-1.s3" },
      { type: "vpc-endpoint", id: "aws_vpc_endpoint.s3" },
    ]);
    const sts = r.cloud.gateways.find((g) => g.id === "aws_vpc_endpoint.sts");
    expect(sts?.subnetIds).toEqual(["aws_subnet.a", "aws_subnet.b"]);
    expect(r.cloud.interfaces.filter((i) => i.kind === "vpc-endpoint").map((i) => i.subnetId)).toEqual([
      "aws_subnet.a",
      "aws_subnet.b",
    ]);
  });
});

describe("Session Manager from IAM", () => {
  it("an instance whose profile's role lists AmazonSSMManagedInstanceCore is managed through Systems Manager", async () => {
    const tf = (policy: string) => `resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}
resource "aws_iam_role" "app" {
  assume_role_policy  = "{}"
  managed_policy_arns = ["arn:aws:iam::aws:policy/${policy}"]
}
resource "aws_iam_instance_profile" "app" {
  role = aws_iam_role.app.name
}
resource "aws_instance" "app" {
  ami                  = "ami-12345678"
  instance_type        = "t3.micro"
  subnet_id            = aws_subnet.a.id
  iam_instance_profile = aws_iam_instance_profile.app.name
}
`;
    const on = await load(tf("AmazonSSMManagedInstanceCore"));
    expect(on.cloud.interfaces.map((i) => [i.name, i.sessionManager])).toEqual([["app", true]]);
    const off = await load(tf("ReadOnlyAccess"));
    expect(off.cloud.interfaces.map((i) => [i.name, i.sessionManager])).toEqual([["app", undefined]]);
  });
});

describe("audit fields from terraform show -json", () => {
  it("reads the same fields from state values", () => {
    const res = (type: string, name: string, values: Record<string, unknown>) => ({
      mode: "managed",
      address: `${type}.${name}`,
      type,
      name,
      values,
    });
    const text = JSON.stringify(
      {
        format_version: "1.0",
        values: {
          root_module: {
            resources: [
              res("aws_vpc", "main", { id: "vpc-1", cidr_block: "10.0.0.0/16", tags: { Name: "prod" } }),
              res("aws_subnet", "a", {
                id: "subnet-1",
                vpc_id: "vpc-1",
                cidr_block: "10.0.1.0/24",
                availability_zone: "eu-west-1a",
                availability_zone_id: "euw1-az1",
              }),
              res("aws_security_group", "web", { id: "sg-1", vpc_id: "vpc-1", description: "Managed by Terraform" }),
              res("aws_flow_log", "main", { id: "fl-1", vpc_id: "vpc-1", subnet_id: null, traffic_type: "ALL" }),
            ],
          },
        },
      },
      null,
      2,
    );
    const r = loadTerraformJson([{ file: "show.json", text }]);
    expect(r.problems).toEqual([]);
    expect(r.cloud.vpcs[0]?.tags).toEqual({ Name: "prod" });
    expect(r.cloud.subnets[0]?.availabilityZone).toBe("eu-west-1a");
    expect(r.cloud.securityGroups.find((g) => g.id === "aws_security_group.web")?.description).toBe(
      "Managed by Terraform",
    );
    expect(r.cloud.flowLogs?.map((f) => [f.resourceType, f.resourceId])).toEqual([["vpc", "aws_vpc.main"]]);
  });
  it("marks a node group whose role has AmazonSSMManagedInstanceCore (names and ARNs resolved to resources)", () => {
    const res = (type: string, name: string, values: Record<string, unknown>) => ({
      mode: "managed",
      address: `${type}.${name}`,
      type,
      name,
      values,
    });
    const state = (policy: string) =>
      JSON.stringify({
        format_version: "1.0",
        values: {
          root_module: {
            resources: [
              res("aws_vpc", "main", { id: "vpc-1", cidr_block: "10.0.0.0/16" }),
              res("aws_subnet", "a", { id: "subnet-1", vpc_id: "vpc-1", cidr_block: "10.0.1.0/24" }),
              res("aws_iam_role", "nodes", {
                id: "eks-nodes",
                name: "eks-nodes",
                arn: "arn:aws:iam::123456789012:role/eks-nodes",
              }),
              res("aws_iam_role_policy_attachment", "ssm", {
                id: "eks-nodes-1",
                role: "eks-nodes",
                policy_arn: `arn:aws:iam::aws:policy/${policy}`,
              }),
              res("aws_eks_node_group", "workers", {
                id: "payments:workers",
                node_role_arn: "arn:aws:iam::123456789012:role/eks-nodes",
                subnet_ids: ["subnet-1"],
              }),
            ],
          },
        },
      });
    const on = loadTerraformJson([{ file: "show.json", text: state("AmazonSSMManagedInstanceCore") }]);
    expect(on.problems).toEqual([]);
    expect(on.cloud.interfaces.map((i) => [i.kind, i.sessionManager])).toEqual([["node-group", true]]);
    const off = loadTerraformJson([{ file: "show.json", text: state("AmazonEKSWorkerNodePolicy") }]);
    expect(off.cloud.interfaces.map((i) => [i.kind, i.sessionManager])).toEqual([["node-group", undefined]]);
  });
});
