import { describe, expect, it } from "vitest";
import { loadTerraform } from "./load-terraform.js";

const BASE = `resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_subnet" "nodes" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}
resource "aws_security_group" "nodes" {
  vpc_id = aws_vpc.main.id
}
`;

async function load(text: string) {
  const r = await loadTerraform([{ file: "main.tf", text: BASE + text }], { vars: [] });
  expect(r.problems).toEqual([]);
  return r.cloud.interfaces;
}

describe("EKS clusters and managed node groups", () => {
  it("a node group without a launch template carries the cluster security group AWS creates: unknown", async () => {
    const [ng] = await load(`resource "aws_eks_node_group" "workers" {
  cluster_name = "payments"
  subnet_ids   = [aws_subnet.nodes.id]
}`);
    expect(ng).toMatchObject({ kind: "node-group", name: "workers", securityGroupIds: [] });
    expect(ng?.unknownSecurityGroups).toContain("EKS cluster security group");
  });

  it("security groups in the launch template replace the cluster security group (known)", async () => {
    const [ng] = await load(`resource "aws_launch_template" "nodes" {
  vpc_security_group_ids = [aws_security_group.nodes.id]
}
resource "aws_eks_node_group" "workers" {
  cluster_name = "payments"
  subnet_ids   = [aws_subnet.nodes.id]
  launch_template {
    id      = aws_launch_template.nodes.id
    version = "1"
  }
}`);
    expect(ng?.securityGroupIds).toEqual(["aws_security_group.nodes"]);
    expect(ng?.unknownSecurityGroups).toBeUndefined();
  });

  it("a launch template without security groups leaves the cluster security group on the nodes", async () => {
    const [ng] = await load(`resource "aws_launch_template" "nodes" {
  network_interfaces {
    associate_public_ip_address = false
  }
}
resource "aws_eks_node_group" "workers" {
  cluster_name = "payments"
  subnet_ids   = [aws_subnet.nodes.id]
  launch_template {
    id      = aws_launch_template.nodes.id
    version = "1"
  }
}`);
    expect(ng?.unknownSecurityGroups).toContain("EKS cluster security group");
  });

  it("remote access without source security groups is said to open SSH to the internet", async () => {
    const [ng] = await load(`resource "aws_eks_node_group" "workers" {
  cluster_name = "payments"
  subnet_ids   = [aws_subnet.nodes.id]
  remote_access {
    ec2_ssh_key = "ops"
  }
}`);
    expect(ng?.unknownSecurityGroups).toContain("opens tcp 22 to the internet");
  });

  it("the cluster's network interfaces carry vpc_config security groups and the unknown cluster group", async () => {
    const [cp] = await load(`resource "aws_eks_cluster" "payments" {
  name = "payments"
  vpc_config {
    subnet_ids         = [aws_subnet.nodes.id]
    security_group_ids = [aws_security_group.nodes.id]
  }
}`);
    expect(cp).toMatchObject({ name: "payments-control-plane", securityGroupIds: ["aws_security_group.nodes"] });
    expect(cp?.unknownSecurityGroups).toContain("EKS cluster security group");
  });
});
