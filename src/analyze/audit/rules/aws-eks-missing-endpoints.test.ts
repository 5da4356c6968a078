import { describe, expect, it } from "vitest";
import { auditTerraform, VPC } from "./audit-terraform.js";

const tf = (extra: string, route = "") => `${VPC}
resource "aws_subnet" "nodes" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.2.0/24"
}
resource "aws_route_table" "nodes" {
  vpc_id = aws_vpc.main.id
${route}}
resource "aws_route_table_association" "nodes" {
  subnet_id      = aws_subnet.nodes.id
  route_table_id = aws_route_table.nodes.id
}
resource "aws_eks_node_group" "workers" {
  cluster_name    = "prod"
  node_group_name = "workers"
  node_role_arn   = "arn:aws:iam::123456789012:role/nodes"
  subnet_ids      = [aws_subnet.nodes.id]
  scaling_config {
    desired_size = 2
    max_size     = 3
    min_size     = 1
  }
}
${extra}`;

const iface = (svc: string) => `resource "aws_vpc_endpoint" "${svc.replace(".", "_")}" {
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.eu-west-1.${svc}"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.nodes.id]
  private_dns_enabled = true
}
`;
const s3 = `resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.eu-west-1.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.nodes.id]
}
`;
const all = ["ecr.api", "ecr.dkr", "ec2", "sts", "elasticloadbalancing", "logs"].map(iface).join("") + s3;

describe("WARD-AWS-012 private EKS nodes without the endpoints they need", () => {
  it("reports the endpoints missing for nodes with no route to the internet", async () => {
    const none = await auditTerraform(tf(""), "WARD-AWS-012");
    expect(none.map((f) => f.message)).toEqual([
      expect.stringMatching(
        /node group workers .*no endpoint for .*ecr\.api.*ecr\.dkr.*logs, com\.amazonaws\.<region>\.s3 \(gateway\)$/,
      ),
    ]);
    const noDkr = await auditTerraform(tf(all.replace(iface("ecr.dkr"), "")), "WARD-AWS-012");
    expect(noDkr[0]?.message).toMatch(/no endpoint for com\.amazonaws\.<region>\.ecr\.dkr$/);
  });
  it("is quiet with every endpoint, and when the nodes have a default route (e.g. a NAT gateway)", async () => {
    expect(await auditTerraform(tf(all), "WARD-AWS-012")).toEqual([]);
    const viaNat = `resource "aws_subnet" "public" {
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
`;
    const route = `  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.nat.id
  }
`;
    expect(await auditTerraform(tf(viaNat, route), "WARD-AWS-012")).toEqual([]);
  });
  it("requires ssm and ssmmessages when the node role has AmazonSSMManagedInstanceCore (Session Manager)", async () => {
    const role = (attach: string) => `resource "aws_iam_role" "nodes" {
  name               = "eks-nodes"
  assume_role_policy = "{}"
}
${attach}`;
    const attachment = `resource "aws_iam_role_policy_attachment" "ssm" {
  role       = aws_iam_role.nodes.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}
`;
    const withRole = (extra: string) =>
      tf(extra).replace('"arn:aws:iam::123456789012:role/nodes"', "aws_iam_role.nodes.arn");
    const ssm = await auditTerraform(withRole(all + role(attachment)), "WARD-AWS-012");
    expect(ssm.map((f) => f.message)).toEqual([
      expect.stringMatching(/no endpoint for com\.amazonaws\.<region>\.ssm, com\.amazonaws\.<region>\.ssmmessages$/),
    ]);
    expect(
      await auditTerraform(withRole(all + iface("ssm") + iface("ssmmessages") + role(attachment)), "WARD-AWS-012"),
    ).toEqual([]);
    // Another policy on the role: no Session Manager, no SSM endpoints required.
    const other = attachment.replace("AmazonSSMManagedInstanceCore", "AmazonEKSWorkerNodePolicy");
    expect(await auditTerraform(withRole(all + role(other)), "WARD-AWS-012")).toEqual([]);
  });
});
