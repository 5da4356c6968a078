import { describe, expect, it } from "vitest";
import { loadTerraform } from "../../load/terraform/load-terraform.js";
import { cloudReach } from "./cloud-reach.js";

const tf = (source: string, route: string) => `resource "aws_vpc" "main" {
  cidr_block                       = "10.0.0.0/16"
  assign_generated_ipv6_cidr_block = true
}
resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
}
resource "aws_egress_only_internet_gateway" "eigw" {
  vpc_id = aws_vpc.main.id
}
resource "aws_subnet" "web" {
  vpc_id          = aws_vpc.main.id
  cidr_block      = "10.0.1.0/24"
  ipv6_cidr_block = "2600:1f18:1:1::/64"
}
resource "aws_route_table" "web" {
  vpc_id = aws_vpc.main.id
  route {
    ipv6_cidr_block = "::/0"
    ${route}
  }
}
resource "aws_route_table_association" "web" {
  subnet_id      = aws_subnet.web.id
  route_table_id = aws_route_table.web.id
}
resource "aws_security_group" "web" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port        = 443
    to_port          = 443
    protocol         = "tcp"
    ipv6_cidr_blocks = ["${source}"]
  }
}
resource "aws_instance" "web" {
  ami                    = "ami-0123456789abcdef0"
  subnet_id              = aws_subnet.web.id
  ipv6_address_count     = 1
  vpc_security_group_ids = [aws_security_group.web.id]
  tags                   = { Name = "web" }
}
`;

async function v6Path(source: string, route: string) {
  const r = await loadTerraform([{ file: "main.tf", text: tf(source, route) }], {});
  expect(r.problems).toEqual([]);
  const res = cloudReach(r.cloud, { from: "internet", to: "web", port: 443, protocol: 6 });
  return res.paths.find((p) => p.from === "internet (IPv6)");
}

describe("IPv6 from the internet", () => {
  it("::/0 → internet gateway and a group allowing ::/0: reachable without any public IPv4 address", async () => {
    expect((await v6Path("::/0", "gateway_id = aws_internet_gateway.igw.id"))?.status).toBe("allow");
  });

  it("::/0 → egress-only internet gateway: the internet cannot initiate the connection", async () => {
    const p = await v6Path("::/0", "egress_only_gateway_id = aws_egress_only_internet_gateway.eigw.id");
    expect(p?.status).toBe("deny");
    expect(p?.hops.find((h) => h.status === "deny")?.why).toContain("egress-only");
  });

  it("a group allowing only the VPC's own IPv6 block does not admit the internet", async () => {
    const p = await v6Path("2600:1f18:1:1::/64", "gateway_id = aws_internet_gateway.igw.id");
    expect(p?.status).toBe("deny");
    expect(p?.hops.find((h) => h.status === "deny")?.step).toBe("security groups inbound of web");
  });
});
